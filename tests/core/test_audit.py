"""The audit log: events inserted unsealed, chained by the sealer, and every kind of tampering found."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.core.audit import (
    GENESIS_HASH,
    AuditEntry,
    ChainPoint,
    Unsealed,
    _hashed_fields,
    audit,
    audit_many,
    compute_hash,
    seal_chain,
    unsealed_events,
    verify_chain,
    walk_chain,
)
from apps.core.models import AuditEvent
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _three_events(*, seal: bool = True):
    actor = UserFactory()
    org = OrganizationFactory()
    events = [
        audit(actor=actor, action="test.one", target=org, organization=org, after={"name": org.name}),
        audit(actor=actor, action="test.two", target=org, before={"a": 1}, after={"a": 2}),
        audit(actor=None, action="test.three"),
    ]
    if seal:
        assert seal_chain() == 3
        for event in events:
            event.refresh_from_db()
    return events


@contextmanager
def _behind_the_service():
    """Write rows as someone with direct database access could. On PostgreSQL the guard trigger is
    bypassed the way a superuser would (replica role)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = origin")


def _tamper(sql: str, params: list) -> None:
    with _behind_the_service() as cursor:
        cursor.execute(sql, params)


def test_audit_inserts_the_event_unsealed_and_the_sealer_chains_it():
    first, second, third = _three_events(seal=False)
    assert [(e.seq, e.prev_hash, e.hash) for e in (first, second, third)] == [(None, "", "")] * 3
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 3
    assert verify_chain(seal=False) == (0, None)  # nothing sealed yet: nothing to check

    assert seal_chain() == 3
    assert seal_chain() == 0  # sealing again seals nothing twice
    first, second, third = (AuditEvent.objects.get(pk=e.pk) for e in (first, second, third))
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert third.actor_label == "system"
    assert first.target_label == str(first.organization)
    assert verify_chain() == (3, None)


def test_the_sealer_seals_in_batches_and_picks_up_where_the_last_seal_ended():
    first, second, third = _three_events(seal=False)
    assert seal_chain(batch_size=2) == 3  # two transactions: 2, then 1
    fourth = audit(actor=None, action="test.four")
    assert seal_chain() == 1
    fourth.refresh_from_db()
    assert (fourth.seq, fourth.prev_hash) == (4, AuditEvent.objects.get(pk=third.pk).hash)
    assert verify_chain() == (4, None)


def test_audit_many_inserts_a_batch_the_sealer_chains_in_list_order():
    orgs = [OrganizationFactory() for _ in range(3)]
    events = audit_many(actor=None, action="test.batch", entries=[(orgs[0], {"n": 0}), (orgs[1], {"n": 1}),
                                                                  AuditEntry(target=orgs[2], before={"n": 1},
                                                                             organization=orgs[2])])
    assert [e.seq for e in events] == [None] * 3
    assert seal_chain() == 3
    rows = list(AuditEvent.objects.order_by("seq").values_list("after", "organization_id"))
    assert rows == [({"n": 0}, None), ({"n": 1}, None), (None, orgs[2].pk)]
    assert verify_chain() == (3, None)


def test_verify_chain_seals_on_demand_unless_told_not_to():
    _three_events(seal=False)
    assert verify_chain(seal=False) == (0, None)
    assert verify_chain() == (3, None)


def test_verify_chain_detects_an_edited_sealed_row():
    _, second, _ = _three_events()
    _tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.forged", second.id])
    checked, broken = verify_chain()
    assert checked == 1
    assert broken.event_id == second.id
    assert "edited" in broken.reason


def test_verify_chain_detects_a_deleted_sealed_row():
    _, second, third = _three_events()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [second.id])
    checked, broken = verify_chain()
    assert (checked, broken.event_id) == (1, third.id)
    assert "deleted" in broken.reason


def test_verify_chain_detects_a_deleted_row_even_when_the_next_ones_are_rechained():
    """Someone deletes an event and rewrites the next one's previous-hash and hash: the position gap remains."""
    first, second, third = _three_events()
    third.prev_hash = first.hash
    third.hash = compute_hash(prev_hash=first.hash, fields=_hashed_fields(third))
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [second.id])
    _tamper("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [third.prev_hash, third.hash,
                                                                                   third.id])
    checked, broken = verify_chain()
    assert (checked, broken.event_id) == (1, third.id)
    assert broken.reason == "its chain position is 3, not 2 (an event was deleted or the positions were rewritten)"


def _forged(**fields) -> AuditEvent:
    return AuditEvent(**{"created_at": timezone.now().replace(microsecond=0), "actor_label": "intruder@example.org",
                         "action": "test.forged", **fields})


def test_verify_chain_detects_a_sealed_looking_row_inserted_in_the_middle():
    """A forged row made to look sealed, slipped in after the first event: the later rows are moved
    one place on and the forged row's hashes are computed exactly as the sealer would."""
    first, second, third = _three_events()
    forged = _forged(seq=2, prev_hash=first.hash)
    forged.hash = compute_hash(prev_hash=first.hash, fields=_hashed_fields(forged))
    with _behind_the_service() as cursor:
        cursor.execute("UPDATE core_auditevent SET seq = seq + 10 WHERE seq >= 2")
        cursor.execute("UPDATE core_auditevent SET seq = seq - 9 WHERE seq >= 12")
        forged.save(force_insert=True)
    assert list(AuditEvent.objects.order_by("seq").values_list("id", flat=True)) == [first.id, forged.id, second.id,
                                                                                    third.id]
    checked, broken = verify_chain()
    assert (checked, broken.event_id) == (2, second.id)  # the forged row itself is sound; its successor is not
    assert "inserted" in broken.reason


def test_verify_chain_detects_a_sealed_looking_row_appended_with_a_made_up_hash():
    _first, _second, third = _three_events()
    with _behind_the_service():
        forged = _forged(seq=4, prev_hash=third.hash, hash="f" * 64)
        forged.save(force_insert=True)
    checked, broken = verify_chain()
    assert (checked, broken.event_id) == (3, forged.id)
    assert "edited" in broken.reason


def test_unsealed_events_past_the_grace_are_reported():
    _three_events()
    fresh = audit(actor=None, action="test.fresh")
    assert unsealed_events(older_than=timedelta(seconds=10)) == Unsealed(0)
    forged = _forged(created_at=timezone.now().replace(microsecond=0) - timedelta(hours=1))
    forged.save(force_insert=True)  # unsealed rows may be inserted: that is how audit() writes
    assert unsealed_events(older_than=timedelta(seconds=10)) == Unsealed(1, forged.id, forged.created_at)
    assert unsealed_events(older_than=timedelta(seconds=0)).count == 2
    assert fresh.seq is None


def test_verify_audit_chain_command_reports_the_first_broken_link(capsys):
    first, second, _ = _three_events()
    call_command("verify_audit_chain")
    assert "Audit chain intact: 3 event(s) verified." in capsys.readouterr().out
    _tamper("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"a": 3}', second.id])
    with pytest.raises(CommandError, match=f"Audit chain broken at event {second.id}: .*1 event\\(s\\) before"):
        call_command("verify_audit_chain")


def test_verify_audit_chain_command_reports_an_old_unsealed_row_and_does_not_seal_it(capsys):
    _three_events()
    audit(actor=None, action="test.fresh")  # within the grace: not a finding
    call_command("verify_audit_chain")
    assert "Audit chain intact: 3 event(s) verified." in capsys.readouterr().out
    forged = _forged(created_at=timezone.now().replace(microsecond=0) - timedelta(minutes=5))
    forged.save(force_insert=True)
    with pytest.raises(CommandError, match=f"3 sealed event\\(s\\) verified, but 1 event\\(s\\) unsealed for more "
                                           f"than 10 s \\(the oldest: event {forged.id}, .*stalled"):
        call_command("verify_audit_chain")
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 2  # the command left them for the sealer
    with pytest.raises(CommandError, match="2 event\\(s\\) unsealed for more than 0 s"):
        call_command("verify_audit_chain", "--grace", "0")

    call_command("verify_audit_chain", "--seal")
    assert "Sealed 2 event(s).\nAudit chain intact: 5 event(s) verified." in capsys.readouterr().out


@pytest.mark.postgres
def test_the_guard_refuses_every_change_but_the_sealers_one_filling_of_the_seal():
    first, _, _ = _three_events()
    unsealed = audit(actor=None, action="test.unsealed")

    def refused(queryset_change, match="append-only"):
        with pytest.raises(DatabaseError, match=match), transaction.atomic():
            queryset_change()

    sealed = AuditEvent.objects.filter(pk=first.pk)
    refused(lambda: sealed.update(action="x"))
    refused(lambda: sealed.update(seq=99, prev_hash="a" * 64, hash="b" * 64))  # sealed once, never again
    refused(lambda: sealed.delete())
    pending = AuditEvent.objects.filter(pk=unsealed.pk)
    refused(lambda: pending.update(action="x"))
    refused(lambda: pending.update(seq=4, prev_hash="a" * 64, hash="b" * 64, action="x"))  # the seal and more
    refused(lambda: pending.update(seq=4))  # half a seal (the trigger speaks before the check constraint)
    refused(lambda: pending.delete())
    refused(lambda: _forged(seq=5, prev_hash="a" * 64, hash="c" * 64).save(force_insert=True),
            match="inserted unsealed")
    assert AuditEvent.objects.get(pk=first.pk).action == "test.one"
    assert seal_chain() == 1  # the sealer's own update passes
    assert verify_chain() == (4, None)


def test_walk_chain_picks_up_after_the_last_event_it_verified():
    first, second, third = _three_events()
    checked, broken, point = walk_chain()
    assert (checked, broken, point) == (3, None, ChainPoint(3, third.hash))
    audit(actor=None, action="test.four")

    checked, broken, point = walk_chain(after=point)
    assert (checked, broken, point) == (1, None, ChainPoint(4, AuditEvent.objects.get(seq=4).hash))
    assert verify_chain(after=ChainPoint(first.seq, first.hash)) == (3, None)


def test_a_walk_from_a_point_still_finds_an_event_deleted_just_after_it():
    first, second, third = _three_events()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [second.id])
    checked, broken, point = walk_chain(after=ChainPoint(first.seq, first.hash))
    assert (checked, broken.event_id, point) == (0, third.id, ChainPoint(first.seq, first.hash))


def test_the_simulations_chain_watch_finds_an_old_edit_at_the_whole_walk():
    from apps.simulation.invariants import AuditChainWatch

    first, _second, _third = _three_events()
    watch = AuditChainWatch()
    assert (watch.check(), watch.verified) == ([], 3)
    _tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.forged", first.id])
    audit(actor=None, action="test.four")
    assert (watch.check(), watch.verified) == ([], 4)  # the new stretch is sound (the watch seals it)
    assert watch.check(whole=True) == [f"audit chain broken at event {first.id}: its content does not match its "
                                       "hash (the row was edited)"]
