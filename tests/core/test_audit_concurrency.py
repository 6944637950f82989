"""The audit chain under concurrent appends on PostgreSQL: one lock, one chain, never a fork.

audit() takes the chain lock and reads the last hash in one round trip (two statements in one
query); the read must see the event the previous lock holder committed, or two events would
chain from the same predecessor.
"""

import threading

import pytest
from django.db import connection, transaction

from apps.core.audit import audit, verify_chain
from apps.core.models import AuditEvent


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_unbroken_chain():
    before = AuditEvent.objects.count()
    writers, per_writer = 8, 15
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for k in range(per_writer):
                with transaction.atomic():  # as a service calls it: inside the change's transaction
                    audit(actor=None, action="test.concurrent", after={"writer": n, "k": k})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "hash"))
    assert len(events) == before + writers * per_writer
    prev_hashes = [prev for prev, _ in events]
    assert len(set(prev_hashes)) == len(prev_hashes)  # no two events chained from one predecessor
    assert verify_chain() == (len(events), None)


@pytest.mark.django_db
def test_an_audit_inside_a_change_shares_its_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit(actor=None, action="test.rolled_back")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
