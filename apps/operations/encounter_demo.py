"""Demo data for `seed_demo`: the encounter log of the demo schedule's worked shifts.

Each shift that has ended (published, its lead checked in) gets 0 to 4 calls, recorded by its lead: mostly
911 transfers resolved on scene or referred, some 988 calls and walk-ups, now and then police, medical care
or no contact, and a few calls no team could take (recorded by the coordinator, without a shift). Times and
mix come from a seeded generator, so the figures are the same on every run. Written directly (the service
refuses shifts more than 12 hours past, and audits each one): deterministic idempotency keys make it
idempotent.
"""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from apps.scheduling.models import Assignment, PositionRole, Shift

from .models import Encounter, EncounterOutcome, EncounterSource, ReferralKind, UnservedReason

NAMESPACE = uuid.UUID("6f1c2a52-22e0-4c1e-9f5e-0e2d6a9a0022")
OUTCOMES = [(EncounterOutcome.RESOLVED, 40), (EncounterOutcome.REFERRAL, 30), (EncounterOutcome.TRANSPORT, 6),
            (EncounterOutcome.MEDICAL, 5), (EncounterOutcome.POLICE, 7), (EncounterOutcome.NO_CONTACT, 12)]
SOURCES = [(EncounterSource.TRANSFER_911, 60), (EncounterSource.LINE_988, 20), (EncounterSource.WALK_UP, 12),
           (EncounterSource.FOLLOW_UP, 8)]
NOTES = ["", "", "", "Calm after talking it through", "Asked for a call back tomorrow", "Family present"]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def seed(*, users, organizations, stdout) -> None:
    now = timezone.now()
    rng = random.Random(22)  # noqa: S311  (demo data, the same on every run)
    shifts = (Shift.objects.filter(status=Shift.Status.PUBLISHED, ends_at__lte=now,
                                   ends_at__gt=now - timedelta(days=70))
              .prefetch_related("zones").order_by("starts_at", "id"))
    leads = dict(Assignment.objects.filter(shift__in=shifts, position__role=PositionRole.LEAD,
                                           checked_in_at__isnull=False).values_list("shift_id", "responder_id"))
    rows = []
    for shift in shifts:
        zones = list(shift.zones.all())
        if shift.pk not in leads or not zones:
            continue
        hours = (shift.ends_at - shift.starts_at).total_seconds() / 3600
        for index in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            received = shift.starts_at + timedelta(minutes=rng.randint(10, int(hours * 60) - 60))
            dispatched = received + timedelta(minutes=rng.randint(1, 6))
            arrived = dispatched + timedelta(minutes=rng.choice([6, 8, 9, 11, 12, 14, 15, 18, 22, 31]))
            outcome = _pick(rng, OUTCOMES)
            rows.append(Encounter(
                organization_id=shift.organization_id, shift=shift, zone=rng.choice(zones),
                source=_pick(rng, SOURCES), received_at=received, dispatched_at=dispatched, arrived_at=arrived,
                cleared_at=arrived + timedelta(minutes=rng.randint(15, 75)), outcome=outcome,
                referral_kind=rng.choice(ReferralKind.values) if outcome == EncounterOutcome.REFERRAL else "",
                follow_up_needed=rng.random() < 0.3, note=rng.choice(NOTES), recorded_by_id=leads[shift.pk],
                idempotency_key=uuid.uuid5(NAMESPACE, f"shift-{shift.pk}-{index}")))
        if rng.random() < 0.12:  # a call in the shift's zone that no team could take
            received = shift.starts_at + timedelta(minutes=rng.randint(30, int(hours * 60) - 30))
            rows.append(Encounter(
                organization_id=shift.organization_id, zone=rng.choice(zones), source=EncounterSource.TRANSFER_911,
                received_at=received, outcome=EncounterOutcome.UNSERVED,
                unserved_reason=_pick(rng, [(UnservedReason.NO_TEAM, 6), (UnservedReason.SAFETY, 2),
                                            (UnservedReason.OTHER, 1)]),
                idempotency_key=uuid.uuid5(NAMESPACE, f"unserved-{shift.pk}")))
    created = Encounter.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    stdout.write(f"  operations: {len(created)} encounters on the worked shifts of the last 10 weeks")
