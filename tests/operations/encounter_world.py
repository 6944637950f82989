"""The scene of the encounter tests: one nonprofit with a team, a shift on a frozen Tuesday, its lead and a
member, a coordinator, and another organization. Every test runs at NOW unless it travels."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.accounts.roles import Role
from apps.core.models import Neighborhood
from apps.scheduling.models import Assignment, PositionRole
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.scheduling import TeamFactory, make_shift, place

# The fixtures, for `from .encounter_world import *` in the test modules.
__all__ = ["_frozen", "admin", "coordinator", "dorchester", "evaluator", "lead", "member", "org", "other_coordinator",
           "other_org", "outsider", "roxbury", "shift", "team"]

BOSTON = ZoneInfo("America/New_York")


def local(y, m, d, hour=12, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=BOSTON)


# Tuesday 10 March 2026, 14:00 in Boston (the Sunday before, clocks went forward): inside the day shift.
NOW = local(2026, 3, 10, 14)
SHIFT_START = local(2026, 3, 10, 8)  # 08:00-16:00


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def zone(name: str) -> Neighborhood:
    slug = name.lower().replace(" ", "-")
    return Neighborhood.objects.get_or_create(slug=slug, defaults={"name": name})[0]


@pytest.fixture
def org():
    return OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach")


@pytest.fixture
def other_org():
    return OrganizationFactory(name="Riverside Care", slug="riverside-care")


@pytest.fixture
def dorchester():
    return zone("Dorchester Test")


@pytest.fixture
def roxbury():
    return zone("Roxbury Test")


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="Harbor A")


@pytest.fixture
def shift(team, dorchester):
    return make_shift(team=team, starts_at=SHIFT_START, zones=[dorchester])


@pytest.fixture
def lead(org, shift):
    user = user_with_role(Role.RESPONDER, org, full_name="Marisol Quintero-Vasquez", email="marisol@example.org")
    place(shift=shift, responder=user, role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
          checked_in_at=SHIFT_START)
    return user


@pytest.fixture
def member(org, shift):
    user = user_with_role(Role.RESPONDER, org, full_name="Desmond Okafor", email="desmond@example.org")
    place(shift=shift, responder=user)
    return user


@pytest.fixture
def outsider(org):
    """A responder of the same organization, not on the shift."""
    return user_with_role(Role.RESPONDER, org, full_name="Ines Albuquerque")


@pytest.fixture
def coordinator(org):
    return user_with_role(Role.COORDINATOR, org, full_name="Colm Brennan")


@pytest.fixture
def other_coordinator(other_org):
    return user_with_role(Role.COORDINATOR, other_org, full_name="Ola Nordmann")


@pytest.fixture
def admin():
    return user_with_role(Role.PROGRAM_ADMIN)


@pytest.fixture
def evaluator():
    return user_with_role(Role.PROGRAM_EVALUATOR)


def times(received_hour=12, received_minute=0, *, dispatch=2, arrive=14, clear=40, day=(2026, 3, 10)) -> dict:
    """An encounter's times: received at the local hour, then dispatch, arrival and clearing minutes later."""
    received = local(*day, received_hour, received_minute)
    return {"received_at": received, "dispatched_at": received + timedelta(minutes=dispatch),
            "arrived_at": received + timedelta(minutes=arrive), "cleared_at": received + timedelta(minutes=clear)}
