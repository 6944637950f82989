"""The demo seeder: three teams, shifts from thirteen weeks back to four weeks after next Monday
(published through next week), the rota's assignments — worked in the past, made through the service
for what is still to come; running it twice changes nothing. Frozen at Monday 2 March 2026, 09:00."""

import io
from datetime import timedelta

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


def test_demo_seed_is_idempotent_and_has_a_past():
    org1 = OrganizationFactory(name="Neighborhood Peer Response Collective")
    org2 = OrganizationFactory(name="Roxbury Community Wellness Partners")
    users = {
        "coordinator": user_with_role(Role.COORDINATOR, org1), "trainer": user_with_role(Role.TRAINER, org1),
        "responder": user_with_role(Role.RESPONDER, org1), "coordinator2": user_with_role(Role.COORDINATOR, org2),
        "responder2": user_with_role(Role.RESPONDER, org2),
    }
    organizations = {org1.name: org1, org2.name: org2}
    training_demo.seed(users=users, organizations=organizations, stdout=io.StringIO())
    demo.seed(users=users, organizations=organizations, stdout=io.StringIO())
    counts = (Shift.objects.count(), Assignment.objects.count())
    demo.seed(users=users, organizations=organizations, stdout=io.StringIO())
    assert (Shift.objects.count(), Assignment.objects.count()) == counts

    assert sorted(Team.objects.filter(organization=org1).values_list("name", flat=True)) == [
        "Dorchester day team", "Roxbury and South End evening team"]
    assert list(Team.objects.filter(organization=org2).values_list("name", flat=True)) == [
        "Mattapan and Hyde Park weekday team"]
    # 1 December 2025 (13 weeks before this Monday) to 5 April 2026: 126 days, two teams.
    shifts = Shift.objects.filter(organization=org1).order_by("starts_at")
    assert (shifts.count(), shifts.first().starts_at, shifts.last().starts_at) == (
        252, local(2025, 12, 1, 10), local(2026, 4, 5, 18))
    published = shifts.filter(status="published")
    assert (published.count(), published.last().starts_at) == (210, local(2026, 3, 15, 18))
    # Riley works the day team's Monday and Wednesday: the past ones worked (or missed), this week's
    # and next week's made through the service.
    riley = Assignment.objects.filter(responder=users["responder"]).order_by("starts_at")
    assert riley.count() == 30
    upcoming = riley.filter(starts_at__gte=local(2026, 3, 2, 9))
    assert [(a.starts_at, a.status) for a in upcoming] == [
        (local(2026, 3, d, 10), "assigned") for d in (2, 4, 9, 11)]
    past = riley.filter(starts_at__lt=local(2026, 3, 2, 9))
    assert {a.status for a in past} <= {"completed", "no_show"}
    for a in past.filter(status="completed"):
        assert a.starts_at - timedelta(hours=1) <= a.checked_in_at < a.checked_out_at
        assert 7.5 < a.worked_hours < 8.7
        assert a.worked_hours == (a.checked_out_at - a.checked_in_at).total_seconds() / 3600
    # Avery is not cleared: on no shift at all.
    assert not Assignment.objects.filter(responder=users["responder2"]).exists()
