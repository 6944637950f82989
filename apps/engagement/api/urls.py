from django.urls import path
from rest_framework.routers import DefaultRouter

from .public import PublicFeedbackView, RegistrationCancelView
from .staff import DecisionViewSet, StaffSessionViewSet, StaffTaskViewSet, ThemeViewSet
from .views import FeedbackViewSet, PublicSessionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("engagement/sessions", PublicSessionViewSet, basename="engagement-session")
router.register("engagement/feedback", FeedbackViewSet, basename="engagement-feedback")
router.register("engagement/themes", ThemeViewSet, basename="engagement-theme")
router.register("engagement/decisions", DecisionViewSet, basename="engagement-decision")
router.register("engagement/staff-sessions", StaffSessionViewSet, basename="engagement-staff-session")
router.register("engagement/tasks", StaffTaskViewSet, basename="engagement-task")

urlpatterns = [
    path("engagement/public-feedback/", PublicFeedbackView.as_view(), name="engagement-public-feedback"),
    path("engagement/registrations/<str:token>/cancel/", RegistrationCancelView.as_view(),
         name="engagement-registration-cancel"),
    *router.urls,
]
