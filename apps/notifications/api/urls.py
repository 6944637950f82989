from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import NotificationViewSet, PreferenceView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [path("notification-preferences/", PreferenceView.as_view(), name="notification-preferences"),
               *router.urls]
