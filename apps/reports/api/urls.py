from rest_framework.routers import DefaultRouter

from .views import ReportRequestViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reports", ReportRequestViewSet, basename="report-request")

urlpatterns = router.urls
