from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import ReportRequestViewSet, SubscriptionView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports", ReportRequestViewSet, basename="report-request")

urlpatterns = [
    path("reports/subscriptions/<slug:kind>/", SubscriptionView.as_view(), name="report-subscription"),
    *router.urls,
]
