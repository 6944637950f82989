from django.urls import path
from rest_framework.routers import DefaultRouter

from .planning import AvailabilityViewSet, CalendarFeedView, ShiftTemplateViewSet, TeamViewSet
from .roster import RosterProfileView, RosterRunViewSet
from .roster_members import MemberRosterProfileView
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
router.register("scheduling/availability", AvailabilityViewSet, basename="scheduling-availability")
router.register("scheduling/teams", TeamViewSet, basename="scheduling-team")
router.register("scheduling/templates", ShiftTemplateViewSet, basename="scheduling-template")
router.register("scheduling/roster-runs", RosterRunViewSet, basename="scheduling-roster-run")

urlpatterns = [
    path("scheduling/my-shifts/", MyShiftsView.as_view(), name="scheduling-my-shifts"),
    path("scheduling/eligibility/", EligibilityView.as_view(), name="scheduling-eligibility"),
    path("scheduling/calendar-feed/", CalendarFeedView.as_view(), name="scheduling-calendar-feed"),
    path("scheduling/roster-profiles/members/<int:membership>/", MemberRosterProfileView.as_view(),
         name="scheduling-roster-profile-member"),
    path("scheduling/roster-profiles/", RosterProfileView.as_view(), name="scheduling-roster-profiles"),
    *router.urls,
]
