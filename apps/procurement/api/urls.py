from rest_framework.routers import DefaultRouter

from .views import ProposalViewSet, ScoreViewSet, SolicitationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("procurement/solicitations", SolicitationViewSet, basename="procurement-solicitation")
router.register("procurement/proposals", ProposalViewSet, basename="procurement-proposal")
router.register("procurement/scores", ScoreViewSet, basename="procurement-score")

urlpatterns = router.urls
