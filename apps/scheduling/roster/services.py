"""Every write of the auto-roster: start a run (a month, or a call-out's repair), solve it in a worker with
progress and cancel, explain what stays open, and accept the proposal through the assignment service."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Organization, User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.queue import enqueue_on_commit
from apps.notifications.services import notify

from ..eligibility import EligibilityCode, eligibility_for_positions
from ..models import Assignment, Position, Shift, Team
from ..permissions import can_manage_schedule
from .heuristics import greedy, hours_spread
from .instance import Instance, build_instance
from .models import RosterRun
from .solver import Progress, solve

logger = logging.getLogger(__name__)

REPAIR_WITHIN = timedelta(hours=48)  # a call-out this close is repaired, not re-rostered
REPAIR_REACH = timedelta(hours=24)  # assignments this close to the call-out's shift may move
REPAIR_TIME_LIMIT = 10
# While a run works, `solver_status` names its phase: filling places (objective and bound count places),
# then balancing (the rest of the objective: fairness, preferences, patterns).
PHASES = {"fill": "filling", "balance": "balancing"}

# What each engine reason code means for a place nobody took, as "N people …".
REASON_LABELS = {
    EligibilityCode.NOT_MEMBER: gettext_lazy("not responders of this organization"),
    EligibilityCode.NOT_READY: gettext_lazy("not cleared by their training"),
    EligibilityCode.ROLE_NOT_QUALIFIED: gettext_lazy("not cleared for this role"),
    EligibilityCode.OVERLAP: gettext_lazy("on another shift at this time"),
    EligibilityCode.REST: gettext_lazy("would not get the minimum rest"),
    EligibilityCode.DAILY_HOURS: gettext_lazy("at their daily hours limit"),
    EligibilityCode.WEEKLY_HOURS: gettext_lazy("at their 7-day hours limit"),
    EligibilityCode.TIME_OFF: gettext_lazy("on approved time off"),
    EligibilityCode.UNAVAILABLE: gettext_lazy("outside the availability they gave"),
    EligibilityCode.ALREADY_ON_SHIFT: gettext_lazy("already on this shift"),
    EligibilityCode.COMPOSITION: gettext_lazy("trainees, and the shift has no lead"),
    EligibilityCode.SHIFT_STARTED: gettext_lazy("too late: the shift has started"),
    EligibilityCode.SHIFT_CANCELLED: gettext_lazy("too late: the shift is cancelled"),
    EligibilityCode.POSITION_FULL: gettext_lazy("too late: the position is full"),
}


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ApplicationError(_("The last day is before the first."), field="ends_on")
    if (ends_on - starts_on).days + 1 > settings.ROSTER["max_days"]:
        raise ApplicationError(_("A run covers at most %(days)s days.") % {"days": settings.ROSTER["max_days"]},
                               field="ends_on")
    if ends_on < timezone.localdate():
        raise ApplicationError(_("The period has passed."), field="ends_on")


def _check_time_limit(time_limit: int) -> None:
    if not 5 <= time_limit <= settings.ROSTER["max_time_limit"]:
        raise ApplicationError(_("Give the solver between 5 and %(max)s seconds.")
                               % {"max": settings.ROSTER["max_time_limit"]}, field="time_limit")


def _create(*, by: User, organization_id: int, teams: list[Team], starts_on: date, ends_on: date, time_limit: int,
            kind: str, callout: Assignment | None = None) -> RosterRun:
    from ..tasks import solve_roster

    with transaction.atomic():
        # One run at a time per organization: a solver uses the worker's cores for its whole time limit.
        # The organization's row lock makes two requests at once see each other's run.
        list(Organization.objects.select_for_update().filter(pk=organization_id).values_list("pk", flat=True))
        if RosterRun.objects.filter(organization_id=organization_id, status__in=RosterRun.WORKING).exists():
            raise ApplicationError(_("A roster run for this organization is still working. Wait for it, or "
                                     "cancel it."), code="run_working")
        run = RosterRun.objects.create(organization_id=organization_id, kind=kind, starts_on=starts_on,
                                       ends_on=ends_on, time_limit=time_limit, created_by=by, callout=callout)
        run.teams.set(teams)
        audit(actor=by, action=f"scheduling.roster.{kind}_started", target=run, organization=run.organization,
              after={"teams": sorted(t.pk for t in teams), "starts_on": str(starts_on), "ends_on": str(ends_on),
                     "time_limit": time_limit, "callout": callout.pk if callout else None})
        enqueue_on_commit(solve_roster, run_id=run.pk)
    return run


def roster_start(*, by: User, teams, starts_on: date, ends_on: date, time_limit: int = 60) -> RosterRun:
    """Ask for a proposal filling the open places of `teams` (one organization's) over the period."""
    teams = list(teams)
    if not teams:
        raise ApplicationError(_("Choose at least one team."), field="teams")
    organizations = {t.organization_id for t in teams}
    if len(organizations) > 1:
        raise ApplicationError(_("Choose teams of one organization."), field="teams")
    organization_id = organizations.pop()
    require(can_manage_schedule(by, organization_id), _("Only a coordinator of this organization can run the roster."))
    _check_period(starts_on, ends_on)
    _check_time_limit(time_limit)
    return _create(by=by, organization_id=organization_id, teams=teams, starts_on=starts_on, ends_on=ends_on,
                   time_limit=time_limit, kind=RosterRun.Kind.FULL)


def repair_possible(assignment: Assignment, *, now=None) -> bool:
    """A call-out the repair can refill: cancelled, and its shift not started and within 48 hours."""
    now = now or timezone.now()
    shift = assignment.shift
    return (assignment.status == Assignment.Status.CANCELLED and shift.status != Shift.Status.CANCELLED
            and now < shift.starts_at <= now + REPAIR_WITHIN)


def repair_start(*, by: User, assignment: Assignment) -> RosterRun:
    """Ask for the smallest change that refills a call-out's place."""
    assignment = Assignment.objects.select_related("shift", "position").get(pk=assignment.pk)
    shift = assignment.shift
    require(can_manage_schedule(by, shift.organization_id), _("Only a coordinator of this organization can do this."))
    if not repair_possible(assignment):
        raise ApplicationError(_("Only a cancelled place on a shift that starts within the next 48 hours can be "
                                 "refilled this way."), code="not_repairable")
    if Assignment.objects.filter(position_id=assignment.position_id, status__in=Assignment.ACTIVE).count() \
            >= assignment.position.count:
        raise ApplicationError(_("The place has been filled already."), code="filled")
    first = timezone.localdate(shift.starts_at - REPAIR_REACH)
    last = timezone.localdate(shift.ends_at + REPAIR_REACH)
    teams = list(Team.objects.filter(organization_id=shift.organization_id, is_active=True))
    return _create(by=by, organization_id=shift.organization_id, teams=teams,
                   starts_on=max(first, timezone.localdate()), ends_on=last,
                   time_limit=REPAIR_TIME_LIMIT, kind=RosterRun.Kind.REPAIR, callout=assignment)


def roster_cancel(*, by: User, run: RosterRun) -> RosterRun:
    require(can_manage_schedule(by, run.organization_id), _("Only a coordinator of this organization can do this."))
    with transaction.atomic():
        run = RosterRun.objects.select_for_update().get(pk=run.pk)
        if run.status == RosterRun.Status.QUEUED:
            run.status, run.finished_at = RosterRun.Status.CANCELLED, timezone.now()
        elif run.status == RosterRun.Status.RUNNING:
            run.cancel_requested = True  # the worker stops at its next progress check (about a second)
        elif run.status == RosterRun.Status.PROPOSED:
            run.status, run.finished_at = RosterRun.Status.DISCARDED, timezone.now()
        else:
            raise ApplicationError(_("This run has finished."), code="finished")
        run.save(update_fields=["status", "finished_at", "cancel_requested", "updated_at"])
        audit(actor=by, action="scheduling.roster.cancelled", target=run, organization=run.organization,
              after={"status": run.status})
    return run


# --- the worker ------------------------------------------------------------------------------------

def _releases(run: RosterRun, *, now) -> list[int]:
    """A repair may move the assignments near the call-out's shift that have not started."""
    shift = run.callout.shift
    return list(Assignment.objects.filter(
        shift__organization_id=run.organization_id, status=Assignment.Status.ASSIGNED, starts_at__gt=now,
        starts_at__lt=shift.ends_at + REPAIR_REACH, ends_at__gt=shift.starts_at - REPAIR_REACH)
        .values_list("pk", flat=True))


def _record(run_id: int, progress: Progress) -> bool:
    RosterRun.objects.filter(pk=run_id, status=RosterRun.Status.RUNNING).update(
        solutions=progress.solutions, objective=progress.objective, bound=progress.bound, gap=progress.gap,
        wall_seconds=round(progress.wall_seconds, 2), solver_status=PHASES[progress.phase],
        updated_at=timezone.now())
    return not RosterRun.objects.filter(pk=run_id, cancel_requested=True).exists()


def roster_solve(*, run_id: int) -> RosterRun | None:
    """The worker's part. The conditional UPDATE claims the run, so a redelivered task does nothing."""
    now = timezone.now()
    if not RosterRun.objects.filter(pk=run_id, status=RosterRun.Status.QUEUED).update(
            status=RosterRun.Status.RUNNING, started_at=now, updated_at=now):
        return None
    run = RosterRun.objects.select_related("callout__shift").get(pk=run_id)
    try:
        release = _releases(run, now=now) if run.kind == RosterRun.Kind.REPAIR else []
        # A repair refills the call-out's place and the places of what it moves, nothing else: other open
        # places nearby are the next full run's business.
        only = None
        if run.kind == RosterRun.Kind.REPAIR:
            only = set(Assignment.objects.filter(pk__in=[*release, run.callout_id]).values_list("position_id",
                                                                                                flat=True))
        instance = build_instance(organization_id=run.organization_id, team_ids=list(run.teams.values_list(
            "pk", flat=True)), starts_on=run.starts_on, ends_on=run.ends_on, at=now, release=release,
            only_positions=only)
        result = solve(instance, time_limit=run.time_limit, on_progress=lambda p: _record(run.pk, p))
        if result.status == "cancelled":
            RosterRun.objects.filter(pk=run.pk).update(status=RosterRun.Status.CANCELLED, finished_at=timezone.now(),
                                                       wall_seconds=round(result.progress.wall_seconds, 2))
            return RosterRun.objects.get(pk=run.pk)
        if result.status not in ("optimal", "feasible"):
            raise ApplicationError(_("The solver found no roster (%(status)s).") % {"status": result.status})
        fields = _proposal_fields(run, instance, result)
    except ApplicationError as exc:
        return _fail(run.pk, exc.message)
    except Exception as exc:  # the run fails with the error shown; the worker carries on
        logger.exception("roster run %s failed", run.pk)
        return _fail(run.pk, f"{type(exc).__name__}: {exc}")
    RosterRun.objects.filter(pk=run.pk, status=RosterRun.Status.RUNNING).update(
        status=RosterRun.Status.PROPOSED, finished_at=timezone.now(), updated_at=timezone.now(), **fields)
    return RosterRun.objects.get(pk=run.pk)


def _fail(run_id: int, message: str) -> RosterRun:
    RosterRun.objects.filter(pk=run_id).update(status=RosterRun.Status.FAILED, error=message[:2000],
                                               finished_at=timezone.now(), updated_at=timezone.now())
    return RosterRun.objects.get(pk=run_id)


def _proposal_fields(run: RosterRun, instance: Instance, result) -> dict:
    kept = {key for key in result.chosen if key in instance.keep}
    added = [key for key in result.chosen if key not in instance.keep]
    kept_ids = {instance.keep[key] for key in kept}
    releases = [aid for aid in instance.released if aid not in kept_ids]
    # A repair replaces only what it must: a released assignment it kept is no change at all.
    proposal = [{"position": instance.slots[i].position_id, "shift": instance.slots[i].shift_id,
                 "responder": uid, "role": instance.slots[i].role} for i, uid in added]
    taken = Counter(i for i, _ in result.chosen)
    open_slots = [i for i, slot in enumerate(instance.slots) if taken[i] < slot.places]
    baseline = greedy(instance)
    progress = result.progress
    stats = {"places": instance.places, "filled": len(result.chosen), "candidates": instance.pairs(),
             "places_bound": progress.places_bound,
             "leads": sum(1 for i, _ in result.chosen if instance.slots[i].role == "lead"),
             "people": len(instance.people), "status": result.status,
             "spread": hours_spread(instance, result.chosen),
             "greedy": {"filled": len(baseline), "spread": hours_spread(instance, baseline)},
             "changes": len(added)}
    return {"proposal": proposal, "releases": releases,
            "unfilled": _explain(instance, result.chosen, open_slots, taken, releases),
            "stats": stats, "solver_status": result.status, "solutions": progress.solutions,
            "objective": progress.objective, "bound": progress.bound, "gap": progress.gap,
            "wall_seconds": round(progress.wall_seconds, 2)}


def _explain(instance: Instance, chosen, open_slots: list[int], taken: Counter, releases: list[int]) -> list[dict]:
    """Why each place stays open, in the engine's reason codes: those it refused from the start, and
    for the rest, asked again with the proposal in place (inserted in a savepoint, then rolled back)."""
    if not open_slots:
        return []
    asked = {i: instance.candidates.get(i, []) for i in open_slots}
    positions = {p.pk: p for p in Position.objects.filter(
        pk__in=[instance.slots[i].position_id for i in open_slots]).select_related(
        "shift__team__team_type", "shift__organization")}
    with transaction.atomic():
        Assignment.objects.filter(pk__in=instance.released).update(status=Assignment.Status.CANCELLED)
        keep_ids = {aid for key, aid in instance.keep.items() if key in set(chosen)}
        Assignment.objects.filter(pk__in=keep_ids).update(status=Assignment.Status.ASSIGNED)
        Assignment.objects.bulk_create([
            Assignment(position_id=instance.slots[i].position_id, shift_id=instance.slots[i].shift_id,
                       responder_id=uid, starts_at=instance.slots[i].start, ends_at=instance.slots[i].end,
                       source=Assignment.Source.ROSTER) for i, uid in chosen if (i, uid) not in instance.keep])
        people = sorted({u for users in asked.values() for u in users})
        answers = (eligibility_for_positions(users=people, positions=list(positions.values()), explain=False)
                   if people else {})
        transaction.set_rollback(True)
    rows = []
    for i in open_slots:
        slot = instance.slots[i]
        refused = Counter(instance.refusals.get(i, {}))
        busy = Counter()
        for uid in asked[i]:
            answer = answers.get(slot.position_id, {}).get(uid)
            if answer is not None and answer.reason_codes:
                busy[answer.reason_codes[0]] += 1
        rows.append({"position": slot.position_id, "shift": slot.shift_id, "role": slot.role,
                     "open": slot.places - taken[i], "cleared": len(asked[i]),
                     "busy": [{"code": code, "count": count} for code, count in busy.most_common()],
                     "refused": [{"code": code, "count": count} for code, count in refused.most_common()],
                     "reasons": [{"code": code, "count": count} for code, count in (busy + refused).most_common()]})
    return rows


def _counts(rows: list[dict]) -> str:
    return ", ".join(f"{r['count']} {REASON_LABELS.get(r['code'], r['code'])}" for r in rows)


def reason_text(row: dict) -> str:
    """Why nobody takes an open place, in the engine's words: "Of 12 cleared for the role, all are taken by
    the roster or its limits: 7 on another shift at this time, 5 at their 7-day hours limit. The others
    cannot: 30 not cleared for this role." """
    busy, refused = row.get("busy"), row.get("refused")
    if busy is None:  # a row written before the split
        return _("Nobody can take it: %(reasons)s.") % {"reasons": _counts(row["reasons"])}
    parts = []
    if row["cleared"]:
        parts.append(_("Of %(n)s cleared for the role, all are taken by the roster or its limits: %(reasons)s.")
                     % {"n": row["cleared"], "reasons": _counts(busy)})
    else:
        parts.append(_("Nobody is cleared for it."))
    if refused:
        parts.append(_("The others cannot: %(reasons)s.") % {"reasons": _counts(refused)})
    return " ".join(parts)


# --- accepting -------------------------------------------------------------------------------------

# A proposal this small is applied within the request; a larger one (a month: about 20 s for 1,600
# assignments, each checked by the engine, written, audited and announced) by a worker.
ACCEPT_INLINE = 200
MESSAGE_SHIFTS = 20  # listed in a person's message; the rest are counted, and all are on My shifts


def roster_accept(*, by: User, run: RosterRun) -> RosterRun:
    """Accept a proposal: applied at once when small, otherwise handed to a worker (the run shows
    "Being applied" until it is done). See `_apply`."""
    from ..tasks import apply_roster

    require(can_manage_schedule(by, run.organization_id), _("Only a coordinator of this organization can do this."))
    with transaction.atomic():
        run = RosterRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RosterRun.Status.PROPOSED:
            raise ApplicationError(_("Only a proposal that is ready can be accepted."), code="not_proposed")
        if len(run.proposal) + len(run.releases) <= ACCEPT_INLINE:
            return _apply(run, by=by)
        RosterRun.objects.filter(pk=run.pk).update(status=RosterRun.Status.APPLYING, accepted_by=by, error="",
                                                   updated_at=timezone.now())
        audit(actor=by, action="scheduling.roster.accept_requested", target=run, organization=run.organization,
              after={"assignments": len(run.proposal), "released": len(run.releases)})
        enqueue_on_commit(apply_roster, run_id=run.pk)
    run.refresh_from_db()
    return run


def roster_apply(*, run_id: int) -> RosterRun | None:
    """The worker's part of accepting a large proposal. A failure leaves the proposal as it was, with the
    error shown, so the coordinator can accept again or run again."""
    run = RosterRun.objects.select_related("accepted_by").filter(pk=run_id).first()
    if run is None or run.status != RosterRun.Status.APPLYING:
        return None
    try:
        with transaction.atomic():
            run = RosterRun.objects.select_for_update(of=("self",)).select_related("accepted_by").get(pk=run_id)
            if run.status != RosterRun.Status.APPLYING:
                return None
            return _apply(run, by=run.accepted_by)
    except ApplicationError as exc:
        message = exc.message
    except Exception as exc:  # shown on the run; the worker carries on
        logger.exception("applying roster run %s failed", run_id)
        message = f"{type(exc).__name__}: {exc}"
    RosterRun.objects.filter(pk=run_id, status=RosterRun.Status.APPLYING).update(
        status=RosterRun.Status.PROPOSED, error=_("Applying the proposal failed, nothing was changed: %(m)s")
        % {"m": message}, updated_at=timezone.now())
    return RosterRun.objects.get(pk=run_id)


def _apply(run: RosterRun, *, by: User) -> RosterRun:
    """Apply a proposal in one transaction (the caller's, with the run locked), each assignment through
    the assignment service and so checked by the engine again (someone may have signed up meanwhile).
    What the engine now refuses is reported as a conflict, never overwritten. A repair is all or
    nothing: its moves belong together."""
    from ..services._common import locked_position, take_off_shift
    from ..services.assignments import _assign

    for assignment in Assignment.objects.filter(pk__in=run.releases, status=Assignment.Status.ASSIGNED) \
            .select_related("shift__team", "shift__organization", "position", "responder"):
        take_off_shift(assignment=assignment, by=by, reason=_("Moved by the call-out repair"))
    people = {u.pk: u for u in User.objects.filter(pk__in={item["responder"] for item in run.proposal})}
    positions = {p.pk: p for p in Position.objects.filter(pk__in={item["position"] for item in run.proposal})}
    applied, conflicts = 0, []
    made: dict[int, list[Assignment]] = defaultdict(list)
    for item in run.proposal:
        try:
            with transaction.atomic():
                position = locked_position(positions[item["position"]])
                assignment = _assign(by=by, position=position, responder=people[item["responder"]],
                                     source=Assignment.Source.ROSTER, announce=False)
            made[assignment.responder_id].append(assignment)
            applied += 1
        except ApplicationError as exc:
            conflicts.append({**item, "code": exc.code or "", "message": exc.message})
    if conflicts and run.kind == RosterRun.Kind.REPAIR:
        raise ApplicationError(_("The schedule changed since the proposal: %(message)s Run the repair again.")
                               % {"message": conflicts[0]["message"]}, code="conflict")
    _announce(run, made, people)
    RosterRun.objects.filter(pk=run.pk).update(
        status=RosterRun.Status.ACCEPTED, accepted_by=by, accepted_at=timezone.now(), conflicts=conflicts,
        stats={**run.stats, "applied": applied}, error="", updated_at=timezone.now())
    audit(actor=by, action="scheduling.roster.accepted", target=run, organization=run.organization,
          after={"applied": applied, "conflicts": len(conflicts), "released": len(run.releases)})
    run.refresh_from_db()
    return run


def _announce(run: RosterRun, made: dict[int, list[Assignment]], people: dict[int, User]) -> None:
    """One message per person with all their new shifts from this roster (a month is often a dozen:
    a text for each would be a dozen texts)."""
    link = reverse("scheduling:my-shifts")
    for uid, assignments in made.items():
        assignments.sort(key=lambda a: a.starts_at)
        shifts = [{"team": a.shift.team.name, "role": a.position.get_role_display(), "starts_at": a.starts_at,
                   "ends_at": a.ends_at} for a in assignments]
        notify(kind="scheduling.roster_assigned", to=people[uid], dedupe_key=f"roster-assigned:{run.pk}:{uid}",
               target=run, link=link, context={"count": len(shifts), "shifts": shifts[:MESSAGE_SHIFTS],
                                               "more": max(len(shifts) - MESSAGE_SHIFTS, 0),
                                               "first": shifts[0]["starts_at"], "last": shifts[-1]["starts_at"]})


def abandoned_runs_scan(*, now) -> int:
    """Fail runs a worker abandoned (running well past their time limit), and queued runs nobody took."""
    stuck = RosterRun.objects.filter(status=RosterRun.Status.RUNNING,
                                     started_at__lt=now - timedelta(seconds=settings.ROSTER["max_time_limit"] + 300),
                                     ).update(status=RosterRun.Status.FAILED, finished_at=now, updated_at=now,
                                              error=_("The solver stopped without an answer. Start the run again."))
    RosterRun.objects.filter(status=RosterRun.Status.APPLYING, updated_at__lt=now - timedelta(hours=1)).update(
        status=RosterRun.Status.PROPOSED, updated_at=now,
        error=_("Applying the proposal did not finish; nothing was changed. Accept it again."))
    lost = RosterRun.objects.filter(status=RosterRun.Status.QUEUED, created_at__lt=now - timedelta(hours=1)).update(
        status=RosterRun.Status.FAILED, finished_at=now, updated_at=now, error=_("The run was never started."))
    return stuck + lost

