"""seed_scale: exact counts from the factor, idempotent, --reset touches only its own rows, and the
data satisfies the database's constraints (the PostgreSQL exclusion constraint included)."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts.models import Membership, Organization, User
from apps.accounts.roles import Role
from apps.core.models import AuditEvent
from apps.scale.plan import scale_counts, scale_plan
from apps.scheduling.models import Assignment
from apps.training.readiness import readiness_batch
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

# Factor 0.02: 1 nonprofit and 1 team (never fewer), 4 responders; a year of shifts is 365 days x 2
# per team; 2 people per shift plus a third on shifts k with k % 7 < 2 (210 of 730).
SMALL = {
    "nonprofits": 1, "applicant_organizations": 14, "teams": 1, "responders": 4, "training_records": 80,
    "field_hours": 24, "shifts": 730, "positions": 1460, "assignments": 1670, "solicitations": 1, "proposals": 15,
    "scores": 300, "sessions": 1, "registrations": 50, "feedback_items": 200,
}


def seed(factor=0.02, **options):
    call_command("seed_scale", factor=factor, stdout=open("/dev/null", "w"), **options)  # noqa: SIM115


def seeded_events() -> int:
    return AuditEvent.objects.filter(action="scale.seeded").count()


def test_plan_at_one_and_ten_is_a_city_year_and_ten():
    one, ten = scale_plan(1), scale_plan(10)
    assert (one["nonprofits"], one["teams"], one["responders"], one["training_records"]) == (6, 12, 200, 4000)
    assert (one["shifts"], one["assignments"]) == (8760, 20040)
    assert (one["solicitations"], one["proposals"], one["scores"]) == (2, 30, 600)
    assert (one["sessions"], one["registrations"], one["feedback_items"]) == (50, 2500, 10000)
    assert (ten["nonprofits"], ten["applicant_organizations"], ten["responders"]) == (60, 0, 2000)
    assert (ten["shifts"], ten["assignments"], ten["scores"], ten["feedback_items"]) == (87600, 200400, 6000,
                                                                                         100000)
    with pytest.raises(ValueError):
        scale_plan(0)


def test_small_factor_creates_exact_counts_and_one_audit_event():
    seed()
    assert scale_plan(0.02) == SMALL
    assert scale_counts() == SMALL
    assert seeded_events() == 1
    event = AuditEvent.objects.get(action="scale.seeded")
    assert event.actor_id is None and event.organization_id is None
    assert event.after["rows"] == SMALL
    # No event per bulk row.
    assert AuditEvent.objects.count() == 1


def test_second_run_changes_nothing():
    seed()
    users = User.objects.count()
    seed()
    assert scale_counts() == SMALL
    assert User.objects.count() == users
    assert seeded_events() == 1


def test_other_factor_needs_reset():
    seed()
    with pytest.raises(CommandError, match="--reset"):
        seed(factor=0.1)
    assert scale_counts() == SMALL


def test_reset_deletes_only_its_own_rows_and_seeds_again():
    other_org = OrganizationFactory(name="Neighborhood Peer Response Collective")
    other_user = UserFactory(email="someone@example.org")
    Membership.objects.create(user=other_user, organization=other_org, role=Role.RESPONDER)
    seed()
    seed(factor=0.1, reset=True)
    plan = scale_plan(0.1)
    assert (plan["teams"], plan["responders"], plan["training_records"]) == (1, 20, 400)
    assert scale_counts() == plan
    assert seeded_events() == 2
    assert Organization.objects.filter(pk=other_org.pk).exists()
    assert Membership.objects.filter(user=other_user, organization=other_org).count() == 1
    call_command("seed_scale", delete=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(scale_counts().values()) == {0}
    assert User.objects.filter(pk=other_user.pk).exists()


def test_readiness_of_seeded_responders():
    seed()
    now = timezone.now()
    org = Organization.objects.get(slug="scale-np-000")
    ids = list(Membership.objects.filter(organization=org, role=Role.RESPONDER).values_list("user_id", flat=True))
    result = readiness_batch(users=ids, organization=org, at=now, through=now + timedelta(hours=12))
    # One responder in ten (the first) has a required record waiting for verification.
    assert sorted(r.cleared for r in result.values()) == [False, True, True, True]
    assert [r.reason_codes for r in result.values() if not r.cleared] == [["pending_verification"]]


def _overlapping_pairs() -> int:
    active = Assignment.objects.filter(status__in=Assignment.ACTIVE).values_list("responder_id", "starts_at",
                                                                                 "ends_at")
    by_person: dict = {}
    for person, start, end in active:
        by_person.setdefault(person, []).append((start, end))
    pairs = 0
    for spans in by_person.values():
        spans.sort()
        pairs += sum(1 for (_, end), (start, _) in zip(spans, spans[1:], strict=False) if start < end)
    return pairs


@pytest.mark.postgres
def test_postgres_constraints_hold():
    seed()
    assert connection.vendor == "postgresql"
    assert scale_counts() == SMALL
    assert _overlapping_pairs() == 0
    # The exclusion constraint is there and refuses a second active assignment at the same time.
    taken = Assignment.objects.filter(status=Assignment.Status.ASSIGNED).select_related("shift").first()
    busy = set(Assignment.objects.filter(responder=taken.responder).values_list("shift_id", flat=True))
    other = (Assignment.objects.filter(status=Assignment.Status.ASSIGNED, shift__team=taken.shift.team)
             .exclude(shift_id__in=busy).first())
    with pytest.raises(IntegrityError, match="scheduling_assignment_no_overlap"), transaction.atomic():
        Assignment.objects.create(position=other.position, shift=other.shift, responder=taken.responder,
                                  starts_at=taken.starts_at, ends_at=taken.ends_at)


def test_no_responder_is_double_booked():
    seed()
    assert _overlapping_pairs() == 0


def test_reset_retires_users_the_audit_log_names():
    from apps.core.audit import audit

    seed()
    officer = User.objects.get(email="procurement@scale.crisisprog.test")
    audit(actor=officer, action="procurement.proposal.read_technical")
    seed(reset=True)
    officer.refresh_from_db()
    assert (officer.email, officer.is_active) == (f"retired-{officer.pk}@retired.scale.crisisprog.test", False)
    assert AuditEvent.objects.get(action="procurement.proposal.read_technical").actor_label == (
        "procurement@scale.crisisprog.test")
    assert scale_counts() == SMALL
    assert User.objects.filter(email="procurement@scale.crisisprog.test").exclude(pk=officer.pk).count() == 1
