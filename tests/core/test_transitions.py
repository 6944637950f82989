from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError

from apps.accounts.roles import Role
from apps.core import transitions
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.core.transitions import transition
from apps.scheduling.models import TimeOff
from tests.factories import OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db

START = datetime(2030, 3, 4, 15, tzinfo=UTC)
S = TimeOff.Status


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def responder(org):
    return user_with_role(Role.RESPONDER, org)


@pytest.fixture
def row(org, responder):
    return TimeOff.objects.create(responder=responder, organization=org, starts_at=START,
                                  ends_at=START + timedelta(days=1))


def _withdraw(target, **kwargs):
    return transition(target, **{"from_states": {S.PENDING, S.APPROVED}, "to_state": S.WITHDRAWN,
                                 "actor": target.responder, "action": "test.time_off.withdrawn", **kwargs})


def _events() -> list[tuple[str, str, dict | None]]:
    return list(AuditEvent.objects.filter(action__startswith="test.").order_by("id")
                .values_list("action", "target_id", "after"))


def test_transition_saves_audits_and_updates_the_callers_copy(row, responder):
    def decide(locked):
        locked.decision_note = "Seen"
        return ["decision_note"]

    saved = _withdraw(row, apply=decide, after=lambda locked: {"status": locked.status}, organization=row.organization)

    assert saved is not row
    assert (row.status, row.decision_note) == ("withdrawn", "Seen")
    fresh = TimeOff.objects.get(pk=row.pk)
    assert (fresh.status, fresh.decision_note, fresh.updated_at) == ("withdrawn", "Seen", saved.updated_at)
    assert _events() == [("test.time_off.withdrawn", str(row.pk), {"status": "withdrawn"})]
    assert AuditEvent.objects.get(action="test.time_off.withdrawn").organization == row.organization


def test_transition_by_model_and_pk(row):
    saved = transition(TimeOff, row.pk, from_states={S.PENDING}, to_state=S.APPROVED, actor=None,
                       action="test.time_off.approved")
    assert (saved.status, TimeOff.objects.get(pk=row.pk).status) == ("approved", "approved")
    assert _events() == [("test.time_off.approved", str(row.pk), None)]


def test_transition_from_a_wrong_state_is_refused_and_not_audited(row):
    TimeOff.objects.filter(pk=row.pk).update(status=S.DENIED)

    with pytest.raises(ApplicationError) as refused:
        _withdraw(row, refused="This request is closed.")  # `row` still says pending: the stale copy

    assert (refused.value.message, refused.value.code) == ("This request is closed.", "invalid_transition")
    assert TimeOff.objects.get(pk=row.pk).status == "denied"
    assert _events() == []


def test_transition_refusal_without_a_message_names_the_current_state(row):
    TimeOff.objects.filter(pk=row.pk).update(status=S.DENIED)
    with pytest.raises(ApplicationError) as refused:
        _withdraw(row)
    assert refused.value.message == "This can no longer be done: it is now denied."


def test_transition_already_done_returns_the_row_unchanged(row):
    TimeOff.objects.filter(pk=row.pk).update(status=S.WITHDRAWN)
    applied = []

    saved = _withdraw(row, done_states={S.WITHDRAWN}, apply=applied.append)

    assert (saved.status, applied, _events()) == ("withdrawn", [], [])


def test_transition_refused_by_apply_rolls_back(row):
    def refuse(locked):
        locked.decision_note = "half-done"
        raise ApplicationError("Not now.")

    with pytest.raises(ApplicationError, match="Not now."):
        _withdraw(row, apply=refuse)

    fresh = TimeOff.objects.get(pk=row.pk)
    assert (fresh.status, fresh.decision_note, _events()) == ("pending", "", [])


def test_transition_whose_save_fails_writes_no_audit_event(row):
    def break_constraint(locked):
        locked.ends_at = locked.starts_at  # scheduling_timeoff_ends_after_start refuses it
        return ["ends_at"]

    with pytest.raises(IntegrityError):
        _withdraw(row, apply=break_constraint)

    assert (TimeOff.objects.get(pk=row.pk).status, _events()) == ("pending", [])


def test_transition_whose_audit_fails_does_not_commit_the_change(row, monkeypatch):
    def failing_audit(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(transitions, "audit", failing_audit)
    with pytest.raises(RuntimeError):
        _withdraw(row)

    assert TimeOff.objects.get(pk=row.pk).status == "pending"


def test_then_runs_once_in_the_transaction_and_not_when_already_done(row):
    followed: list[tuple[str, int]] = []

    def follow(locked):
        # after the audit, inside the same transaction
        followed.append((locked.status, AuditEvent.objects.filter(action="test.time_off.withdrawn").count()))

    _withdraw(row, done_states={S.WITHDRAWN}, then=follow)
    _withdraw(TimeOff.objects.get(pk=row.pk), done_states={S.WITHDRAWN}, then=follow)

    assert followed == [("withdrawn", 1)]


def test_then_failing_rolls_the_change_and_its_audit_back(row):
    def fail(locked):
        raise ApplicationError("The notice could not be queued.")

    with pytest.raises(ApplicationError):
        _withdraw(row, then=fail)

    assert (TimeOff.objects.get(pk=row.pk).status, _events()) == ("pending", [])


def test_before_and_organization_may_be_read_from_the_locked_row(row, org):
    TimeOff.objects.filter(pk=row.pk).update(status=S.APPROVED)  # `row` still says pending

    _withdraw(row, before=lambda locked: {"status": locked.status}, organization=lambda locked: locked.organization)

    event = AuditEvent.objects.get(action="test.time_off.withdrawn")
    assert (event.before, event.organization) == ({"status": "approved"}, org)


def test_a_refusal_written_from_the_row_names_the_state_field(row):
    TimeOff.objects.filter(pk=row.pk).update(status=S.DENIED)

    with pytest.raises(ApplicationError) as refused:
        _withdraw(row, refused=lambda locked: f"You cannot withdraw a {locked.status} request.")

    assert (refused.value.message, refused.value.field, refused.value.code) == (
        "You cannot withdraw a denied request.", "status", "invalid_transition")
