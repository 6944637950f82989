"""The teams at work: during a shift the lead reports the team's status from the phone (on a call, then
available again) and logs each call as an encounter, some through the page and some through the
service; a call no team could take is logged as unserved. After the shift, a late status tap is refused."""

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from .world import World

SOURCES = ["911", "911", "911", "988", "walk_up", "follow_up"]
OUTCOMES = ["resolved", "resolved", "resolved", "referral", "referral", "transport", "medical", "police",
            "no_contact"]
REFERRALS = ["mental_health", "crisis_center", "substance_use", "housing", "peer", "benefits"]


def _reporter(shift_id: int):
    """The checked-in lead, else any checked-in member: whoever holds the team's phone."""
    from apps.scheduling.models import Assignment, PositionRole

    checked_in = (Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.CHECKED_IN)
                  .select_related("responder", "shift", "position").order_by("id"))
    rows = list(checked_in)
    leads = [a for a in rows if a.position.role == PositionRole.LEAD]
    return (leads or rows or [None])[0]


def shift_calls(world: World, shift_id: int) -> None:
    """Two hours in: the team takes a call (sometimes two), reporting its status around it and logging
    each; now and then the center had a call no team was free for, which the lead logs as unserved."""
    from apps.operations import encounters, status
    from apps.operations.models import TeamState

    assignment = _reporter(shift_id)
    if assignment is None:
        return
    shift, lead = assignment.shift, assignment.responder
    zone = shift.zones.order_by("sort_order", "name").first()
    if zone is None:
        return
    for _ in range(1 + world.chance(0.3)):
        now = timezone.now()
        if world.chance(0.5):
            world.http("operations.team_status", lead, "POST", reverse("operations:team-status", args=[shift.pk]),
                       {"state": TeamState.ON_CALL, "zone": zone.slug})
        else:
            world.do("operations.team_status_set", status.team_status_set, by=lead, shift=shift,
                     state=TeamState.ON_CALL, zone=zone)
        outcome = world.rng.choice(OUTCOMES)
        # Counted back from now, when the team cleared: on scene a while, on the way before that.
        arrived = now - timedelta(minutes=world.rng.randint(5, 40))
        dispatched = arrived - timedelta(minutes=world.rng.randint(4, 25))
        received = dispatched - timedelta(minutes=world.rng.randint(1, 4))
        if outcome == "no_contact":
            arrived = None
        world.do("operations.encounter_record", encounters.encounter_record, by=lead,
                 idempotency_key=uuid.UUID(int=world.rng.getrandbits(128)), shift=shift, zone=zone,
                 source=world.rng.choice(SOURCES), received_at=received, dispatched_at=dispatched,
                 arrived_at=arrived, cleared_at=now, outcome=outcome,
                 referral_kind=world.rng.choice(REFERRALS) if outcome == "referral" else "",
                 follow_up_needed=world.chance(0.3), note="")
        world.do("operations.team_status_set", status.team_status_set, by=lead, shift=shift,
                 state=TeamState.AVAILABLE, zone=zone)
    if world.chance(0.15):
        now = timezone.now()
        world.do("operations.encounter_record (unserved)", encounters.encounter_record, by=lead,
                 idempotency_key=uuid.UUID(int=world.rng.getrandbits(128)), shift=shift, zone=zone, source="911",
                 received_at=now - timedelta(minutes=30), outcome="unserved",
                 unserved_reason=world.rng.choice(["no_team", "safety", "other"]))


def late_status_tap(world: World, shift_id: int) -> None:
    """After the end someone taps a status on a stale page: it must be refused, never written."""
    from apps.operations import status
    from apps.operations.models import TeamState, TeamStatusChange
    from apps.scheduling.models import Assignment

    assignment = (Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.COMPLETED)
                  .select_related("responder", "shift").order_by("id").first())
    if assignment is None or not world.chance(0.1):
        return
    before = TeamStatusChange.objects.filter(shift_id=shift_id).count()
    world.do("operations.team_status_set (after the shift)", status.team_status_set, by=assignment.responder,
             shift=assignment.shift, state=TeamState.AVAILABLE)
    if TeamStatusChange.objects.filter(shift_id=shift_id).count() != before:
        world.summary.fail("action", world.now, "operations.team_status_set",
                           detail=f"shift {shift_id}: a status was accepted after the shift ended")
