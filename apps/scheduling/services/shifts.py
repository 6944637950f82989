"""Shifts and shift templates: create, generate, publish, cancel and reschedule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.localtime import local_span, week_bounds
from apps.core.transitions import transition
from apps.notifications.services import notify

from ..eligibility import OVERRIDABLE, EligibilityCode, check_eligibility
from ..models import OVERLAP_CONSTRAINT, Assignment, Position, Shift, ShiftTemplate, Team
from ..permissions import can_manage_schedule
from ._common import cancel_reminders, iso, lock_shift, notification_context, take_off_shift
from .teams import composition_errors

MAX_SHIFT_LENGTH = timedelta(hours=24)


def _default_positions(team: Team) -> list[tuple[str, int]]:
    return [(p.role, p.count) for p in team.team_type.positions.all()]


def shift_create(*, by: User | None, team: Team, starts_at: datetime, ends_at: datetime,
                 positions: Iterable[tuple[str, int]] | None = None, zones: Iterable | None = None,
                 languages: Iterable = (), notes: str = "", template: ShiftTemplate | None = None) -> Shift:
    require(by is None or can_manage_schedule(by, team.organization_id),
             _("Only a coordinator of this organization can create shifts."))
    if ends_at <= starts_at:
        raise ApplicationError(_("The shift must end after it starts."), field="ends_at")
    if ends_at - starts_at > timedelta(hours=24):
        raise ApplicationError(_("A shift lasts at most 24 hours."), field="ends_at")
    positions = list(positions) if positions is not None else _default_positions(team)
    errors = composition_errors(team_type=team.team_type, positions=positions)
    if errors:
        raise ApplicationError(" ".join(errors), field="positions")
    with transaction.atomic():
        shift = Shift.objects.create(team=team, organization_id=team.organization_id, template=template,
                                     starts_at=starts_at, ends_at=ends_at, notes=notes,
                                     created_by=by if getattr(by, "pk", None) else None)
        Position.objects.bulk_create([Position(shift=shift, role=role, count=count)
                                      for role, count in positions if count])
        shift.zones.set(list(zones) if zones is not None else list(team.zones.all()))
        shift.desired_languages.set(languages)
        audit(actor=by, action="scheduling.shift.created", target=shift, organization=team.organization,
              after={"starts_at": iso(starts_at), "ends_at": iso(ends_at), "positions": positions})
    return shift


def shift_template_create(*, by: User, team: Team, name: str, start_time: time, end_time: time, weekdays: list[int],
                          zones: Iterable = (), languages: Iterable = (), notes: str = "") -> ShiftTemplate:
    require(can_manage_schedule(by, team.organization_id),
             _("Only a coordinator of this organization can create shift templates."))
    weekdays = sorted(set(weekdays))
    if not weekdays or any(d not in range(7) for d in weekdays):
        raise ApplicationError(_("Choose at least one day of the week."), field="weekdays")
    if start_time == end_time:
        raise ApplicationError(_("Start and end times must differ."), field="end_time")
    with transaction.atomic():
        template = ShiftTemplate.objects.create(team=team, name=name, start_time=start_time, end_time=end_time,
                                                weekdays=weekdays, notes=notes)
        template.zones.set(zones)
        template.desired_languages.set(languages)
        audit(actor=by, action="scheduling.template.created", target=template, organization=team.organization,
              after={"name": name, "start": start_time.isoformat(), "end": end_time.isoformat(),
                     "weekdays": weekdays})
    return template


def shift_template_generate(*, by: User | None, template: ShiftTemplate, start: date, end: date) -> list[Shift]:
    """Draft shifts for every chosen weekday in [start, end]; dates already generated are skipped."""
    team = template.team
    require(by is None or can_manage_schedule(by, team.organization_id),
             _("Only a coordinator of this organization can generate shifts."))
    if end < start:
        raise ApplicationError(_("The end date is before the start date."), field="end")
    if (end - start).days > 92:
        raise ApplicationError(_("Generate at most three months at a time."), field="end")
    zones = list(template.zones.all()) or list(team.zones.all())
    languages = list(template.desired_languages.all())
    positions = _default_positions(team)
    existing = set(Shift.objects.filter(template=template).values_list("starts_at", flat=True))
    created = []
    with transaction.atomic():
        day = start
        while day <= end:
            if day.weekday() in template.weekdays:
                starts_at, ends_at = local_span(day, template.start_time, template.end_time)
                if starts_at not in existing:
                    created.append(shift_create(by=by, team=team, starts_at=starts_at, ends_at=ends_at,
                                                positions=positions, zones=zones, languages=languages,
                                                notes=template.notes, template=template))
            day += timedelta(days=1)
        audit(actor=by, action="scheduling.template.generated", target=template, organization=team.organization,
              after={"start": start.isoformat(), "end": end.isoformat(), "created": len(created)})
    return created


def shift_publish(*, by: User, shift: Shift) -> Shift:
    require(can_manage_schedule(by, shift.organization_id), _("Only a coordinator of this organization can publish."))

    def stamp(row: Shift) -> list[str]:
        row.published_at = timezone.now()
        return ["published_at"]

    return transition(shift, from_states={Shift.Status.DRAFT}, done_states={Shift.Status.PUBLISHED},
                      to_state=Shift.Status.PUBLISHED, refused=_("A cancelled shift cannot be published."),
                      apply=stamp, actor=by, action="scheduling.shift.published", organization=shift.organization)


def shifts_publish_week(*, by: User, team: Team, week_start: date) -> int:
    """Publish the team's draft shifts that start in the local week (Monday to Monday) of `week_start`;
    every caller passes the Monday the schedule page shows."""
    require(can_manage_schedule(by, team.organization_id), _("Only a coordinator of this organization can publish."))
    monday, start, end = week_bounds(week_start)
    with transaction.atomic():
        ids = list(Shift.objects.select_for_update().filter(team=team, status=Shift.Status.DRAFT, starts_at__gte=start,
                                                            starts_at__lt=end).values_list("pk", flat=True))
        Shift.objects.filter(pk__in=ids).update(status=Shift.Status.PUBLISHED, published_at=timezone.now())
        audit(actor=by, action="scheduling.week.published", target=team, organization=team.organization,
              after={"week_start": monday.isoformat(), "shifts": len(ids)})
    return len(ids)


def shift_cancel(*, by: User, shift: Shift, reason: str) -> Shift:
    require(can_manage_schedule(by, shift.organization_id), _("Only a coordinator of this organization can cancel."))
    if not reason.strip():
        raise ApplicationError(_("Say why the shift is cancelled; the people on it are told."), field="reason")
    now = timezone.now()

    def cancel(row: Shift) -> list[str]:
        if row.ends_at <= now:
            raise ApplicationError(_("The shift is over; it cannot be cancelled. Record a no-show for anyone who "
                                     "did not come."))
        row.cancelled_at, row.cancel_reason = now, reason
        return ["cancelled_at", "cancel_reason"]

    with transaction.atomic():
        shift = transition(shift, from_states={Shift.Status.DRAFT, Shift.Status.PUBLISHED},
                           done_states={Shift.Status.CANCELLED}, to_state=Shift.Status.CANCELLED, apply=cancel,
                           actor=by, action="scheduling.shift.cancelled", organization=shift.organization,
                           after={"reason": reason}, select_related=("organization",))
        # Locked, so a check-in that committed a moment ago is not overwritten: FOR UPDATE re-reads
        # the row after waiting and skips it once it is no longer "assigned".
        for assignment in (Assignment.objects.select_for_update(of=("self",))
                           .select_related("shift__team", "position", "responder")
                           .filter(shift=shift, status=Assignment.Status.ASSIGNED)):
            take_off_shift(assignment=assignment, by=by, reason=reason)
    return shift


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def shift_reschedule(*, by: User, shift: Shift, starts_at: datetime, ends_at: datetime, reason: str,
                     overrides: Iterable[str] = (), override_reason: str = "") -> Shift:
    """Move a shift to new times. Everyone on it is asked about again at the new times through the
    eligibility engine (readiness through the new end, overlap, rest, hours, time off, availability);
    if anyone would no longer be eligible nothing changes and the error names each person and why,
    unless every such reason is one a coordinator may override and they do so with a written reason
    (as when assigning). On success, in one transaction: the shift and its active assignments move,
    the iCal sequence goes up, queued reminders for the old time are cancelled (the scanner queues
    the new ones under a new key), and each person is told through "assignment changed"."""
    require(can_manage_schedule(by, shift.organization_id),
             _("Only a coordinator of this organization can reschedule shifts."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the shift moves; the people on it are told."), field="reason")
    overrides = frozenset(overrides)
    not_allowed = overrides - OVERRIDABLE
    if not_allowed:
        raise ApplicationError(_("These rules can never be overridden: %(codes)s.")
                               % {"codes": ", ".join(sorted(not_allowed))}, field="overrides", code="not_overridable")
    override_reason = (override_reason or "").strip()
    if overrides and not override_reason:
        raise ApplicationError(_("Write why the rule is overridden."), field="override_reason")
    # Every comparison on UTC instants: across a daylight-saving change the wall clock lies by an hour.
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if ends_at <= starts_at:
        raise ApplicationError(_("The shift must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_SHIFT_LENGTH:
        raise ApplicationError(_("A shift lasts at most 24 hours."), field="ends_at")
    now = timezone.now()
    with transaction.atomic():
        shift = lock_shift(shift.pk)
        if shift.status == Shift.Status.CANCELLED:
            raise ApplicationError(_("A cancelled shift cannot be rescheduled."))
        old_start, old_end = shift.starts_at.astimezone(UTC), shift.ends_at.astimezone(UTC)
        if old_end <= now:
            raise ApplicationError(_("The shift is over; it cannot be rescheduled."))
        if old_start <= now:
            if starts_at != old_start:
                raise ApplicationError(_("The shift has started; only its end can change."), field="starts_at")
            if ends_at <= now:
                raise ApplicationError(_("The new end is in the past."), field="ends_at")
        elif starts_at <= now:
            raise ApplicationError(_("The new start is in the past."), field="starts_at")
        if (starts_at, ends_at) == (old_start, old_end):
            raise ApplicationError(_("These are the shift's current times."), field="starts_at")

        assignments = list(Assignment.objects.select_for_update(of=("self",))
                           .select_related("position", "responder")
                           .filter(shift=shift, status__in=Assignment.ACTIVE).order_by("id"))
        # The engine reads a position's shift for the times: give it the shift at its new times.
        shift.starts_at, shift.ends_at = starts_at, ends_at
        # The positions' locks wait out anyone claiming a place right now (they hold one), so every
        # assignment of the shift is in the list below and is moved with it.
        positions = {p.pk: p for p in Position.objects.select_for_update().filter(shift=shift)}
        for position in positions.values():
            position.shift = shift
        refusals, used = [], {}
        for assignment in assignments:
            eligibility = check_eligibility(user=assignment.responder, position=positions[assignment.position_id],
                                            at=now, overrides=overrides, replacing=assignment)
            # A started shift keeps the people already on it; "has started" is not theirs to answer.
            reasons = [r for r in eligibility.reasons if r.code != EligibilityCode.SHIFT_STARTED]
            if reasons:
                refusals.append((assignment, reasons))
            elif eligibility.overridden:
                used[assignment.pk] = sorted(eligibility.overridden)
        if refusals:
            lines = [_("%(person)s: %(reasons)s") % {"person": a.responder, "reasons": " ".join(r.message for r in rs)}
                     for a, rs in refusals]
            overridable_only = all(r.overridable for _a, rs in refusals for r in rs)
            hint = (_("A coordinator may override these rules with a written reason.") if overridable_only
                    else _("Some of these rules can never be overridden."))
            codes = sorted({r.code for _a, rs in refusals for r in rs})
            raise ApplicationError(" ".join([_("At the new times, these people could no longer work the shift:"),
                                             *lines, hint]), field="starts_at", code=codes[0] if len(codes) == 1
                                   else "not_eligible")
        if shift.template_id and Shift.objects.filter(template_id=shift.template_id, starts_at=starts_at).exclude(
                pk=shift.pk).exists():
            raise ApplicationError(_("Another shift of the same template already starts at that time."),
                                   field="starts_at")

        try:
            # A savepoint: the exclusion constraint is the last word on overlaps (two coordinators
            # moving two shifts of one person at once); its refusal becomes the clear message.
            with transaction.atomic():
                shift.save(update_fields=["starts_at", "ends_at", "updated_at"])
                for assignment in assignments:
                    assignment.starts_at, assignment.ends_at = starts_at, ends_at
                    assignment.sequence += 1
                    fields = ["starts_at", "ends_at", "sequence", "updated_at"]
                    if assignment.pk in used:
                        assignment.overrides = sorted(set(assignment.overrides) | set(used[assignment.pk]))
                        assignment.override_reason = "\n".join(filter(None, [assignment.override_reason,
                                                                              override_reason]))
                        fields += ["overrides", "override_reason"]
                    assignment.save(update_fields=fields)
        except IntegrityError as exc:
            # The check above answers; a sibling moved there at the same moment ends here.
            if "scheduling_shift_template_once" in str(exc) or "scheduling_shift.template_id" in str(exc):
                raise ApplicationError(_("Another shift of the same template already starts at that time."),
                                       field="starts_at") from exc
            if OVERLAP_CONSTRAINT not in str(exc):
                raise
            raise ApplicationError(_("Someone on the shift is already assigned to another shift at the new "
                                     "times."), field="starts_at", code=EligibilityCode.OVERLAP) from exc
        audit(actor=by, action="scheduling.shift.rescheduled", target=shift, organization=shift.organization,
              before={"starts_at": iso(old_start), "ends_at": iso(old_end)},
              after={"starts_at": iso(starts_at), "ends_at": iso(ends_at), "reason": reason,
                     "assignments": [a.pk for a in assignments],
                     "overrides": {str(pk): codes for pk, codes in used.items()},
                     "override_reason": override_reason if used else ""})
        for assignment in assignments:
            cancel_reminders(assignment)
            assignment.shift = shift
            notify(kind="scheduling.assignment_changed", to=assignment.responder,
                   dedupe_key=f"shift-rescheduled:{assignment.pk}:{_stamp(starts_at)}:{_stamp(ends_at)}",
                   target=assignment, link=reverse("scheduling:my-shifts"),
                   context={**notification_context(assignment), "reason": reason})
    return shift
