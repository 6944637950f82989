from django.urls import path  # noqa: F401  (each part appends its routes below)

from . import encounters
from .status import TeamStatusView
from .views import OnDutyView, StatusChangesView

urlpatterns: list = [
    # BOARD: a member sets their team's status (the buttons on the responder's shift, for an app)
    path("operations/shifts/<int:pk>/status/", TeamStatusView.as_view(), name="operations-team-status"),

    # DISPATCH: /api/v1/dispatch/...
    path("dispatch/on-duty/", OnDutyView.as_view(), name="dispatch-on-duty"),
    path("dispatch/status-changes/", StatusChangesView.as_view(), name="dispatch-status-changes"),

    # ENCOUNTERS: /api/v1/encounters/...
    path("encounters/", encounters.EncounterListCreateView.as_view(), name="operations-encounter-list"),
    path("encounters/<int:pk>/", encounters.EncounterDetailView.as_view(), name="operations-encounter-detail"),
]
