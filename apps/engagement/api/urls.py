from rest_framework.routers import DefaultRouter

from .views import FeedbackViewSet, PublicSessionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("engagement/sessions", PublicSessionViewSet, basename="engagement-session")
router.register("engagement/feedback", FeedbackViewSet, basename="engagement-feedback")

urlpatterns = router.urls
