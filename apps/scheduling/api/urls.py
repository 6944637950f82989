from django.urls import path
from rest_framework.routers import DefaultRouter

from .roster import RosterProfileView, RosterRunViewSet
from .views import (
    AssignmentViewSet,
    EligibilityView,
    MyShiftsView,
    PositionViewSet,
    ShiftViewSet,
    SwapViewSet,
    TimeOffViewSet,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("scheduling/shifts", ShiftViewSet, basename="scheduling-shift")
router.register("scheduling/positions", PositionViewSet, basename="scheduling-position")
router.register("scheduling/assignments", AssignmentViewSet, basename="scheduling-assignment")
router.register("scheduling/swaps", SwapViewSet, basename="scheduling-swap")
router.register("scheduling/time-off", TimeOffViewSet, basename="scheduling-time-off")
router.register("scheduling/roster-runs", RosterRunViewSet, basename="scheduling-roster-run")

urlpatterns = [
    path("scheduling/my-shifts/", MyShiftsView.as_view(), name="scheduling-my-shifts"),
    path("scheduling/eligibility/", EligibilityView.as_view(), name="scheduling-eligibility"),
    path("scheduling/roster-profiles/", RosterProfileView.as_view(), name="scheduling-roster-profiles"),
    *router.urls,
]
