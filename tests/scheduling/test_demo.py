"""The demo seeder: two teams, four weeks of shifts from next Monday (the first published), two
assignments for the cleared demo responder; running it twice changes nothing."""

import io

import pytest

from apps.accounts.roles import Role
from apps.scheduling import demo
from apps.scheduling.models import Assignment, Shift, Team
from apps.training import demo as training_demo
from tests.factories import OrganizationFactory, user_with_role
from tests.scheduling.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_demo_seed_is_idempotent():
    org1 = OrganizationFactory(name="Neighborhood Peer Response Collective")
    org2 = OrganizationFactory(name="Roxbury Community Wellness Partners")
    users = {
        "coordinator": user_with_role(Role.COORDINATOR, org1), "trainer": user_with_role(Role.TRAINER, org1),
        "responder": user_with_role(Role.RESPONDER, org1), "coordinator2": user_with_role(Role.COORDINATOR, org2),
        "responder2": user_with_role(Role.RESPONDER, org2),
    }
    organizations = {org1.name: org1, org2.name: org2}
    training_demo.seed(users=users, organizations=organizations, stdout=io.StringIO())
    for _ in range(2):
        demo.seed(users=users, organizations=organizations, stdout=io.StringIO())

    assert sorted(Team.objects.filter(organization=org1).values_list("name", flat=True)) == [
        "Dorchester day team", "Roxbury and South End evening team"]
    assert Shift.objects.filter(organization=org1).count() == 56
    published = Shift.objects.filter(organization=org1, status="published").order_by("starts_at")
    assert (published.count(), published.first().starts_at) == (14, local(2026, 3, 9, 10))
    assignments = Assignment.objects.filter(responder=users["responder"]).order_by("starts_at")
    assert [a.starts_at for a in assignments] == [local(2026, 3, 9, 10), local(2026, 3, 11, 10)]
