"""Every write of the schedule. Assigning anyone goes through the eligibility engine, under a row
lock on the position, with the database's exclusion constraint behind it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.core.audit import audit
from apps.core.errors import ApplicationError
from apps.core.transitions import transition
from apps.notifications.services import notification_cancel, notify

from .eligibility import (
    OVERRIDABLE,
    EligibilityCode,
    check_eligibility,
    eligibility_batch,
    lead_missing_after,
    policy_for,
)
from .models import (
    OVERLAP_CONSTRAINT,
    Assignment,
    Availability,
    CalendarFeed,
    Position,
    PositionRole,
    Shift,
    ShiftTemplate,
    SwapRequest,
    Team,
    TeamType,
    TimeOff,
)
from .permissions import (
    can_act_on_assignment,
    can_decide_swap,
    can_decide_time_off,
    can_manage_schedule,
    can_offer_swap,
    can_override,
    can_sign_up,
    can_take_swap,
)

CHECK_IN_OPENS = timedelta(hours=1)
# Checking out "now" is trusted this long after the shift's end (a call ran late); after that the time
# would be wrong, and a coordinator records the hours worked instead (assignment_record_hours).
CHECK_OUT_CLOSES = timedelta(hours=4)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ApplicationError(message, code="permission_denied")


def _iso(value: datetime) -> str:
    return value.isoformat()


def local_moment(day: date, at: time) -> datetime:
    """`at` on `day` in the city's zone. A wall time skipped by the spring change (02:30) is read
    with the offset before the change (03:30 EDT); a repeated one (01:30 in November) is its first
    occurrence (EDT)."""
    local = datetime.combine(day, at, tzinfo=timezone.get_default_timezone())
    # Stored and computed as UTC: aware datetimes sharing one zoneinfo subtract by wall clock.
    return local.astimezone(UTC)


def local_span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """A shift from `start` on `day` to `end`, the next day when `end` is not after `start`."""
    end_day = day if end > start else day + timedelta(days=1)
    return local_moment(day, start), local_moment(end_day, end)


# --- team types, teams -----------------------------------------------------------------------------

def composition_errors(*, team_type: TeamType, positions: Iterable[tuple[str, int]]) -> list[str]:
    """Why these positions do not make a valid team of `team_type` (empty: they do)."""
    positions = [(role, count) for role, count in positions if count]
    total = sum(count for _, count in positions)
    errors = []
    if total < team_type.min_size:
        errors.append(_("A %(type)s shift needs at least %(n)s people.") % {"type": team_type.name,
                                                                           "n": team_type.min_size})
    if team_type.requires_lead and not any(role == PositionRole.LEAD for role, _ in positions):
        errors.append(_("A %(type)s shift needs a team lead.") % {"type": team_type.name})
    if not team_type.allow_all_trainees and positions and all(role == PositionRole.TRAINEE for role, _ in positions):
        errors.append(_("A team is never all trainees."))
    return errors


def team_create(*, by, organization, team_type: TeamType, name: str, zones: Iterable = ()) -> Team:
    _require(can_manage_schedule(by, organization.pk), _("Only a coordinator of this organization can add teams."))
    if Team.objects.filter(organization=organization, name=name).exists():
        raise ApplicationError(_("This organization already has a team with that name."), field="name")
    with transaction.atomic():
        team = Team.objects.create(organization=organization, team_type=team_type, name=name)
        team.zones.set(zones)
        audit(actor=by, action="scheduling.team.created", target=team, organization=organization,
              after={"name": name, "team_type": team_type.key, "zones": sorted(z.pk for z in zones)})
    return team


# --- shifts -----------------------------------------------------------------------------------------

def _default_positions(team: Team) -> list[tuple[str, int]]:
    return [(p.role, p.count) for p in team.team_type.positions.all()]


def shift_create(*, by, team: Team, starts_at: datetime, ends_at: datetime,
                 positions: Iterable[tuple[str, int]] | None = None, zones: Iterable | None = None,
                 languages: Iterable = (), notes: str = "", template: ShiftTemplate | None = None) -> Shift:
    _require(by is None or can_manage_schedule(by, team.organization_id),
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
              after={"starts_at": _iso(starts_at), "ends_at": _iso(ends_at), "positions": positions})
    return shift


def shift_template_create(*, by, team: Team, name: str, start_time: time, end_time: time, weekdays: list[int],
                          zones: Iterable = (), languages: Iterable = (), notes: str = "") -> ShiftTemplate:
    _require(can_manage_schedule(by, team.organization_id),
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


def shift_template_generate(*, by, template: ShiftTemplate, start: date, end: date) -> list[Shift]:
    """Draft shifts for every chosen weekday in [start, end]; dates already generated are skipped."""
    team = template.team
    _require(by is None or can_manage_schedule(by, team.organization_id),
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


def shift_publish(*, by, shift: Shift) -> Shift:
    _require(can_manage_schedule(by, shift.organization_id), _("Only a coordinator of this organization can publish."))

    def stamp(row: Shift) -> list[str]:
        row.published_at = timezone.now()
        return ["published_at"]

    return transition(shift, from_states={Shift.Status.DRAFT}, done_states={Shift.Status.PUBLISHED},
                      to_state=Shift.Status.PUBLISHED, refused=_("A cancelled shift cannot be published."),
                      apply=stamp, actor=by, action="scheduling.shift.published", organization=shift.organization)


def shifts_publish_week(*, by, team: Team, week_start: date) -> int:
    """Publish the team's draft shifts that start in the local week beginning `week_start`."""
    _require(can_manage_schedule(by, team.organization_id), _("Only a coordinator of this organization can publish."))
    start = local_moment(week_start, time.min)
    end = local_moment(week_start + timedelta(days=7), time.min)
    with transaction.atomic():
        ids = list(Shift.objects.select_for_update().filter(team=team, status=Shift.Status.DRAFT, starts_at__gte=start,
                                                            starts_at__lt=end).values_list("pk", flat=True))
        Shift.objects.filter(pk__in=ids).update(status=Shift.Status.PUBLISHED, published_at=timezone.now())
        audit(actor=by, action="scheduling.week.published", target=team, organization=team.organization,
              after={"week_start": week_start.isoformat(), "shifts": len(ids)})
    return len(ids)


def shift_cancel(*, by, shift: Shift, reason: str) -> Shift:
    _require(can_manage_schedule(by, shift.organization_id), _("Only a coordinator of this organization can cancel."))
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
            _cancel(assignment=assignment, by=by, reason=reason)
    return shift


MAX_SHIFT_LENGTH = timedelta(hours=24)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def shift_reschedule(*, by, shift: Shift, starts_at: datetime, ends_at: datetime, reason: str,
                     overrides: Iterable[str] = (), override_reason: str = "") -> Shift:
    """Move a shift to new times. Everyone on it is asked about again at the new times through the
    eligibility engine (readiness through the new end, overlap, rest, hours, time off, availability);
    if anyone would no longer be eligible nothing changes and the error names each person and why,
    unless every such reason is one a coordinator may override and they do so with a written reason
    (as when assigning). On success, in one transaction: the shift and its active assignments move,
    the iCal sequence goes up, queued reminders for the old time are cancelled (the scanner queues
    the new ones under a new key), and each person is told through "assignment changed"."""
    _require(can_manage_schedule(by, shift.organization_id),
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
        shift = _lock_shift(shift.pk)
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
              before={"starts_at": _iso(old_start), "ends_at": _iso(old_end)},
              after={"starts_at": _iso(starts_at), "ends_at": _iso(ends_at), "reason": reason,
                     "assignments": [a.pk for a in assignments],
                     "overrides": {str(pk): codes for pk, codes in used.items()},
                     "override_reason": override_reason if used else ""})
        for assignment in assignments:
            _cancel_reminders(assignment)
            assignment.shift = shift
            notify(kind="scheduling.assignment_changed", to=assignment.responder,
                   dedupe_key=f"shift-rescheduled:{assignment.pk}:{_stamp(starts_at)}:{_stamp(ends_at)}",
                   target=assignment, link=reverse("scheduling:my-shifts"),
                   context={**_notification_context(assignment), "reason": reason})
    return shift


# --- the last-lead guard ------------------------------------------------------------------------------

def _lock_shift(shift_id: int) -> Shift:
    # Two leads leaving at once must not each see the other still on the shift: every change the
    # last-lead rule guards (and a reschedule) takes the shift's row lock first. NO KEY UPDATE: an
    # insert referencing the shift (a sign-up) takes KEY SHARE on it and is not blocked by this.
    return (Shift.objects.select_for_update(of=("self",), no_key=True)
            .select_related("team__team_type", "organization").get(pk=shift_id))


def _guard_last_lead(*, by, shift: Shift, leaving: Iterable[Assignment], joining_roles: Iterable[str] = (),
                     no_lead_reason: str = "") -> bool:
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


def _alert_no_lead(*, by, shift: Shift, assignment: Assignment, action: str, reason: str) -> None:
    reason = reason.strip()
    audit(actor=by, action="scheduling.shift.left_without_lead", target=shift, organization=shift.organization,
          after={"assignment": assignment.pk, "responder": assignment.responder_id, "change": action,
                 "reason": reason})
    coordinators = (Membership.objects.filter(organization_id=shift.organization_id, role=Role.COORDINATOR,
                                              is_active=True, user__is_active=True)
                    .select_related("user").order_by("user_id"))
    context = {"team": shift.team.name, "starts_at": shift.starts_at, "ends_at": shift.ends_at,
               "reason": reason, "decided_by": str(by)}
    for membership in coordinators:
        notify(kind="scheduling.shift_without_lead", to=membership.user,
               dedupe_key=f"shift-no-lead:{shift.pk}:{assignment.pk}:{membership.user_id}", target=shift,
               link=reverse("scheduling:shift-detail", args=[shift.pk]), context=context)


# --- assignments ------------------------------------------------------------------------------------

def _notification_context(assignment: Assignment) -> dict:
    shift = assignment.shift
    return {"team": shift.team.name, "role": assignment.position.get_role_display(), "starts_at": shift.starts_at,
            "ends_at": shift.ends_at, "responder_name": str(assignment.responder), "notes": shift.notes}


def _locked_position(position: Position) -> Position:
    # The shift's lock first, as every change that takes more than one lock here does (cancel,
    # reschedule, the last-lead guard, swaps), so two of them never wait on each other in a cycle.
    # Under it the shift's status and times are the committed ones: a cancel or a reschedule that
    # held it has finished, so a sign-up cannot land on a shift cancelled a moment ago.
    shift = _lock_shift(position.shift_id)
    # The position's lock serializes everyone claiming a place on it: the count the engine reads
    # cannot change until this transaction ends, so the last place goes to one person.
    position = Position.objects.select_for_update().get(pk=position.pk)
    position.shift = shift
    return position


def _insert(**fields) -> Assignment:
    try:
        with transaction.atomic():
            return Assignment.objects.create(**fields)
    except IntegrityError as exc:
        text = str(exc)
        if OVERLAP_CONSTRAINT in text:
            raise ApplicationError(_("Already assigned to another shift at this time."), field="responder",
                                   code=EligibilityCode.OVERLAP) from exc
        if "scheduling_assignment_once_per_shift" in text or "UNIQUE" in text.upper():
            raise ApplicationError(_("Already holds a position on this shift."), field="responder",
                                   code=EligibilityCode.ALREADY_ON_SHIFT) from exc
        raise


def _refuse(eligibility) -> None:
    first = eligibility.reasons[0]
    raise ApplicationError(eligibility.message, field="responder", code=first.code)


def _assign(*, by, position: Position, responder, source: str, overrides: frozenset[str] = frozenset(),
            override_reason: str = "", replacing: Assignment | None = None) -> Assignment:
    eligibility = check_eligibility(user=responder, position=position, overrides=overrides, replacing=replacing)
    if not eligibility.allowed:
        _refuse(eligibility)
    shift = position.shift
    assignment = _insert(position=position, shift=shift, responder=responder, starts_at=shift.starts_at,
                         ends_at=shift.ends_at, source=source, assigned_by=by,
                         overrides=sorted(eligibility.overridden),
                         override_reason=override_reason if eligibility.overridden else "")
    audit(actor=by, action="scheduling.assignment.created", target=assignment, organization=shift.organization,
          after={"responder": responder.pk, "position": position.pk, "source": source,
                 "overrides": sorted(eligibility.overridden),
                 "override_reason": override_reason if eligibility.overridden else ""})
    notify(kind="scheduling.assignment_made", to=responder, dedupe_key=f"shift-assigned:{assignment.pk}",
           target=assignment, link=reverse("scheduling:my-shifts"), context=_notification_context(assignment))
    return assignment


def assignment_create(*, by, position: Position, responder, overrides: Iterable[str] = (),
                      override_reason: str = "") -> Assignment:
    """A coordinator puts `responder` on `position`. Overrides (rest, hours, availability) need a
    written reason and are audited; any other code cannot be overridden."""
    overrides = frozenset(overrides)
    with transaction.atomic():
        position = _locked_position(position)
        _require(can_manage_schedule(by, position.shift.organization_id),
                 _("Only a coordinator of this organization can assign people."))
        not_allowed = overrides - OVERRIDABLE
        if not_allowed:
            raise ApplicationError(_("These rules can never be overridden: %(codes)s.")
                                   % {"codes": ", ".join(sorted(not_allowed))}, field="overrides",
                                   code="not_overridable")
        if overrides and not override_reason.strip():
            raise ApplicationError(_("Write why the rule is overridden."), field="override_reason")
        if overrides:
            _require(can_override(by, position.shift.organization_id), _("Only a coordinator can override rules."))
        return _assign(by=by, position=position, responder=responder, source=Assignment.Source.COORDINATOR,
                       overrides=overrides, override_reason=override_reason.strip())


def assignment_sign_up(*, by, position: Position) -> Assignment:
    """A responder takes an open place on a published shift."""
    with transaction.atomic():
        position = _locked_position(position)
        shift = position.shift
        _require(can_sign_up(by, shift), _("Only responders of this organization can sign up."))
        if shift.status != Shift.Status.PUBLISHED:
            raise ApplicationError(_("This shift is not open for sign-up."), code="shift_not_published")
        return _assign(by=by, position=position, responder=by, source=Assignment.Source.SIGN_UP)


def _cancel_reminders(assignment: Assignment) -> None:
    for prefix in ("shift-reminder-24h", "shift-reminder-2h"):
        notification_cancel(dedupe_key_prefix=f"{prefix}:{assignment.pk}:")


def _withdraw_offers(assignment: Assignment, *, by, reason: str, keep: SwapRequest | None = None) -> None:
    """An assignment that leaves takes its open offers with it (each withdrawn and audited), but
    the one it is handed over by (`keep`)."""
    offers = SwapRequest.objects.filter(assignment=assignment, status__in=[SwapRequest.Status.OPEN,
                                                                            SwapRequest.Status.PENDING_APPROVAL])
    if keep is not None:
        offers = offers.exclude(pk=keep.pk)
    for swap in offers:
        transition(swap, from_states={SwapRequest.Status.OPEN, SwapRequest.Status.PENDING_APPROVAL},
                   done_states={SwapRequest.Status.WITHDRAWN, SwapRequest.Status.APPROVED,
                                SwapRequest.Status.DECLINED}, to_state=SwapRequest.Status.WITHDRAWN, actor=by,
                   action="scheduling.swap.withdrawn", organization=assignment.shift.organization,
                   after={"reason": reason})


def _cancel(*, assignment: Assignment, by, reason: str, action: str = "scheduling.assignment.cancelled",
            handed_over_by: SwapRequest | None = None) -> Assignment:
    """Take someone off a shift: they are told, unless the place is handed over by a swap (whose
    notices say so). The caller holds the shift's lock (the lock order: shift first)."""

    def cancel(row: Assignment) -> list[str]:
        row.cancelled_at, row.cancel_reason = timezone.now(), reason[:300]
        row.sequence += 1
        return ["cancelled_at", "cancel_reason", "sequence"]

    def follow_on(row: Assignment) -> None:
        _cancel_reminders(row)
        _withdraw_offers(row, by=by, reason=reason, keep=handed_over_by)
        if handed_over_by is None:
            notify(kind="scheduling.assignment_cancelled", to=row.responder,
                   dedupe_key=f"shift-cancelled:{row.pk}", target=row, link=reverse("scheduling:my-shifts"),
                   context={**_notification_context(row), "reason": reason})

    return transition(assignment, from_states={Assignment.Status.ASSIGNED}, to_state=Assignment.Status.CANCELLED,
                      refused=_("Only an upcoming assignment can be cancelled."), apply=cancel, actor=by,
                      action=action, organization=assignment.shift.organization, after={"reason": reason},
                      select_related=("shift__team", "shift__organization", "position", "responder"),
                      then=follow_on)


def assignment_cancel(*, by, assignment: Assignment, reason: str = "", no_lead_reason: str = "") -> Assignment:
    """The responder drops their shift, or a coordinator removes them. If that leaves the people
    still on a published shift without a lead, a responder is refused and a coordinator must write
    `no_lead_reason` (audited; the coordinators are alerted)."""
    _require(can_act_on_assignment(by, assignment), _("You cannot cancel this assignment."))
    if assignment.status != Assignment.Status.ASSIGNED:
        raise ApplicationError(_("Only an upcoming assignment can be cancelled."))
    if assignment.starts_at <= timezone.now():
        raise ApplicationError(_("The shift has started; mark a no-show or check out instead."))
    with transaction.atomic():
        shift = _lock_shift(assignment.shift_id)
        assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
            "shift__team", "shift__organization", "position", "responder").get(pk=assignment.pk)
        if assignment.status != Assignment.Status.ASSIGNED:
            raise ApplicationError(_("Only an upcoming assignment can be cancelled."))
        leaderless = _guard_last_lead(by=by, shift=shift, leaving=[assignment], no_lead_reason=no_lead_reason)
        cancelled = _cancel(assignment=assignment, by=by, reason=reason or _("Cancelled"))
        if leaderless:
            _alert_no_lead(by=by, shift=shift, assignment=cancelled, action="cancelled", reason=no_lead_reason)
        return cancelled


def assignment_check_in(*, by, assignment: Assignment, at: datetime | None = None) -> Assignment:
    _require(can_act_on_assignment(by, assignment), _("You cannot check in for this assignment."))
    at = at or timezone.now()

    def check_in(row: Assignment) -> list[str]:
        # The times of the locked row: a reschedule may have moved them since the page was read.
        if not (row.starts_at - CHECK_IN_OPENS <= at <= row.ends_at):
            raise ApplicationError(_("Check-in opens an hour before the shift and closes at its end."))
        row.checked_in_at = at
        return ["checked_in_at"]

    return transition(assignment, from_states={Assignment.Status.ASSIGNED}, to_state=Assignment.Status.CHECKED_IN,
                      refused=_("Only an assigned shift can be checked into."), apply=check_in, actor=by,
                      action="scheduling.assignment.checked_in", organization=assignment.shift.organization,
                      after={"at": _iso(at)})


def assignment_check_out(*, by, assignment: Assignment, at: datetime | None = None) -> Assignment:
    _require(can_act_on_assignment(by, assignment), _("You cannot check out for this assignment."))
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
                      after={"at": _iso(at)})


def assignment_record_hours(*, by, assignment: Assignment, checked_in_at: datetime, checked_out_at: datetime,
                            reason: str) -> Assignment:
    """A coordinator records or corrects when someone worked a shift that has started: they forgot to check
    in or out, or the times were wrong. The assignment is then completed with those times; before and
    after are audited with the reason."""
    _require(can_manage_schedule(by, assignment.shift.organization_id),
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
                "checked_in_at": _iso(row.checked_in_at) if row.checked_in_at else None,
                "checked_out_at": _iso(row.checked_out_at) if row.checked_out_at else None}

    # From any active state, completed included: a correction of hours already recorded.
    return transition(assignment, from_states=set(Assignment.ACTIVE), to_state=Assignment.Status.COMPLETED,
                      refused=refused, apply=record, actor=by, action="scheduling.assignment.hours_recorded",
                      organization=assignment.shift.organization, before=times,
                      after=lambda row: {**times(row), "reason": reason},
                      select_related=("shift__organization", "responder"))


def assignment_mark_no_show(*, by, assignment: Assignment, no_lead_reason: str = "") -> Assignment:
    """Record that someone did not come. While the shift runs, a lead's no-show that leaves the
    others without a lead needs `no_lead_reason` and alerts the coordinators."""
    _require(can_manage_schedule(by, assignment.shift.organization_id),
             _("Only a coordinator of this organization can record a no-show."))
    refused = _("A no-show is recorded only for a started shift nobody checked into.")
    if assignment.status != Assignment.Status.ASSIGNED or assignment.starts_at > timezone.now():
        raise ApplicationError(refused)
    with transaction.atomic():
        shift = _lock_shift(assignment.shift_id)
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


# --- swaps ------------------------------------------------------------------------------------------

def swap_offer(*, by, assignment: Assignment, note: str = "") -> SwapRequest:
    _require(can_offer_swap(by, assignment), _("Only the person on the shift can offer it."))
    if assignment.status != Assignment.Status.ASSIGNED or assignment.starts_at <= timezone.now():
        raise ApplicationError(_("Only an upcoming assignment can be offered."))
    if SwapRequest.objects.filter(assignment=assignment, status__in=[SwapRequest.Status.OPEN,
                                                                      SwapRequest.Status.PENDING_APPROVAL]).exists():
        raise ApplicationError(_("This shift is already offered."))
    with transaction.atomic():
        swap = SwapRequest.objects.create(assignment=assignment, offered_by=by, note=note)
        audit(actor=by, action="scheduling.swap.offered", target=swap, organization=assignment.shift.organization)
        _tell_eligible_colleagues(swap)
    return swap


def _tell_eligible_colleagues(swap: SwapRequest) -> int:
    """Offer the shift to the colleagues the engine would let take it (one batch, fixed queries)."""
    from .selectors import responder_candidates

    assignment = swap.assignment
    position = Position.objects.select_related("shift__team__team_type", "shift__organization").get(
        pk=assignment.position_id)
    people = list(responder_candidates(organization_id=position.shift.organization_id).exclude(pk=swap.offered_by_id))
    answers = eligibility_batch(users=people, position=position, replacing=assignment)
    context = {**_notification_context(assignment), "offered_by": str(swap.offered_by), "note": swap.note}
    sent = 0
    for person in people:
        if answers[person.pk].allowed:
            sent += len(notify(kind="scheduling.swap_offered", to=person,
                               dedupe_key=f"swap-offered:{swap.pk}:{person.pk}", target=swap,
                               link=reverse("scheduling:swap-list"), context=context))
    return sent


def _lock_swap_shift(swap: SwapRequest) -> None:
    """The shift's lock before the swap's: a responder cancelling the offered assignment (shift, then
    assignment, then its swaps) and a coordinator approving the swap (swap, then assignment) each
    held what the other waited for, and PostgreSQL broke the cycle with a deadlock error (a 500)."""
    shift_id = SwapRequest.objects.filter(pk=swap.pk).values_list("assignment__shift_id", flat=True).first()
    if shift_id is not None:
        _lock_shift(shift_id)


def _complete_swap(*, swap: SwapRequest, by) -> SwapRequest:
    old = swap.assignment
    position = _locked_position(old.position)
    taker = swap.taken_by
    old_assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
        "shift__team", "shift__organization", "position", "responder").get(pk=old.pk)
    if old_assignment.status != Assignment.Status.ASSIGNED:
        raise ApplicationError(_("The offered assignment is no longer active."))
    # The taker is checked as if the offerer's place were free; it is, once this commits.
    eligibility = check_eligibility(user=taker, position=position, replacing=old_assignment)
    if not eligibility.allowed:
        _refuse(eligibility)
    # The taker takes the same position, so a lead hands over to someone the engine cleared as a
    # lead; the rule is still asked here, so a swap can never be the path that drops the last lead.
    if lead_missing_after(shift=position.shift, leaving=[old_assignment.pk], joining_roles=[position.role]):
        raise ApplicationError(_("This swap would leave the shift without a team lead. Ask your coordinator."),
                               code=EligibilityCode.LAST_LEAD)
    old_assignment = _cancel(assignment=old_assignment, by=by, reason=_("Handed over in a swap"),
                             action="scheduling.assignment.handed_over", handed_over_by=swap)
    shift = position.shift
    new = _insert(position=position, shift=shift, responder=taker, starts_at=shift.starts_at, ends_at=shift.ends_at,
                  source=Assignment.Source.SWAP, assigned_by=by)
    swap.status, swap.new_assignment = SwapRequest.Status.APPROVED, new
    swap.save(update_fields=["status", "new_assignment", "decided_by", "decided_at", "updated_at"])
    audit(actor=by, action="scheduling.swap.completed", target=swap, organization=shift.organization,
          after={"from": old_assignment.responder_id, "to": taker.pk, "assignment": new.pk})
    context = _notification_context(new)
    notify(kind="scheduling.assignment_changed", to=old_assignment.responder,
           dedupe_key=f"shift-swapped-out:{swap.pk}", target=old_assignment, link=reverse("scheduling:my-shifts"),
           context={**context, "handed_to": str(taker), "given_away": True})
    notify(kind="scheduling.assignment_made", to=taker, dedupe_key=f"shift-assigned:{new.pk}", target=new,
           link=reverse("scheduling:my-shifts"), context=context)
    return swap


def swap_accept(*, by, swap: SwapRequest) -> SwapRequest:
    """A colleague takes the offered shift: done at once, or after a coordinator approves when the
    organization requires it. Either way the engine must allow the taker now."""
    with transaction.atomic():
        _lock_swap_shift(swap)
        swap = SwapRequest.objects.select_for_update(of=("self",)).select_related(
            "assignment__shift__organization", "assignment__position", "assignment__responder").get(pk=swap.pk)
        _require(can_take_swap(by, swap), _("Only a colleague in this organization can take the shift."))
        if swap.status != SwapRequest.Status.OPEN:
            raise ApplicationError(_("This offer is no longer open."))
        position = Position.objects.select_related("shift__team__team_type", "shift__organization").get(
            pk=swap.assignment.position_id)
        eligibility = check_eligibility(user=by, position=position, replacing=swap.assignment)
        if not eligibility.allowed:
            _refuse(eligibility)
        if policy_for(swap.assignment.shift.organization_id).swap_requires_approval:

            def take(row: SwapRequest) -> list[str]:
                row.taken_by, row.taken_at = by, timezone.now()
                return ["taken_by", "taken_at"]

            return transition(swap, from_states={SwapRequest.Status.OPEN},
                              to_state=SwapRequest.Status.PENDING_APPROVAL, refused=_("This offer is no longer open."),
                              apply=take, actor=by, action="scheduling.swap.accepted",
                              organization=swap.assignment.shift.organization)
        swap.taken_by, swap.taken_at = by, timezone.now()
        swap.save(update_fields=["taken_by", "taken_at", "updated_at"])
        return _complete_swap(swap=swap, by=by)


def swap_decide(*, by, swap: SwapRequest, approve: bool) -> SwapRequest:
    with transaction.atomic():
        _lock_swap_shift(swap)
        swap = SwapRequest.objects.select_for_update(of=("self",)).select_related(
            "assignment__shift__organization", "assignment__position", "taken_by").get(pk=swap.pk)
        _require(can_decide_swap(by, swap), _("Only a coordinator of this organization can decide on swaps."))
        if swap.status != SwapRequest.Status.PENDING_APPROVAL:
            raise ApplicationError(_("This swap is not waiting for a decision."))
        if approve:
            swap.decided_by, swap.decided_at = by, timezone.now()
            return _complete_swap(swap=swap, by=by)

        def decide(row: SwapRequest) -> list[str]:
            row.decided_by, row.decided_at = by, timezone.now()
            return ["decided_by", "decided_at"]

        return transition(swap, from_states={SwapRequest.Status.PENDING_APPROVAL}, to_state=SwapRequest.Status.DECLINED,
                          refused=_("This swap is not waiting for a decision."), apply=decide, actor=by,
                          action="scheduling.swap.declined", organization=swap.assignment.shift.organization)


def swap_withdraw(*, by, swap: SwapRequest) -> SwapRequest:
    _require(swap.offered_by_id == by.pk, _("Only the person who offered the shift can withdraw the offer."))
    # Under the swap's lock: a coordinator approving at this moment either commits first (the
    # handover stands and this is refused) or waits and finds the offer withdrawn.
    return transition(swap, from_states={SwapRequest.Status.OPEN, SwapRequest.Status.PENDING_APPROVAL},
                      to_state=SwapRequest.Status.WITHDRAWN, refused=_("This offer is closed."), actor=by,
                      action="scheduling.swap.withdrawn", organization=swap.assignment.shift.organization)


# --- availability, time off ---------------------------------------------------------------------------

def availability_add(*, by, weekday: int, start_time: time, end_time: time) -> Availability:
    _require(bool(by.organization_ids(Role.RESPONDER)), _("Only responders give availability."))
    if weekday not in range(7):
        raise ApplicationError(_("Choose a day of the week."), field="weekday")
    if start_time == end_time:
        raise ApplicationError(_("Start and end times must differ."), field="end_time")
    with transaction.atomic():
        row = Availability.objects.create(responder=by, weekday=weekday, start_time=start_time, end_time=end_time)
        audit(actor=by, action="scheduling.availability.added", target=row)
    return row


def availability_remove(*, by, availability: Availability) -> None:
    _require(availability.responder_id == by.pk, _("This is not your availability."))
    with transaction.atomic():
        # Locked so a double click removes and audits once; the second finds nothing left.
        row = Availability.objects.select_for_update().filter(pk=availability.pk).first()
        if row is None:
            return
        audit(actor=by, action="scheduling.availability.removed", target=row)
        row.delete()


def time_off_request(*, by, organization, starts_at: datetime, ends_at: datetime, reason: str = "") -> TimeOff:
    _require(by.has_role(Role.RESPONDER, organization.pk), _("Only responders of this organization ask for time off."))
    if ends_at <= starts_at:
        raise ApplicationError(_("The end must be after the start."), field="ends_at")
    if ends_at <= timezone.now():
        raise ApplicationError(_("Time off must end in the future."), field="ends_at")
    with transaction.atomic():
        row = TimeOff.objects.create(responder=by, organization=organization, starts_at=starts_at, ends_at=ends_at,
                                     reason=reason)
        audit(actor=by, action="scheduling.time_off.requested", target=row, organization=organization)
    return row


def time_off_decide(*, by, time_off: TimeOff, approve: bool, note: str = "") -> TimeOff:
    _require(can_decide_time_off(by, time_off), _("Only a coordinator of this organization can decide."))
    status = TimeOff.Status.APPROVED if approve else TimeOff.Status.DENIED

    def decide(row: TimeOff) -> list[str]:
        row.decided_by, row.decided_at, row.decision_note = by, timezone.now(), note
        return ["decided_by", "decided_at", "decision_note"]

    with transaction.atomic():
        # Under the row's lock: a withdrawal at the same moment is either seen (and this refused)
        # or waits and finds the request decided.
        time_off = transition(time_off, from_states={TimeOff.Status.PENDING}, to_state=status,
                              refused=_("This request has already been decided."), apply=decide, actor=by,
                              action=f"scheduling.time_off.{status}", organization=time_off.organization,
                              after={"note": note}, select_related=("responder", "organization"))
        notify(kind="scheduling.time_off_decided", to=time_off.responder, dedupe_key=f"time-off-decided:{time_off.pk}",
               target=time_off, link=reverse("scheduling:time-off"),
               context={"approved": approve, "starts_at": time_off.starts_at, "ends_at": time_off.ends_at,
                        "note": note})
    return time_off


def time_off_withdraw(*, by, time_off: TimeOff) -> TimeOff:
    _require(time_off.responder_id == by.pk, _("This is not your request."))
    return transition(time_off, from_states={TimeOff.Status.PENDING, TimeOff.Status.APPROVED},
                      to_state=TimeOff.Status.WITHDRAWN, refused=_("This request is closed."), actor=by,
                      action="scheduling.time_off.withdrawn", organization=time_off.organization)


# --- calendar feed ------------------------------------------------------------------------------------

def calendar_feed_rotate(*, user) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        feed = CalendarFeed.objects.create(user=user)
        audit(actor=user, action="scheduling.calendar_feed.rotated", target=feed)
    return feed


def calendar_feed_revoke(*, user) -> int:
    with transaction.atomic():
        count = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if count:
            audit(actor=user, action="scheduling.calendar_feed.revoked", target=user)
    return count
