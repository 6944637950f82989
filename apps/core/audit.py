"""The audit log: `audit(...)` is the one way a service records what it changed.

Each event's hash covers its own fields and the previous event's hash. Appending takes a lock so
two concurrent writers cannot both chain from the same predecessor (which would fork the chain).
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Any fixed 64-bit number: the key of the PostgreSQL advisory lock that serializes appends.
_CHAIN_LOCK_KEY = 0x6372_6973_6973_6175


def _canonical(value: Any) -> Any:
    """JSON-safe, key-sorted form, so the hash does not depend on dict order or on the database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def compute_hash(*, prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps({"prev": prev_hash, **_canonical(fields)}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type_id": event.target_type_id,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "organization_id": event.organization_id,
        "before": _canonical(event.before),
        "after": _canonical(event.after),
    }


def target_label(target: models.Model) -> str:
    """What the log calls the target. The log is kept forever and erasure cannot reach it, so a model
    whose str() carries a resident's name, words or access needs gives an `audit_label` without them."""
    label = getattr(target, "audit_label", None)
    return str(label if label is not None else target)[:255]


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite serializes writers on the database file; the IMMEDIATE transaction mode holds it.


def _lock_chain_and_last_hash() -> str | None:
    """Take the chain lock and read the last hash, in one round trip on PostgreSQL.

    Every append waits for this lock and holds it until its transaction commits, so each round
    trip inside that window is paid once per event by the whole site: the public forms' throughput
    is one event per window. The two statements go as one simple query; in READ COMMITTED each
    statement takes its own snapshot, so the SELECT runs after the lock is granted and sees the
    previous holder's committed event.
    """
    if connection.vendor != "postgresql":
        _lock_chain()
        return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_advisory_xact_lock({int(_CHAIN_LOCK_KEY)}); "  # noqa: S608 (constants only)
                       f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1")
        cursor.nextset()
        row = cursor.fetchone()
    return row[0] if row else None


def audit(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    organization=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event. Never put a secret, a password or a resident's raw IP in before/after."""
    # No savepoint: its RELEASE would be one more round trip while holding the chain lock, and an
    # event that fails to append must fail the caller's change anyway.
    with transaction.atomic(savepoint=False):
        last = _lock_chain_and_last_hash()
        event = AuditEvent(
            # Microseconds dropped: every database then stores exactly the value that was hashed.
            created_at=timezone.now().replace(microsecond=0),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=(getattr(actor, "email", "") or "system") if actor is not None else "system",
            action=action,
            target_type=ContentType.objects.get_for_model(target) if target is not None else None,
            target_id=str(target.pk) if target is not None else "",
            target_label=target_label(target) if target is not None else "",
            organization=organization,
            before=_canonical(before) if before is not None else None,
            after=_canonical(after) if after is not None else None,
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = compute_hash(prev_hash=event.prev_hash, fields=_hashed_fields(event))
        event.save(force_insert=True)
        return event


@dataclass(frozen=True)
class AuditEntry:
    """One event of an `audit_many` batch that needs its own before-state or organization, as `audit()` records."""

    target: models.Model
    after: dict | None = None
    before: dict | None = None
    organization: Any = None


def audit_many(
    *,
    actor,
    action: str,
    entries: list[tuple[models.Model, dict | None] | AuditEntry],
    organization=None,
) -> list[AuditEvent]:
    """Append one event per (target, after) pair or AuditEntry under one chain lock and one INSERT per
    500 rows: the same chain `audit()` writes, for a batch a single action makes (an import of many
    records, a bulk moderation). An AuditEntry's organization, when given, wins over `organization`."""
    if not entries:
        return []
    with transaction.atomic():
        prev_hash = _lock_chain_and_last_hash() or GENESIS_HASH
        created_at = timezone.now().replace(microsecond=0)
        actor_label = (getattr(actor, "email", "") or "system") if actor is not None else "system"
        events = []
        for entry in entries:
            if not isinstance(entry, AuditEntry):
                entry = AuditEntry(target=entry[0], after=entry[1])
            target, after, before = entry.target, entry.after, entry.before
            event = AuditEvent(
                created_at=created_at, actor=actor if getattr(actor, "pk", None) else None, actor_label=actor_label,
                action=action, target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk),
                target_label=target_label(target), organization=entry.organization or organization,
                before=_canonical(before) if before is not None else None,
                after=_canonical(after) if after is not None else None, prev_hash=prev_hash,
            )
            event.hash = prev_hash = compute_hash(prev_hash=event.prev_hash, fields=_hashed_fields(event))
            events.append(event)
        # One multi-row INSERT assigns ids in list order, which is the chain's order.
        AuditEvent.objects.bulk_create(events, batch_size=500)
        return events


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainPoint:
    """An event already verified: a later walk may start after it (its id, its hash)."""

    event_id: int
    hash: str


def verify_chain(*, chunk_size: int = 2000, after: ChainPoint | None = None) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order, from the start or from just after `after`. Returns (events checked,
    the first break or None)."""
    checked, broken, _last = walk_chain(chunk_size=chunk_size, after=after)
    return checked, broken


def walk_chain(*, chunk_size: int = 2000,
               after: ChainPoint | None = None) -> tuple[int, ChainBreak | None, ChainPoint | None]:
    """verify_chain, also returning the last event verified, where a later walk can pick up (a
    monitor checking each new stretch of the chain without reading it all again)."""
    expected_prev = after.hash if after is not None else GENESIS_HASH
    events = AuditEvent.objects.order_by("id")
    if after is not None:
        events = events.filter(id__gt=after.event_id)
    checked, last = 0, after
    for event in events.iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event.id, "its previous-hash does not match the event before it "
                                                 "(an event was deleted or inserted)"), last
        if compute_hash(prev_hash=event.prev_hash, fields=_hashed_fields(event)) != event.hash:
            return checked, ChainBreak(event.id, "its content does not match its hash (the row was edited)"), last
        expected_prev = event.hash
        last = ChainPoint(event.id, event.hash)
        checked += 1
    return checked, None, last
