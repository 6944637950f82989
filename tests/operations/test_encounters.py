"""encounter_record: idempotent, validated field by field, only by a member of the shift (during it or up to
12 hours after) or a coordinator, the note masked, audited."""

import uuid
from datetime import timedelta

import pytest
import time_machine

from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.operations.encounters import encounter_list, encounter_record
from apps.operations.models import Encounter

from .encounter_world import *  # noqa: F403  (the fixtures)
from .encounter_world import NOW, SHIFT_START, local, times

pytestmark = pytest.mark.django_db


def record(by, zone, *, key=None, **fields):
    values = {"source": "911", "outcome": "resolved", **times(), **fields}
    return encounter_record(by=by, idempotency_key=key or uuid.uuid4(), zone=zone, **values)


def refusal(call) -> tuple[str | None, str]:
    with pytest.raises(ApplicationError) as caught:
        call()
    return caught.value.field, caught.value.message


def test_a_member_records_during_the_shift_for_its_organization(lead, shift, dorchester, org):
    encounter, created = record(lead, dorchester, shift=shift, note="Calm after 20 minutes")
    assert created is True
    assert (encounter.organization_id, encounter.shift_id, encounter.recorded_by_id, encounter.note) == (
        org.pk, shift.pk, lead.pk, "Calm after 20 minutes")
    event = AuditEvent.objects.get(action="operations.encounter.recorded")
    assert (event.actor_id, event.organization_id, event.target_id) == (lead.pk, org.pk, str(encounter.pk))
    assert event.after == {"outcome": "resolved", "shift": shift.pk, "source": "911", "zone": "dorchester-test"}


def test_the_same_key_twice_returns_the_first_row(lead, shift, dorchester, roxbury):
    key = uuid.uuid4()
    first, created = record(lead, dorchester, key=key, shift=shift)
    again, created_again = record(lead, roxbury, key=str(key), shift=shift, outcome="police")
    assert (created, created_again, again.pk, again.zone_id, again.outcome) == (
        True, False, first.pk, dorchester.pk, "resolved")
    assert Encounter.objects.count() == 1
    assert AuditEvent.objects.filter(action="operations.encounter.recorded").count() == 1


def test_a_retry_after_the_recording_window_closed_returns_the_first_row(lead, shift, dorchester):
    """The first submit went through; its retry arrives once the shift's 12 hours have passed (a phone that
    came back online the next day): the first row, not a refusal the first submit would not have met."""
    key = uuid.uuid4()
    first, _ = record(lead, dorchester, key=key, shift=shift)
    with time_machine.travel(local(2026, 3, 11, 4, 0), tick=False):
        assert refusal(lambda: record(lead, dorchester, shift=shift))[0] == "shift"  # a new key is refused
        again, created = record(lead, dorchester, key=key, shift=shift)
    assert (again.pk, created) == (first.pk, False)
    assert Encounter.objects.count() == 1


def test_a_key_someone_else_used_is_refused(lead, member, shift, dorchester):
    key = uuid.uuid4()
    record(lead, dorchester, key=key, shift=shift)
    assert refusal(lambda: record(member, dorchester, key=key, shift=shift)) == (
        "idempotency_key", "This form was already sent by someone else; open a new one.")
    assert Encounter.objects.count() == 1


def test_a_key_that_is_no_uuid_is_refused(lead, shift, dorchester):
    assert refusal(lambda: record(lead, dorchester, key="abc", shift=shift))[0] == "idempotency_key"


def test_the_note_is_masked(lead, shift, dorchester):
    encounter, _ = record(lead, dorchester, shift=shift,
                          note="Sister asked us to call 617-555-0123 or write ana.ruiz@gmail.com, at 12 Blue Hill Ave")
    assert encounter.note == "Sister asked us to call [phone] or write [email], at [address]"


def test_someone_not_on_the_shift_cannot_record_on_it(outsider, shift, dorchester, member):
    assert refusal(lambda: record(outsider, dorchester, shift=shift)) == (
        "shift", "Only a member of this shift can record an encounter on it.")
    assert not Encounter.objects.exists()


def test_a_member_records_up_to_12_hours_after_the_shift_then_not(member, shift, dorchester):
    # The shift ends at 16:00: 03:59 the next morning is inside the window, 04:00 is not.
    with time_machine.travel(local(2026, 3, 11, 3, 59), tick=False):
        assert record(member, dorchester, shift=shift)[1] is True
    with time_machine.travel(local(2026, 3, 11, 4, 0), tick=False):
        field, message = refusal(lambda: record(member, dorchester, shift=shift))
        assert (field, message.startswith("Encounters are recorded up to 12 hours after the shift ends")) == (
            "shift", True)
    assert Encounter.objects.count() == 1


def test_a_member_cannot_record_before_the_shift_starts(member, shift, dorchester):
    with time_machine.travel(SHIFT_START - timedelta(minutes=1), tick=False):
        values = times(7, 0)
        assert refusal(lambda: record(member, dorchester, shift=shift, **values)) == (
            "shift", "This shift has not started yet.")


def test_a_coordinator_records_an_unserved_call_without_a_shift(coordinator, dorchester, org):
    encounter, _ = record(coordinator, dorchester, outcome="unserved", unserved_reason="no_team",
                          received_at=local(2026, 3, 10, 2, 10), dispatched_at=None, arrived_at=None,
                          cleared_at=None)
    assert (encounter.organization_id, encounter.shift_id, encounter.unserved_reason) == (org.pk, None, "no_team")


def test_a_coordinator_of_another_organization_cannot_record_on_the_shift(other_coordinator, shift, dorchester):
    assert refusal(lambda: record(other_coordinator, dorchester, shift=shift))[0] == "shift"


@pytest.mark.parametrize(("fields", "expected"), [
    ({"dispatched_at": local(2026, 3, 10, 11, 59)}, ("dispatched_at", "Dispatched must not be before received.")),
    ({"arrived_at": local(2026, 3, 10, 12, 1)}, ("arrived_at", "Arrived must not be before dispatched.")),
    ({"dispatched_at": None}, ("dispatched_at", "Give the dispatch time when you give the arrival time.")),
    ({"cleared_at": local(2026, 3, 10, 12, 5)}, ("cleared_at", "Cleared must not be before the other times.")),
    ({"received_at": NOW + timedelta(minutes=6), "dispatched_at": None, "arrived_at": None, "cleared_at": None},
     ("received_at", "The call cannot have been received in the future.")),
    ({"outcome": "referral"}, ("referral_kind", "Choose the kind of service the person was referred to.")),
    ({"referral_kind": "housing"}, ("referral_kind", "A referral kind goes only with the outcome “Referral made”.")),
    ({"outcome": "unserved", "dispatched_at": None, "arrived_at": None},
     ("unserved_reason", "Choose why the call could not be served.")),
    ({"unserved_reason": "safety"}, ("unserved_reason", "A reason goes only with the outcome “Could not be served”.")),
    ({"outcome": "unserved", "unserved_reason": "no_team"},
     ("dispatched_at", "A call that could not be served has no dispatch or arrival time.")),
    ({"source": "fax"}, ("source", "Choose how the call came.")),
])
def test_validation_names_the_field(lead, shift, dorchester, fields, expected):
    assert refusal(lambda: record(lead, dorchester, shift=shift, **fields)) == expected
    assert not Encounter.objects.exists()


def test_a_referral_keeps_its_kind(lead, shift, dorchester):
    encounter, _ = record(lead, dorchester, shift=shift, outcome="referral", referral_kind="housing")
    assert (encounter.outcome, encounter.referral_kind) == ("referral", "housing")


def test_the_log_is_scoped(lead, member, coordinator, other_coordinator, shift, dorchester):
    mine, _ = record(lead, dorchester, shift=shift)
    theirs, _ = record(member, dorchester, shift=shift)
    assert list(encounter_list(user=lead)) == [mine]
    assert sorted(e.pk for e in encounter_list(user=coordinator)) == sorted([mine.pk, theirs.pk])
    assert list(encounter_list(user=other_coordinator)) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_key_at_once_write_one_row(lead, shift, dorchester):
    """Both pass the first look-up before either has written; they queue on the shift's lock, and the second
    one's insert meets the unique key and answers with the first one's row."""
    from apps.scheduling.models import Shift
    from tests.support.races import queue_behind_a_lock

    key = uuid.uuid4()
    first, second = queue_behind_a_lock(Shift, shift.pk, lambda: record(lead, dorchester, key=key, shift=shift),
                                        lambda: record(lead, dorchester, key=key, shift=shift))
    assert (first.error, second.error) == (None, None)
    (one, created_one), (two, created_two) = first.result, second.result
    assert (created_one, created_two, one.pk == two.pk) == (True, False, True)
    assert Encounter.objects.count() == 1
    assert AuditEvent.objects.filter(action="operations.encounter.recorded").count() == 1
