"""The audit log under concurrent writers on PostgreSQL: no writer waits for another, and the sealer
still makes one unbroken chain with every event in it exactly once.

audit() inserts events unsealed and takes no lock; the sealer gives committed events their chain
positions in the order it seals them. These tests run real transactions on separate connections.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from apps.core.audit import audit, audit_many, seal_chain, verify_chain
from apps.core.models import AuditEvent
from tests.factories import OrganizationFactory


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_make_one_chain_with_every_event_once():
    before = AuditEvent.objects.count()
    orgs = [OrganizationFactory() for _ in range(4)]
    writers, per_writer, batch = 8, 15, 4
    barrier = threading.Barrier(writers + 2)
    writing = threading.Event()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for k in range(per_writer):
                with transaction.atomic():  # as a service calls it: inside the change's transaction
                    if k % 5 == 4:  # now and then a batch, as an import or a bulk moderation writes
                        audit_many(actor=None, action="test.concurrent.batch",
                                   entries=[(org, {"writer": n, "k": k, "i": i}) for i, org in enumerate(orgs)])
                    else:
                        audit(actor=None, action="test.concurrent", after={"writer": n, "k": k})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def seal(wait: bool) -> None:
        # Beat's sealer (skips when another is at work) and a reader sealing on demand (waits), at once.
        try:
            barrier.wait()
            while writing.is_set():
                seal_chain(wait=wait)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    writing.set()
    sealers = [threading.Thread(target=seal, args=(wait,)) for wait in (False, True)]
    for thread in sealers:
        thread.start()
    _run([threading.Thread(target=write, args=(n,)) for n in range(writers)])
    writing.clear()
    for thread in sealers:
        thread.join(60)
    assert errors == []
    seal_chain()

    singles = writers * (per_writer - per_writer // 5)
    batched = writers * (per_writer // 5) * batch
    assert AuditEvent.objects.count() == before + singles + batched
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # no gap, no repeat
    written = Counter((e["writer"], e["k"], e.get("i")) for e in AuditEvent.objects.filter(
        action__startswith="test.concurrent").values_list("after", flat=True))
    assert set(written.values()) == {1}  # none lost, none twice
    assert len(written) == singles + batched
    assert verify_chain() == (len(seqs), None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_writers_open_transaction():
    """Before the sealer, audit() took one lock held to commit: a second writer waited here."""
    inserted, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                audit(actor=None, action="test.slow")
                inserted.set()
                release.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    try:
        assert inserted.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            audit(actor=None, action="test.fast")
        # The sealer does not wait for the open transaction either: it seals what is committed.
        assert seal_chain() == 1
        assert list(AuditEvent.objects.values_list("action", "seq")) == [("test.fast", 1)]
    finally:
        release.set()
        thread.join(30)
    assert errors == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_chain_follows_the_order_of_sealing_not_of_ids():
    """A lower id committed after a higher one was sealed takes the next position: chaining by id
    would have had to skip it or rewrite the chain."""
    inserted, release = threading.Event(), threading.Event()
    early: list[int] = []

    def early_writer() -> None:
        try:
            with transaction.atomic():
                early.append(audit(actor=None, action="test.early_id").pk)
                inserted.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=early_writer)
    thread.start()
    assert inserted.wait(30)
    late = audit(actor=None, action="test.late_id")
    assert seal_chain() == 1
    release.set()
    thread.join(30)
    assert seal_chain() == 1
    rows = list(AuditEvent.objects.order_by("seq").values_list("id", "seq"))
    assert rows == [(late.pk, 1), (early[0], 2)]
    assert early[0] < late.pk
    assert verify_chain() == (2, None)


@pytest.mark.django_db
def test_an_audit_inside_a_change_shares_its_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit(actor=None, action="test.rolled_back")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_beats_sealer_steps_aside_while_another_sealer_works_and_seals_on_its_next_run(settings):
    from apps.core.audit import _SEAL_LOCK_KEY
    from apps.core.tasks import seal_audit_chain

    assert settings.CELERY_BEAT_SCHEDULE["core-seal-audit-chain"]["task"] == "core.seal_audit_chain"
    audit(actor=None, action="test.one")
    holding, release = threading.Event(), threading.Event()

    def other_sealer() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_sealer)
    thread.start()
    try:
        assert holding.wait(30)
        assert seal_audit_chain() == 0  # returns at once rather than wait
    finally:
        release.set()
        thread.join(30)
    assert seal_audit_chain() == 1
    assert seal_audit_chain() == 0
    assert verify_chain(seal=False) == (1, None)
