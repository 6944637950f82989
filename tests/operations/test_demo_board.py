"""The demo's statuses: each team on a shift under way with someone checked in reports one, in turn
available, on a call, returning; a second run changes nothing."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.accounts.roles import Role
from apps.operations.demo_board import seed
from apps.operations.models import TeamStatus, TeamStatusChange
from apps.scheduling.models import Assignment, PositionRole
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.engagement import neighborhood
from tests.factories.scheduling import TeamFactory, make_shift, place

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 19, 19, 30, tzinfo=ZoneInfo("America/New_York"))


def test_teams_under_way_report_and_a_second_run_changes_nothing():
    org = OrganizationFactory()
    shifts = []
    for k, (start, checked_in) in enumerate(((NOW - timedelta(hours=2), True), (NOW - timedelta(hours=1), True),
                                             (NOW - timedelta(hours=1), False), (NOW + timedelta(hours=2), True))):
        shift = make_shift(team=TeamFactory(organization=org, name=f"Team {k}"), starts_at=start,
                           zones=[neighborhood("Dorchester")])
        lead = user_with_role(Role.RESPONDER, org)
        place(shift=shift, responder=lead, role=PositionRole.LEAD,
              status=Assignment.Status.CHECKED_IN if checked_in else Assignment.Status.ASSIGNED,
              **({"checked_in_at": start} if checked_in else {}))
        shifts.append(shift)
    with time_machine.travel(NOW, tick=False):
        out = io.StringIO()
        seed(users={}, organizations={}, stdout=out)
        assert out.getvalue() == "  operations: 2 teams on shift now reported a status"
        assert list(TeamStatus.objects.order_by("shift__starts_at").values_list("shift__team__name", "state",
                                                                                  "zone__slug", "since")) == [
            ("Team 0", "available", "dorchester", NOW - timedelta(minutes=7)),
            ("Team 1", "on_call", "dorchester", NOW - timedelta(minutes=18))]
        seed(users={}, organizations={}, stdout=io.StringIO())
        assert TeamStatusChange.objects.count() == 2
