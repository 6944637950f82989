"""The audit log: `audit(...)` is the one way a service records what it changed.

Each sealed event's hash covers its own fields and the previous event's hash, so an edited, deleted
or inserted row breaks the chain. Writing and chaining are two steps, so audited writes never wait
for each other:

- `audit()` / `audit_many()` insert events unsealed (no `seq`, no hashes), inside the caller's
  transaction, taking no lock. Concurrent writers are as parallel as their own changes allow.
- `seal_chain()` (beat runs it every AUDIT_SEAL_INTERVAL_SECONDS; `verify_chain`, the tests and
  `verify_audit_chain --seal` run it on demand) takes a lock only sealers contend for, reads the last
  sealed event, and gives each committed unsealed event the next position and its hashes in one
  short transaction. The chain's order is the order of sealing, not of ids: with concurrent
  transactions a lower id can commit after a higher one has been sealed, and chaining by id would
  then have to skip it or rewrite the chain.
- `walk_chain()` checks the sealed chain in `seq` order; `unsealed_events()` finds events left
  unsealed past a grace time (a stalled sealer, or a row inserted behind `audit()`).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Any fixed 64-bit number: the key of the PostgreSQL advisory lock only sealers take.
_SEAL_LOCK_KEY = 0x6372_6973_6973_6175
SEAL_BATCH_SIZE = 2000


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


def _new_event(*, actor, actor_label: str, action: str, target, organization, before, after,
               created_at: datetime) -> AuditEvent:
    return AuditEvent(
        created_at=created_at, actor=actor if getattr(actor, "pk", None) else None, actor_label=actor_label,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=target_label(target) if target is not None else "",
        # An Organization or its id (a service that has only the id spares a query).
        organization_id=getattr(organization, "pk", organization),
        before=_canonical(before) if before is not None else None,
        after=_canonical(after) if after is not None else None,
    )


def _actor_label(actor) -> str:
    return (getattr(actor, "email", "") or "system") if actor is not None else "system"


def _now() -> datetime:
    # Microseconds dropped: every database then stores exactly the value that is hashed.
    return timezone.now().replace(microsecond=0)


def audit(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    organization=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Record one event, unsealed, in the caller's transaction (it is lost with the change when that
    rolls back). Never put a secret, a password or a resident's raw IP in before/after.

    The event returned has no `seq`, `prev_hash` or `hash` yet: the sealer fills them once the
    transaction has committed (`seal_chain()`, then `refresh_from_db()`, for a caller that needs them)."""
    event = _new_event(actor=actor, actor_label=_actor_label(actor), action=action, target=target,
                       organization=organization, before=before, after=after, created_at=_now())
    # One INSERT and no lock: a single-row save opens no savepoint of its own.
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
    """Record one event per (target, after) pair or AuditEntry in one INSERT per 500 rows, unsealed, as
    `audit()` records: for a batch a single action makes (an import of many records, a bulk moderation).
    An AuditEntry's organization, when given, wins over `organization`."""
    if not entries:
        return []
    created_at, actor_label = _now(), _actor_label(actor)
    events = []
    for entry in entries:
        if not isinstance(entry, AuditEntry):
            entry = AuditEntry(target=entry[0], after=entry[1])
        events.append(_new_event(actor=actor, actor_label=actor_label, action=action, target=entry.target,
                                 organization=entry.organization or organization, before=entry.before,
                                 after=entry.after, created_at=created_at))
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return events


def _take_seal_lock(*, wait: bool) -> bool:
    """The sealers' lock, held to the end of the transaction; writers never take it. On SQLite the
    transaction that writes holds the database file (IMMEDIATE mode in local settings), and the unique
    `seq` refuses a second sealer's copy of the same position on every database."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _write_seals(events: list[AuditEvent]) -> None:
    if connection.vendor == "postgresql":
        # One statement for the batch (bulk_update's CASE per field grows with the batch).
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS e SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) AS v(id, seq, prev_hash, hash) "
                "WHERE e.id = v.id",
                [[e.id for e in events], [e.seq for e in events], [e.prev_hash for e in events],
                 [e.hash for e in events]])
        return
    AuditEvent.objects.bulk_update(events, ["seq", "prev_hash", "hash"], batch_size=500)


def _seal_batch(*, wait: bool, batch_size: int) -> int | None:
    """Seal up to batch_size committed unsealed events; None when another sealer holds the lock."""
    with transaction.atomic():
        if not _take_seal_lock(wait=wait):
            return None
        # Read after the lock is granted (each statement its own snapshot in READ COMMITTED): the
        # last sealer's events are committed and visible, so no two events get one position.
        last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = last or (0, GENESIS_HASH)
        events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev_hash
            event.hash = prev_hash = compute_hash(prev_hash=prev_hash, fields=_hashed_fields(event))
        if events:
            _write_seals(events)
        return len(events)


def seal_chain(*, wait: bool = True, batch_size: int = SEAL_BATCH_SIZE) -> int:
    """Seal every event committed and unsealed so far, in batches of one short transaction each.
    Returns how many. wait=False (beat's sealer) returns at once when another sealer is at work;
    wait=True (a reader that needs the whole chain) waits for it and then seals what is left."""
    total = 0
    # Most runs find nothing to seal: they then take no lock and open no write transaction (on
    # SQLite's IMMEDIATE mode that would hold the database file every few seconds for nothing).
    if not AuditEvent.objects.filter(seq__isnull=True).exists():
        return 0
    while True:
        sealed = _seal_batch(wait=wait, batch_size=batch_size)
        if sealed is None:
            return total
        total += sealed
        if sealed < batch_size:
            return total


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainPoint:
    """An event already verified: a later walk may start after it (its chain position, its hash)."""

    seq: int
    hash: str


def verify_chain(*, chunk_size: int = 2000, after: ChainPoint | None = None,
                 seal: bool = True) -> tuple[int, ChainBreak | None]:
    """Walk the sealed chain in order, from the start or from just after `after`; seal what is
    committed first unless seal=False. Returns (events checked, the first break or None)."""
    checked, broken, _last = walk_chain(chunk_size=chunk_size, after=after, seal=seal)
    return checked, broken


def walk_chain(*, chunk_size: int = 2000, after: ChainPoint | None = None,
               seal: bool = True) -> tuple[int, ChainBreak | None, ChainPoint | None]:
    """verify_chain, also returning the last event verified, where a later walk can pick up (a
    monitor checking each new stretch of the chain without reading it all again)."""
    if seal:
        seal_chain()
    expected_prev = after.hash if after is not None else GENESIS_HASH
    expected_seq = (after.seq if after is not None else 0) + 1
    events = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    if after is not None:
        events = events.filter(seq__gt=after.seq)
    checked, last = 0, after
    for event in events.iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event.id, "its previous-hash does not match the event before it "
                                                 "(an event was deleted or inserted)"), last
        if event.seq != expected_seq:
            return checked, ChainBreak(event.id, f"its chain position is {event.seq}, not {expected_seq} "
                                                 "(an event was deleted or the positions were rewritten)"), last
        if compute_hash(prev_hash=event.prev_hash, fields=_hashed_fields(event)) != event.hash:
            return checked, ChainBreak(event.id, "its content does not match its hash (the row was edited)"), last
        expected_prev, expected_seq = event.hash, expected_seq + 1
        last = ChainPoint(event.seq, event.hash)
        checked += 1
    return checked, None, last


@dataclass(frozen=True)
class Unsealed:
    """Events not sealed yet, made before a cut-off: how many, and the oldest."""

    count: int
    oldest_id: int | None = None
    oldest_created_at: datetime | None = None


def unsealed_events(*, older_than: timedelta) -> Unsealed:
    """Committed events still unsealed although made more than `older_than` ago. The sealer seals
    within seconds of commit, so these are a stalled sealer (is beat running?) or a row inserted
    behind `audit()`. A transaction longer than the grace can also show its events here for the
    moment between its commit and the next seal."""
    stale = AuditEvent.objects.filter(seq__isnull=True, created_at__lt=timezone.now() - older_than)
    count = stale.count()
    if not count:
        return Unsealed(0)
    oldest = stale.order_by("created_at", "id").values_list("id", "created_at").first()
    return Unsealed(count, *oldest)
