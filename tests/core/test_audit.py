import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from apps.core.audit import GENESIS_HASH, ChainPoint, audit, verify_chain, walk_chain
from apps.core.models import AuditEvent
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _three_events():
    actor = UserFactory()
    org = OrganizationFactory()
    first = audit(actor=actor, action="test.one", target=org, organization=org, after={"name": org.name})
    second = audit(actor=actor, action="test.two", target=org, before={"a": 1}, after={"a": 2})
    third = audit(actor=None, action="test.three")
    return first, second, third


def test_audit_chains_each_event_to_the_previous():
    first, second, third = _three_events()
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert third.actor_label == "system"
    assert first.target_label == str(first.organization)
    assert verify_chain() == (3, None)


def _tamper(sql: str, params: list) -> None:
    """Change a row behind the service's back, as someone with direct database access could.

    On PostgreSQL the append-only trigger is bypassed the way a superuser would (replica role).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_verify_chain_detects_an_edited_row():
    _, second, _ = _three_events()
    _tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.forged", second.id])
    checked, broken = verify_chain()
    assert checked == 1
    assert broken.event_id == second.id
    assert "edited" in broken.reason


def test_verify_chain_detects_a_deleted_row():
    _, second, third = _three_events()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [second.id])
    checked, broken = verify_chain()
    assert (checked, broken.event_id) == (1, third.id)
    assert "deleted" in broken.reason


def test_verify_audit_chain_command_reports_the_first_broken_link(capsys):
    first, second, _ = _three_events()
    call_command("verify_audit_chain")
    assert "Audit chain intact: 3 event(s) verified." in capsys.readouterr().out
    _tamper("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"a": 3}', second.id])
    with pytest.raises(CommandError, match=f"Audit chain broken at event {second.id}: .*1 event\\(s\\) before"):
        call_command("verify_audit_chain")


@pytest.mark.postgres
def test_audit_rows_cannot_be_updated_or_deleted_on_postgres():
    first, _, _ = _three_events()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).update(action="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).delete()
    assert AuditEvent.objects.get(pk=first.pk).action == "test.one"


def test_walk_chain_picks_up_after_the_last_event_it_verified():
    first, second, third = _three_events()
    checked, broken, point = walk_chain()
    assert (checked, broken, point) == (3, None, ChainPoint(third.id, third.hash))
    fourth = audit(actor=None, action="test.four")

    assert walk_chain(after=point) == (1, None, ChainPoint(fourth.id, fourth.hash))
    assert verify_chain(after=ChainPoint(first.id, first.hash)) == (3, None)


def test_a_walk_from_a_point_still_finds_an_event_deleted_just_after_it():
    first, second, third = _three_events()
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [second.id])
    checked, broken, point = walk_chain(after=ChainPoint(first.id, first.hash))
    assert (checked, broken.event_id, point) == (0, third.id, ChainPoint(first.id, first.hash))


def test_the_simulations_chain_watch_finds_an_old_edit_at_the_whole_walk():
    from apps.simulation.invariants import AuditChainWatch

    first, _second, _third = _three_events()
    watch = AuditChainWatch()
    assert (watch.check(), watch.verified) == ([], 3)
    _tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.forged", first.id])
    audit(actor=None, action="test.four")
    assert (watch.check(), watch.verified) == ([], 4)  # the new stretch is sound
    assert watch.check(whole=True) == [f"audit chain broken at event {first.id}: its content does not match its "
                                       "hash (the row was edited)"]
