"""Putting people on shifts and what happens to them there: assign, sign up, cancel, check in and
out, hours, no-show; and the last-lead guard every departure asks first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, User
from apps.accounts.roles import Role
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.transitions import transition
from apps.notifications.services import notify

from ..eligibility import OVERRIDABLE, EligibilityCode, check_eligibility, lead_missing_after
from ..models import Assignment, Position, Shift
from ..permissions import can_act_on_assignment, can_manage_schedule, can_override, can_sign_up
from ._common import (
    insert_assignment,
    iso,
    lock_shift,
    locked_position,
    notification_context,
    refuse,
    take_off_shift,
)

CHECK_IN_OPENS = timedelta(hours=1)


def check_in_opens_at(assignment: Assignment) -> datetime:
    """When check-in opens for this assignment (an hour before its start): the rule the service applies
    and the time the responder's page shows beside a Check in button that is not yet usable."""
    return assignment.starts_at - CHECK_IN_OPENS
# Checking out "now" is trusted this long after the shift's end (a call ran late); after that the time
# would be wrong, and a coordinator records the hours worked instead (assignment_record_hours).
CHECK_OUT_CLOSES = timedelta(hours=4)


def _guard_last_lead(*, by: User, shift: Shift, leaving: Iterable[Assignment],
                     joining_roles: Iterable[str] = (), no_lead_reason: str = "") -> bool:
    """Apply the last-lead rule (eligibility.lead_missing_after) to a change about to be written.
    False: a lead stays. True: the shift is left without one, which only a coordinator may allow,
    with a written reason; the caller then calls `_alert_no_lead` after writing."""
    if not lead_missing_after(shift=shift, leaving=[a.pk for a in leaving], joining_roles=joining_roles):
        return False
    if not can_manage_schedule(by, shift.organization_id):
        raise ApplicationError(_("You are the last team lead on this shift and the others cannot work without "
                                 "one. Ask your coordinator."), code=EligibilityCode.LAST_LEAD)
    if not no_lead_reason.strip():
        raise ApplicationError(_("This leaves the shift without a team lead. To go ahead anyway, write why; "
                                 "the coordinators are alerted."), field="no_lead_reason",
                               code=EligibilityCode.LAST_LEAD)
    return True


def _alert_no_lead(*, by: User, shift: Shift, assignment: Assignment, action: str, reason: str) -> None:
    reason = reason.strip()
    audit(actor=by, action="scheduling.shift.left_without_lead", target=shift, organization=shift.organization,
          after={"assignment": assignment.pk, "responder": assignment.responder_id, "change": action,
                 "reason": reason})
    coordinators = _coordinators(shift.organization_id)
    context = {"team": shift.team.name, "starts_at": shift.starts_at, "ends_at": shift.ends_at,
               "reason": reason, "decided_by": str(by)}
    for membership in coordinators:
        notify(kind="scheduling.shift_without_lead", to=membership.user,
               dedupe_key=f"shift-no-lead:{shift.pk}:{assignment.pk}:{membership.user_id}", target=shift,
               link=reverse("scheduling:shift-detail", args=[shift.pk]), context=context)


def _assign(*, by: User, position: Position, responder: User, source: str,
            overrides: frozenset[str] = frozenset(), override_reason: str = "",
            replacing: Assignment | None = None, announce: bool = True) -> Assignment:
    """`announce=False`: the caller tells the person itself (an accepted roster sends one message listing
    all of a person's new shifts, not one per shift)."""
    eligibility = check_eligibility(user=responder, position=position, overrides=overrides, replacing=replacing)
    if not eligibility.allowed:
        refuse(eligibility)
    shift = position.shift
    assignment = insert_assignment(position=position, shift=shift, responder=responder, starts_at=shift.starts_at,
                                   ends_at=shift.ends_at, source=source, assigned_by=by,
                                   overrides=sorted(eligibility.overridden),
                                   override_reason=override_reason if eligibility.overridden else "")
    audit(actor=by, action="scheduling.assignment.created", target=assignment, organization=shift.organization,
          after={"responder": responder.pk, "position": position.pk, "source": source,
                 "overrides": sorted(eligibility.overridden),
                 "override_reason": override_reason if eligibility.overridden else ""})
    if announce:
        notify(kind="scheduling.assignment_made", to=responder, dedupe_key=f"shift-assigned:{assignment.pk}",
               target=assignment, link=reverse("scheduling:my-shifts"), context=notification_context(assignment))
    return assignment


def assignment_create(*, by: User, position: Position, responder, overrides: Iterable[str] = (),
                      override_reason: str = "") -> Assignment:
    """A coordinator puts `responder` on `position`. Overrides (rest, hours, availability) need a
    written reason and are audited; any other code cannot be overridden."""
    overrides = frozenset(overrides)
    with transaction.atomic():
        position = locked_position(position)
        require(can_manage_schedule(by, position.shift.organization_id),
                 _("Only a coordinator of this organization can assign people."))
        not_allowed = overrides - OVERRIDABLE
        if not_allowed:
            raise ApplicationError(_("These rules can never be overridden: %(codes)s.")
                                   % {"codes": ", ".join(sorted(not_allowed))}, field="overrides",
                                   code="not_overridable")
        if overrides and not override_reason.strip():
            raise ApplicationError(_("Write why the rule is overridden."), field="override_reason")
        if overrides:
            require(can_override(by, position.shift.organization_id), _("Only a coordinator can override rules."))
        return _assign(by=by, position=position, responder=responder, source=Assignment.Source.COORDINATOR,
                       overrides=overrides, override_reason=override_reason.strip())


def assignment_sign_up(*, by: User, position: Position) -> Assignment:
    """A responder takes an open place on a published shift."""
    with transaction.atomic():
        position = locked_position(position)
        shift = position.shift
        require(can_sign_up(by, shift), _("Only responders of this organization can sign up."))
        if shift.status != Shift.Status.PUBLISHED:
            raise ApplicationError(_("This shift is not open for sign-up."), code="shift_not_published")
        return _assign(by=by, position=position, responder=by, source=Assignment.Source.SIGN_UP)


def assignment_cancel(*, by: User, assignment: Assignment, reason: str = "", no_lead_reason: str = "") -> Assignment:
    """The responder drops their shift, or a coordinator removes them. If that leaves the people
    still on a published shift without a lead, a responder is refused and a coordinator must write
    `no_lead_reason` (audited; the coordinators are alerted)."""
    require(can_act_on_assignment(by, assignment), _("You cannot cancel this assignment."))
    if assignment.status != Assignment.Status.ASSIGNED:
        raise ApplicationError(_("Only an upcoming assignment can be cancelled."))
    if assignment.starts_at <= timezone.now():
        raise ApplicationError(_("The shift has started; mark a no-show or check out instead."))
    with transaction.atomic():
        shift = lock_shift(assignment.shift_id)
        assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
            "shift__team", "shift__organization", "position", "responder").get(pk=assignment.pk)
        if assignment.status != Assignment.Status.ASSIGNED:
            raise ApplicationError(_("Only an upcoming assignment can be cancelled."))
        leaderless = _guard_last_lead(by=by, shift=shift, leaving=[assignment], no_lead_reason=no_lead_reason)
        cancelled = take_off_shift(assignment=assignment, by=by, reason=reason or _("Cancelled"))
        if leaderless:
            _alert_no_lead(by=by, shift=shift, assignment=cancelled, action="cancelled", reason=no_lead_reason)
        if by.pk == cancelled.responder_id:
            _tell_coordinators_of_drop(shift=shift, assignment=cancelled, reason=reason)
        return cancelled


def _tell_coordinators_of_drop(*, shift: Shift, assignment: Assignment, reason: str) -> None:
    """A responder dropped their own shift: the organization's coordinators are told, so the place is
    filled again in time (the responder's drop page says so)."""
    context = {"team": shift.team.name, "starts_at": shift.starts_at, "ends_at": shift.ends_at,
               "responder": assignment.responder.get_full_name(), "role": assignment.position.get_role_display(),
               "reason": reason.strip()}
    for membership in _coordinators(shift.organization_id):
        notify(kind="scheduling.shift_dropped", to=membership.user,
               dedupe_key=f"shift-dropped:{assignment.pk}:{membership.user_id}", target=shift,
               link=reverse("scheduling:shift-detail", args=[shift.pk]), context=context)


def _coordinators(organization_id: int):
    return (Membership.objects.filter(organization_id=organization_id, role=Role.COORDINATOR, is_active=True,
                                      user__is_active=True).select_related("user").order_by("user_id"))


def assignment_check_in(*, by: User, assignment: Assignment, at: datetime | None = None) -> Assignment:
    require(can_act_on_assignment(by, assignment), _("You cannot check in for this assignment."))
    at = at or timezone.now()

    def check_in(row: Assignment) -> list[str]:
        # The times of the locked row: a reschedule may have moved them since the page was read.
        if not (check_in_opens_at(row) <= at <= row.ends_at):
            raise ApplicationError(_("Check-in opens an hour before the shift and closes at its end."))
        row.checked_in_at = at
        return ["checked_in_at"]

    return transition(assignment, from_states={Assignment.Status.ASSIGNED}, to_state=Assignment.Status.CHECKED_IN,
                      refused=_("Only an assigned shift can be checked into."), apply=check_in, actor=by,
                      action="scheduling.assignment.checked_in", organization=assignment.shift.organization,
                      after={"at": iso(at)})


def assignment_check_out(*, by: User, assignment: Assignment, at: datetime | None = None) -> Assignment:
    require(can_act_on_assignment(by, assignment), _("You cannot check out for this assignment."))
    at = at or timezone.now()

    def check_out(row: Assignment) -> list[str]:
        if at <= row.checked_in_at:
            raise ApplicationError(_("Check-out must be after check-in."))
        if at > row.ends_at + CHECK_OUT_CLOSES:
            raise ApplicationError(_("The shift ended more than four hours ago, so now is not when the work ended: "
                                     "a coordinator records the hours worked on the shift's page."))
        row.checked_out_at = at
        return ["checked_out_at"]

    return transition(assignment, from_states={Assignment.Status.CHECKED_IN}, to_state=Assignment.Status.COMPLETED,
                      refused=_("Check in before checking out."), apply=check_out, actor=by,
                      action="scheduling.assignment.checked_out", organization=assignment.shift.organization,
                      after={"at": iso(at)})


def assignment_record_hours(*, by: User, assignment: Assignment, checked_in_at: datetime, checked_out_at: datetime,
                            reason: str) -> Assignment:
    """A coordinator records or corrects when someone worked a shift that has started: they forgot to check
    in or out, or the times were wrong. The assignment is then completed with those times; before and
    after are audited with the reason."""
    require(can_manage_schedule(by, assignment.shift.organization_id),
             _("Only a coordinator of this organization can record hours."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the hours are recorded by hand."), field="reason")
    now = timezone.now()
    if checked_out_at <= checked_in_at:
        raise ApplicationError(_("The end must be after the start."), field="checked_out_at")
    if checked_out_at > now:
        raise ApplicationError(_("The end is in the future."), field="checked_out_at")
    if checked_out_at - checked_in_at > timedelta(hours=24):
        raise ApplicationError(_("At most 24 hours can be recorded for one shift."), field="checked_out_at")
    refused = _("Hours are recorded only for someone on a shift that took place.")

    def record(row: Assignment) -> list[str]:
        shift = row.shift
        if shift.status == Shift.Status.CANCELLED:
            raise ApplicationError(refused)
        if shift.starts_at > now:
            raise ApplicationError(_("The shift has not started yet."))
        if checked_in_at < shift.starts_at - CHECK_IN_OPENS or checked_in_at > shift.ends_at:
            raise ApplicationError(_("The start must fall between an hour before the shift and its end."),
                                   field="checked_in_at")
        row.checked_in_at, row.checked_out_at = checked_in_at, checked_out_at
        return ["checked_in_at", "checked_out_at"]

    def times(row: Assignment) -> dict:
        return {"status": row.status,
                "checked_in_at": iso(row.checked_in_at) if row.checked_in_at else None,
                "checked_out_at": iso(row.checked_out_at) if row.checked_out_at else None}

    # From any active state, completed included: a correction of hours already recorded.
    return transition(assignment, from_states=set(Assignment.ACTIVE), to_state=Assignment.Status.COMPLETED,
                      refused=refused, apply=record, actor=by, action="scheduling.assignment.hours_recorded",
                      organization=assignment.shift.organization, before=times,
                      after=lambda row: {**times(row), "reason": reason},
                      select_related=("shift__organization", "responder"))


def assignment_mark_no_show(*, by: User, assignment: Assignment, no_lead_reason: str = "") -> Assignment:
    """Record that someone did not come. While the shift runs, a lead's no-show that leaves the
    others without a lead needs `no_lead_reason` and alerts the coordinators."""
    require(can_manage_schedule(by, assignment.shift.organization_id),
             _("Only a coordinator of this organization can record a no-show."))
    refused = _("A no-show is recorded only for a started shift nobody checked into.")
    if assignment.status != Assignment.Status.ASSIGNED or assignment.starts_at > timezone.now():
        raise ApplicationError(refused)
    with transaction.atomic():
        shift = lock_shift(assignment.shift_id)
        leaderless = []

        def guard(row: Assignment) -> None:
            leaderless.append(_guard_last_lead(by=by, shift=shift, leaving=[row], no_lead_reason=no_lead_reason))

        assignment = transition(assignment, from_states={Assignment.Status.ASSIGNED},
                                to_state=Assignment.Status.NO_SHOW, refused=refused, apply=guard, actor=by,
                                action="scheduling.assignment.no_show", organization=shift.organization,
                                select_related=("shift__organization", "responder"))
        if leaderless[0]:
            _alert_no_lead(by=by, shift=shift, assignment=assignment, action="no_show", reason=no_lead_reason)
    return assignment
