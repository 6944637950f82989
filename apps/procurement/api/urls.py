from rest_framework.routers import DefaultRouter

from .clarifications import ClarificationViewSet
from .evaluation import ScoreViewSet
from .proposals import ProposalViewSet
from .solicitations import SolicitationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("procurement/solicitations", SolicitationViewSet, basename="procurement-solicitation")
router.register("procurement/proposals", ProposalViewSet, basename="procurement-proposal")
router.register("procurement/scores", ScoreViewSet, basename="procurement-score")
router.register("procurement/clarifications", ClarificationViewSet, basename="procurement-clarification")

urlpatterns = router.urls
