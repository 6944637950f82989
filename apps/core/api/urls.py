from rest_framework.routers import DefaultRouter

from .views import AuditEventViewSet, LanguageViewSet, NeighborhoodViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("neighborhoods", NeighborhoodViewSet, basename="neighborhood")
router.register("languages", LanguageViewSet, basename="language")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
