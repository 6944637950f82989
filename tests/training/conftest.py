from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.roles import Role
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.training import CourseFactory, requirement

BOSTON = ZoneInfo("America/New_York")


def local(y, m, d, hour=12, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=BOSTON)


@pytest.fixture
def org():
    return OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach")


@pytest.fixture
def other_org():
    return OrganizationFactory(name="Riverside Care", slug="riverside-care")


@pytest.fixture
def responder(org):
    return user_with_role(Role.RESPONDER, org, email="ray@example.org", full_name="Ray Sponder")


@pytest.fixture
def peer(org):
    return user_with_role(Role.RESPONDER, org, email="pat@example.org", full_name="Pat Peer")


@pytest.fixture
def coordinator(org):
    return user_with_role(Role.COORDINATOR, org, email="cora@example.org", full_name="Cora Ordin")


@pytest.fixture
def trainer(org):
    return user_with_role(Role.TRAINER, org, email="tess@example.org", full_name="Tess Trainer")


@pytest.fixture
def outsider(other_org):
    return user_with_role(Role.COORDINATOR, other_org, email="otto@example.org", full_name="Otto Outside")


@pytest.fixture
def cpr():
    return CourseFactory(code="cpr", title="CPR and First Aid", renewal_months=24, expires_end_of_month=True)


@pytest.fixture
def mhfa():
    return CourseFactory(code="mhfa", title="Mental Health First Aid", renewal_months=36,
                         recertification_window_days=90)


@pytest.fixture
def baseline(cpr, mhfa):
    return requirement(courses=[cpr, mhfa], min_field_hours=Decimal("10"))
