"""The encounter log: who may record and list encounters, the reads, and the one write, `encounter_record`.

A team records each call after it cleared, from a phone, often on a weak connection. The form carries an
idempotency key made when it was rendered: a retried submit (the first one did reach the server, the
answer did not reach the phone) finds the row the first attempt wrote instead of writing a second one.

Who records: a member of the shift (an active assignment on it) from its start until 12 hours after its
end, for the shift's organization; a coordinator, for their own organizations (with or without a shift:
an unserved call has no team). Program admins and evaluators read only the de-identified evaluation
(evaluation.py), never the rows.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.audit import audit
from apps.core.errors import ApplicationError
from apps.core.models import Neighborhood
from apps.core.privacy import mask_personal_details
from apps.scheduling.models import Assignment, Shift

from .models import Encounter, EncounterOutcome, EncounterSource, ReferralKind, UnservedReason

# A team records after the call cleared; the last call of a night shift is often written up the next
# morning.
RECORD_AFTER_SHIFT = timedelta(hours=12)
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)
NOTE_MAX = 280


# --- who may ----------------------------------------------------------------------------------------

def encounter_coordinated_ids(user) -> set[int]:
    return user.organization_ids(Role.COORDINATOR) if user.is_authenticated else set()


def recordable_shifts(*, user, now: datetime | None = None) -> QuerySet[Shift]:
    """Published shifts the user works on (an active assignment) that have started and ended at most
    RECORD_AFTER_SHIFT ago, latest first, with their zones."""
    if not user.is_authenticated:
        return Shift.objects.none()
    now = now or timezone.now()
    return (Shift.objects.filter(status=Shift.Status.PUBLISHED, starts_at__lte=now,
                                 ends_at__gt=now - RECORD_AFTER_SHIFT,
                                 assignments__responder=user, assignments__status__in=Assignment.ACTIVE,
                                 organization_id__in=user.organization_ids(Role.RESPONDER))
            .select_related("team", "organization").prefetch_related("zones").distinct()
            .order_by("-starts_at", "id"))


def can_record_encounter(user) -> bool:
    """May open the form: a coordinator, or a responder with a shift open for recording now."""
    return bool(encounter_coordinated_ids(user)) or recordable_shifts(user=user).exists()


def can_list_encounters(user) -> bool:
    """The encounter log page: coordinators (their organizations') and responders (what they recorded)."""
    return user.is_authenticated and user.has_any_role(Role.COORDINATOR, Role.RESPONDER)


# --- reads ------------------------------------------------------------------------------------------

def encounter_list(*, user) -> QuerySet[Encounter]:
    """The encounters a user may see: their organizations' for a coordinator, their own for a responder,
    newest first. Program admins and evaluators see none here (the evaluation is their read)."""
    if not user.is_authenticated:
        return Encounter.objects.none()
    query = Q(organization_id__in=encounter_coordinated_ids(user))
    if user.has_role(Role.RESPONDER):
        query |= Q(recorded_by=user, organization_id__in=user.organization_ids(Role.RESPONDER))
    return (Encounter.objects.filter(query).select_related("zone", "organization", "shift", "shift__team")
            .order_by("-received_at", "-id"))


# --- the write --------------------------------------------------------------------------------------

def _check_times(*, received_at, dispatched_at, arrived_at, cleared_at, outcome: str, now: datetime) -> None:
    if received_at > now + CLOCK_SKEW:
        raise ApplicationError(_("The call cannot have been received in the future."), field="received_at")
    if arrived_at is not None and dispatched_at is None:
        raise ApplicationError(_("Give the dispatch time when you give the arrival time."), field="dispatched_at")
    if dispatched_at is not None and dispatched_at < received_at:
        raise ApplicationError(_("Dispatched must not be before received."), field="dispatched_at")
    if arrived_at is not None and arrived_at < dispatched_at:
        raise ApplicationError(_("Arrived must not be before dispatched."), field="arrived_at")
    if cleared_at is not None:
        last = max(t for t in (received_at, dispatched_at, arrived_at) if t is not None)
        if cleared_at < last:
            raise ApplicationError(_("Cleared must not be before the other times."), field="cleared_at")
        if cleared_at > now + CLOCK_SKEW:
            raise ApplicationError(_("The call cannot have cleared in the future."), field="cleared_at")
    if outcome == EncounterOutcome.UNSERVED and (dispatched_at or arrived_at):
        raise ApplicationError(_("A call that could not be served has no dispatch or arrival time."),
                               field="dispatched_at" if dispatched_at else "arrived_at")


def _check_outcome(*, outcome: str, referral_kind: str, unserved_reason: str, source: str) -> None:
    if source not in EncounterSource.values:
        raise ApplicationError(_("Choose how the call came."), field="source")
    if outcome not in EncounterOutcome.values:
        raise ApplicationError(_("Choose what happened."), field="outcome")
    if outcome == EncounterOutcome.REFERRAL:
        if referral_kind not in ReferralKind.values:
            raise ApplicationError(_("Choose the kind of service the person was referred to."),
                                   field="referral_kind")
    elif referral_kind:
        raise ApplicationError(_("A referral kind goes only with the outcome “Referral made”."),
                               field="referral_kind")
    if outcome == EncounterOutcome.UNSERVED:
        if unserved_reason not in UnservedReason.values:
            raise ApplicationError(_("Choose why the call could not be served."), field="unserved_reason")
    elif unserved_reason:
        raise ApplicationError(_("A reason goes only with the outcome “Could not be served”."),
                               field="unserved_reason")


def _organization_for(*, by, shift: Shift | None, organization_id: int | None, now: datetime) -> int:
    """The organization the encounter is recorded for, or a refusal naming what is wrong."""
    coordinated = encounter_coordinated_ids(by)
    if shift is not None:
        if shift.organization_id in coordinated:
            return shift.organization_id
        member = Assignment.objects.filter(shift=shift, responder=by, status__in=Assignment.ACTIVE).exists()
        if not member or shift.organization_id not in by.organization_ids(Role.RESPONDER):
            raise ApplicationError(_("Only a member of this shift can record an encounter on it."),
                                   field="shift", code="forbidden")
        if now < shift.starts_at:
            raise ApplicationError(_("This shift has not started yet."), field="shift")
        if now >= shift.ends_at + RECORD_AFTER_SHIFT:
            raise ApplicationError(_("Encounters are recorded up to 12 hours after the shift ends; ask a "
                                     "coordinator to record this one."), field="shift")
        return shift.organization_id
    if organization_id is not None and organization_id in coordinated:
        return organization_id
    if len(coordinated) == 1 and organization_id is None:
        return next(iter(coordinated))
    if coordinated:
        raise ApplicationError(_("Choose the organization."), field="organization")
    raise ApplicationError(_("Choose the shift the call came in on."), field="shift")


def encounter_record(*, by, idempotency_key: uuid.UUID | str, zone: Neighborhood, source: str, outcome: str,
                     received_at: datetime, dispatched_at: datetime | None = None,
                     arrived_at: datetime | None = None, cleared_at: datetime | None = None,
                     shift: Shift | None = None, organization_id: int | None = None, referral_kind: str = "",
                     unserved_reason: str = "", follow_up_needed: bool = False,
                     note: str = "") -> tuple[Encounter, bool]:
    """Record one encounter; returns (encounter, created). The same key again returns the first row
    (created False) whatever the other fields say: a retry, not a second call. A key someone else used
    is refused, so a key never reveals another person's row."""
    try:
        key = uuid.UUID(str(idempotency_key))
    except ValueError:
        raise ApplicationError(_("The idempotency key must be a UUID."), field="idempotency_key") from None
    try:
        return _record(by=by, key=key, zone=zone, source=source, outcome=outcome, received_at=received_at,
                       dispatched_at=dispatched_at, arrived_at=arrived_at, cleared_at=cleared_at, shift=shift,
                       organization_id=organization_id, referral_kind=referral_kind or "",
                       unserved_reason=unserved_reason or "", follow_up_needed=follow_up_needed, note=note), True
    except (ApplicationError, IntegrityError):
        # A key already used: a retry of a submit that was recorded (or of two at once, the other committed
        # first), answered with the first row even when its fields no longer pass (the shift's recording
        # window has closed since). Inserting first and looking only on failure spares every first submit
        # a query.
        existing = _existing(by=by, key=key)
        if existing is None:
            raise
        return existing, False


def _record(*, by, key: uuid.UUID, zone: Neighborhood, source: str, outcome: str, received_at: datetime,
            dispatched_at, arrived_at, cleared_at, shift, organization_id, referral_kind: str,
            unserved_reason: str, follow_up_needed: bool, note: str) -> Encounter:
    now = timezone.now()
    _check_outcome(outcome=outcome, referral_kind=referral_kind, unserved_reason=unserved_reason, source=source)
    _check_times(received_at=received_at, dispatched_at=dispatched_at, arrived_at=arrived_at,
                 cleared_at=cleared_at, outcome=outcome, now=now)
    if not zone.is_active:
        raise ApplicationError(_("Choose a zone in service."), field="zone")
    note = mask_personal_details(" ".join((note or "").split()))
    if len(note) > NOTE_MAX:
        note = note[:NOTE_MAX - 1] + "…"
    with transaction.atomic():
        if shift is not None:
            # Read the shift under a share lock: it cannot be cancelled or moved while we check it.
            shift = Shift.objects.select_for_update(of=("self",)).get(pk=shift.pk)
        org_id = _organization_for(by=by, shift=shift, organization_id=organization_id, now=now)
        encounter = Encounter.objects.create(
            organization_id=org_id, shift=shift, zone=zone, source=source, received_at=received_at,
            dispatched_at=dispatched_at, arrived_at=arrived_at, cleared_at=cleared_at, outcome=outcome,
            referral_kind=referral_kind, unserved_reason=unserved_reason,
            follow_up_needed=bool(follow_up_needed), note=note, recorded_by=by, idempotency_key=key)
        # No note in the audit trail: it is free text, and the trail is kept longer than the log.
        audit(actor=by, action="operations.encounter.recorded", target=encounter, organization=org_id,
              after={"source": source, "outcome": outcome, "zone": zone.slug, "shift": shift.pk if shift else None})
    return encounter


def _existing(*, by, key: uuid.UUID) -> Encounter | None:
    found = Encounter.objects.select_related("zone", "organization", "shift").filter(idempotency_key=key).first()
    if found is not None and found.recorded_by_id != by.pk:
        raise ApplicationError(_("This form was already sent by someone else; open a new one."),
                               field="idempotency_key", code="conflict")
    return found
