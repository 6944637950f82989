from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.accounts.roles import Role
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.scheduling import TeamFactory
from tests.factories.training import CourseFactory, TrainingRecordFactory, requirement

BOSTON = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def local(y, m, d, hour=12, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=BOSTON)


# Monday 2 March 2026, 09:00 in Boston: every test runs at this instant unless it travels.
NOW = local(2026, 3, 2, 9)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def org():
    return OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach")


@pytest.fixture
def other_org():
    return OrganizationFactory(name="Riverside Care", slug="riverside-care")


@pytest.fixture
def cpr():
    return CourseFactory(code="cpr", title="CPR and First Aid", renewal_months=24)


@pytest.fixture
def cit():
    return CourseFactory(code="cit", title="CIT foundations", renewal_months=None)


@pytest.fixture
def requirements(cpr, cit):
    """Trainees and responders need CPR; leads also need CIT."""
    return {
        "trainee": requirement(courses=[cpr], role="trainee"),
        "responder": requirement(courses=[cpr], role="responder"),
        "team_lead": requirement(courses=[cpr, cit], role="team_lead"),
    }


def clear(user, org, *courses, completed_on=date(2026, 1, 15)):
    for course in courses:
        TrainingRecordFactory(responder=user, organization=org, course=course, completed_on=completed_on)
    return user


@pytest.fixture
def responder(org, requirements, cpr):
    return clear(user_with_role(Role.RESPONDER, org, email="ray@example.org", full_name="Ray Sponder"), org, cpr)


@pytest.fixture
def peer(org, requirements, cpr):
    return clear(user_with_role(Role.RESPONDER, org, email="pat@example.org", full_name="Pat Peer"), org, cpr)


@pytest.fixture
def lead(org, requirements, cpr, cit):
    return clear(user_with_role(Role.RESPONDER, org, email="lee@example.org", full_name="Lee Lead"), org, cpr, cit)


@pytest.fixture
def coordinator(org):
    return user_with_role(Role.COORDINATOR, org, email="cora@example.org", full_name="Cora Ordin")


@pytest.fixture
def outsider(other_org):
    return user_with_role(Role.COORDINATOR, other_org, email="otto@example.org", full_name="Otto Outside")


@pytest.fixture
def outsider_responder(other_org, requirements, cpr):
    return clear(user_with_role(Role.RESPONDER, other_org, email="olga@example.org", full_name="Olga Out"),
                 other_org, cpr)


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="Dorchester day")


@pytest.fixture
def other_team(other_org):
    return TeamFactory(organization=other_org, name="Riverside day")
