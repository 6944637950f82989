"""The eligibility engine: the one place that decides whether a person may fill a shift position.

Coordinator assignment, self sign-up, swaps, the open-shifts list and (later) the auto-roster all
ask `check_eligibility`, `eligibility_batch` or `eligibility_for_positions`; nothing else
re-implements a rule.

Rules, each with a stable reason code:
- not_member: the person is not an active responder of the shift's organization.
- not_ready: the training readiness engine does not clear them through the shift's end.
- role_not_qualified: cleared for duty, but not for this position's role (a lead position needs
  the team-lead requirement; a responder position is not for someone cleared only as a trainee).
- overlap: another active assignment (in any organization) overlaps the shift.
- rest: less than the minimum rest (default 10 h) between this shift and another.
- daily_hours: more than the daily maximum (default 12 h) in one local calendar day.
- weekly_hours: more than the maximum (default 40 h) in some rolling 7 days.
- time_off: approved time off overlaps the shift.
- unavailable: the person gave weekly availability and the shift falls outside it.
- already_on_shift: they already hold a position on this shift.
- composition: a trainee position can be filled only once a non-trainee (a lead, where the team
  type needs one) is on the shift — the team is never all trainees.
- position_full: every place of the position is taken.
- shift_cancelled / shift_started: the shift cannot take anyone any more.

The last-lead rule (`lead_missing_after`) guards the other direction: people leaving a shift must
not leave the others on it without a lead.

A coordinator may override rest, hours and availability with a written reason (the service
audits it). Overlap, readiness and everything else can never be overridden.

The batch forms run a fixed number of queries (nine: five for the scheduling facts, four for the
training facts) whatever the number of people and positions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.training.readiness import Readiness, ReadinessCode, ReadinessFacts

from .eligibility_rules import (
    WEEK,
    availability_covers,
    availability_text,
    hours_text,
    max_daily_hours,
    max_weekly_hours,
    span_text,
    utc,
)
from .models import Assignment, Availability, Position, PositionRole, SchedulingPolicy, Shift, TimeOff

DEFAULT_MIN_REST_HOURS = 10
DEFAULT_MAX_DAILY_HOURS = 12
DEFAULT_MAX_WEEKLY_HOURS = 40


class EligibilityCode:
    """Reason codes. Stable strings: the API, pages and tests rely on them."""

    NOT_MEMBER = "not_member"
    NOT_READY = "not_ready"
    ROLE_NOT_QUALIFIED = "role_not_qualified"
    OVERLAP = "overlap"
    REST = "rest"
    DAILY_HOURS = "daily_hours"
    WEEKLY_HOURS = "weekly_hours"
    TIME_OFF = "time_off"
    UNAVAILABLE = "unavailable"
    ALREADY_ON_SHIFT = "already_on_shift"
    COMPOSITION = "composition"
    POSITION_FULL = "position_full"
    SHIFT_CANCELLED = "shift_cancelled"
    SHIFT_STARTED = "shift_started"
    # Not a reason to refuse a person: the code of the last-lead rule's refusal (`lead_missing_after`).
    LAST_LEAD = "last_lead"


# What a coordinator may override, with a written reason. Never overlap, never readiness.
OVERRIDABLE = frozenset({EligibilityCode.REST, EligibilityCode.DAILY_HOURS, EligibilityCode.WEEKLY_HOURS,
                         EligibilityCode.UNAVAILABLE})

# When a position's own role is not cleared, the role one step down tells "not qualified for this
# role" apart from "not cleared at all".
_FALLBACK_ROLE = {"team_lead": "responder", "responder": "trainee"}


@dataclass(frozen=True)
class EligibilityReason:
    code: str
    message: str
    overridable: bool = False
    details: tuple[str, ...] = ()  # the cause: what training is missing, or the work or time off in the way

    @property
    def is_training(self) -> bool:
        """The details say what training is missing (otherwise: what is in the way, and when)."""
        return self.code in (EligibilityCode.NOT_READY, EligibilityCode.ROLE_NOT_QUALIFIED)

    def __iter__(self):
        yield self.code
        yield self.message


@dataclass(frozen=True)
class Eligibility:
    user_id: int
    position_id: int
    allowed: bool
    reasons: tuple[EligibilityReason, ...] = ()
    overridden: tuple[str, ...] = ()
    readiness: Readiness | None = field(default=None, compare=False)

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    @property
    def message(self) -> str:
        # With the training engine's details: a refusal shown as one line still says what is missing.
        return " ".join(" ".join((r.message, *r.details)) for r in self.reasons)

    @property
    def needs_override_only(self) -> bool:
        """Refused only for reasons a coordinator may override."""
        return bool(self.reasons) and all(r.overridable for r in self.reasons)


@dataclass(frozen=True)
class Policy:
    min_rest_hours: int = DEFAULT_MIN_REST_HOURS
    max_daily_hours: int = DEFAULT_MAX_DAILY_HOURS
    max_weekly_hours: int = DEFAULT_MAX_WEEKLY_HOURS
    swap_requires_approval: bool = True


def policy_for(organization_id: int) -> Policy:
    row = SchedulingPolicy.objects.filter(organization_id=organization_id).first()
    if row is None:
        return Policy()
    return Policy(min_rest_hours=row.min_rest_hours, max_daily_hours=row.max_daily_hours,
                  max_weekly_hours=row.max_weekly_hours, swap_requires_approval=row.swap_requires_approval)


# --- the engine ----------------------------------------------------------------------------------

def _user_id(user) -> int:
    return user if isinstance(user, int) else user.pk


@dataclass
class _Facts:
    """What the rules need, fetched in a fixed number of queries."""

    policies: dict[int, Policy]
    on_shift: dict[int, list[tuple[int, int, str]]]  # shift id -> (position id, responder id, role)
    others: dict[int, list[tuple[int, datetime, datetime]]]  # responder id -> (assignment id, start, end)
    time_off: dict[int, list[tuple[datetime, datetime]]]
    availability: dict[int, list[Availability]]


def _policies(organization_ids: set[int]) -> dict[int, Policy]:
    found = {row.organization_id: Policy(min_rest_hours=row.min_rest_hours, max_daily_hours=row.max_daily_hours,
                                         max_weekly_hours=row.max_weekly_hours,
                                         swap_requires_approval=row.swap_requires_approval)
             for row in SchedulingPolicy.objects.filter(organization_id__in=organization_ids)}
    return {oid: found.get(oid, Policy()) for oid in organization_ids}


def _gather(*, user_ids: list[int], shifts: list[Shift]) -> _Facts:
    policies = _policies({s.organization_id for s in shifts})
    horizon = max([timedelta(hours=p.min_rest_hours) for p in policies.values()] + [WEEK])
    first, last = min(s.starts_at for s in shifts), max(s.ends_at for s in shifts)
    on_shift: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for assignment_id, shift_id, position_id, responder_id, role in (
            Assignment.objects.filter(shift_id__in=[s.pk for s in shifts], status__in=Assignment.ACTIVE)
            .values_list("id", "shift_id", "position_id", "responder_id", "position__role")):
        on_shift[shift_id].append((assignment_id, position_id, responder_id, role))
    others: dict[int, list[tuple[int, datetime, datetime]]] = defaultdict(list)
    for assignment_id, uid, s, e in (Assignment.objects.filter(
            responder_id__in=user_ids, status__in=Assignment.ACTIVE, starts_at__lt=last + horizon,
            ends_at__gt=first - horizon).values_list("id", "responder_id", "starts_at", "ends_at")):
        others[uid].append((assignment_id, s, e))
    time_off: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for uid, s, e in TimeOff.objects.filter(responder_id__in=user_ids, status=TimeOff.Status.APPROVED,
                                            starts_at__lt=last, ends_at__gt=first).values_list(
            "responder_id", "starts_at", "ends_at"):
        time_off[uid].append((s, e))
    availability: dict[int, list[Availability]] = defaultdict(list)
    for row in Availability.objects.filter(responder_id__in=user_ids):
        availability[row.responder_id].append(row)
    return _Facts(policies=policies, on_shift=on_shift, others=others, time_off=time_off, availability=availability)


def _roles_needed(roles: Iterable[str]) -> tuple[str, ...]:
    """The readiness roles to ask: each position's own, and the role one step down (it tells "not
    qualified for this role" apart from "not cleared at all")."""
    needed = set()
    for role in roles:
        needed.add(role)
        if role in _FALLBACK_ROLE:
            needed.add(_FALLBACK_ROLE[role])
    return tuple(sorted(needed))


def _readiness_end(position: Position, at: datetime) -> datetime:
    """Readiness is asked from `at` through the shift's end; for a shift that has already ended (its
    page, a timesheet correction, an audit of who was cleared) the question is readiness now."""
    return max(position.shift.ends_at, at)


def _readiness_by_position(*, user_ids: list[int], positions: list[Position], at: datetime,
                           ) -> dict[int, tuple[dict[int, Readiness], dict[int, Readiness]]]:
    """Readiness for each position's role and its fallback, through the shift's end: the training
    engine's facts are read once for every organization, role and end (four queries), and each
    (organization, role, end) is decided once."""
    facts = ReadinessFacts(groups={p.shift.organization_id: user_ids for p in positions}, at=at,
                           until=max(_readiness_end(p, at) for p in positions),
                           roles=_roles_needed(p.readiness_role for p in positions))
    decided: dict[tuple[int, str, datetime], dict[int, Readiness]] = {}

    def answer(organization_id: int, role: str, end: datetime) -> dict[int, Readiness]:
        key = (organization_id, role, end)
        if key not in decided:
            decided[key] = facts.answer(organization=organization_id, role=role, through=end)
        return decided[key]

    found = {}
    for p in positions:
        organization_id, end = p.shift.organization_id, _readiness_end(p, at)
        fallback_role = _FALLBACK_ROLE.get(p.readiness_role)
        found[p.pk] = (answer(organization_id, p.readiness_role, end),
                       answer(organization_id, fallback_role, end) if fallback_role else {})
    return found


def _evaluate(*, uid: int, position: Position, at: datetime, overrides: frozenset[str], facts: _Facts,
              readiness: Readiness, fallback: Readiness | None, replacing_id: int | None,
              explain: bool = True) -> Eligibility:
    """`explain=False`: the reason codes only, without their messages and details (what the
    auto-roster needs of a hundred thousand pairs; building the words was half the time)."""
    shift: Shift = position.shift
    team_type = shift.team.team_type
    start, end = utc(shift.starts_at), utc(shift.ends_at)
    policy = facts.policies[shift.organization_id]
    on_shift = [row for row in facts.on_shift.get(shift.pk, []) if row[0] != replacing_id]
    reasons: list[EligibilityReason] = []
    used: list[str] = []

    def refuse(code: str, message, details=()) -> None:
        """`message` and `details` are callables, called only when the words are wanted."""
        if code in overrides:
            used.append(code)
        elif explain:
            reasons.append(EligibilityReason(code, message(), overridable=code in OVERRIDABLE,
                                             details=details() if callable(details) else details))
        else:
            reasons.append(EligibilityReason(code, "", overridable=code in OVERRIDABLE))

    if shift.status == Shift.Status.CANCELLED:
        refuse(EligibilityCode.SHIFT_CANCELLED, lambda: _("The shift is cancelled."))
    elif start <= at:
        refuse(EligibilityCode.SHIFT_STARTED, lambda: _("The shift has already started."))

    if ReadinessCode.NOT_RESPONDER in readiness.reason_codes:
        refuse(EligibilityCode.NOT_MEMBER,
               lambda: _("Not an active responder of %(org)s.") % {"org": shift.organization.name})
    elif not readiness.cleared:
        def details():
            return tuple(reason.message for reason in readiness.reasons)

        if fallback is not None and fallback.cleared:
            refuse(EligibilityCode.ROLE_NOT_QUALIFIED,
                   lambda: _("Cleared for duty only as %(cleared)s, not for the %(role)s position.")
                   % {"cleared": PositionRole(fallback.role).label, "role": PositionRole(position.role).label}, details)
        else:
            refuse(EligibilityCode.NOT_READY,
                   lambda: _("Training does not clear this person through the end of the shift."), details)

    mine = [(utc(s), utc(e)) for aid, s, e in facts.others.get(uid, []) if aid != replacing_id]
    overlapping = sorted((s, e) for s, e in mine if s < end and e > start)
    if overlapping:
        refuse(EligibilityCode.OVERLAP, lambda: _("Already assigned to another shift at this time."),
               lambda: tuple(_("Assigned %(span)s.") % {"span": span_text(s, e)} for s, e in overlapping))
    rest = timedelta(hours=policy.min_rest_hours)
    too_close = sorted((s, e) for s, e in mine
                       if (timedelta(0) <= start - e < rest) or (timedelta(0) <= s - end < rest))
    if too_close:
        refuse(EligibilityCode.REST,
               lambda: _("Less than %(h)s hours of rest between shifts.") % {"h": policy.min_rest_hours},
               lambda: tuple(_("Assigned %(span)s.") % {"span": span_text(s, e)} for s, e in too_close))
    # Only work within a week of the shift can share a day or a 7-day window with it.
    apart = [(s, e) for s, e in mine if not (s < end and e > start) and s < end + WEEK and e > start - WEEK]
    daily = max_daily_hours((start, end), apart)
    if daily > policy.max_daily_hours:
        refuse(EligibilityCode.DAILY_HOURS, lambda: _("%(h)s hours in one day; the limit is %(max)s.")
               % {"h": hours_text(daily), "max": policy.max_daily_hours})
    weekly = max_weekly_hours((start, end), apart)
    if weekly > policy.max_weekly_hours:
        refuse(EligibilityCode.WEEKLY_HOURS, lambda: _("%(h)s hours in 7 days; the limit is %(max)s.")
               % {"h": hours_text(weekly), "max": policy.max_weekly_hours})
    away = sorted((s, e) for s, e in facts.time_off.get(uid, []) if s < end and e > start)
    if away:
        refuse(EligibilityCode.TIME_OFF, lambda: _("Approved time off overlaps the shift."),
               lambda: tuple(_("Time off %(span)s.") % {"span": span_text(s, e)} for s, e in away))
    rows = facts.availability.get(uid)
    if rows and not availability_covers(rows, start, end):
        refuse(EligibilityCode.UNAVAILABLE, lambda: _("Outside the weekly availability this person gave."),
               lambda: availability_text(rows, start, end))

    if any(responder_id == uid for _, _, responder_id, _ in on_shift):
        refuse(EligibilityCode.ALREADY_ON_SHIFT, lambda: _("Already holds a position on this shift."))
    if position.role == PositionRole.TRAINEE and not team_type.allow_all_trainees:
        roles = [role for *_, role in on_shift]
        if team_type.requires_lead:
            covered = PositionRole.LEAD in roles
            message = lambda: _("A trainee can join only once a team lead is on the shift.")  # noqa: E731
        else:
            covered = any(role != PositionRole.TRAINEE for role in roles)
            message = lambda: _("A trainee can join only once someone who is not a trainee is on the shift.")  # noqa: E731
        if not covered:
            refuse(EligibilityCode.COMPOSITION, message)
    if sum(1 for _, pid, _, _ in on_shift if pid == position.pk) >= position.count:
        refuse(EligibilityCode.POSITION_FULL, lambda: _("Every place of this position is taken."))

    return Eligibility(user_id=uid, position_id=position.pk, allowed=not reasons, reasons=tuple(reasons),
                       overridden=tuple(used), readiness=readiness)


def lead_missing_after(*, shift: Shift, leaving: Iterable[int] = (), joining_roles: Iterable[str] = (),
                       at: datetime | None = None) -> bool:
    """The last-lead rule, beside the composition rule above: would this change take the last lead
    away from a published, unfinished shift that still has people on it, when its team type needs
    a lead? `leaving`: the assignment ids that stop counting; `joining_roles`: the position
    roles of assignments the change adds (a swap's taker). One query.

    Cancelling, self-cancelling, handing over in a swap and recording a no-show all ask this before
    they write; what happens next (refuse, or proceed on a coordinator's written reason and alert the
    coordinators) is the service's."""
    at = at or timezone.now()
    if shift.status != Shift.Status.PUBLISHED or utc(shift.ends_at) <= utc(at):
        return False
    if not shift.team.team_type.requires_lead:
        return False
    leaving = set(leaving)
    before = list(Assignment.objects.filter(shift_id=shift.pk, status__in=Assignment.ACTIVE)
                  .values_list("id", "position__role"))
    after = [role for pk, role in before if pk not in leaving] + list(joining_roles)
    # Only a change that takes the last lead away: a shift that had no lead yet is the unfilled
    # positions scan's business, not this rule's.
    had_lead = any(role == PositionRole.LEAD for _pk, role in before)
    return had_lead and bool(after) and PositionRole.LEAD not in after


def eligibility_for_positions(*, users: Iterable, positions: Iterable[Position], at: datetime | None = None,
                              overrides: Iterable[str] = frozenset(), replacing: Assignment | None = None,
                              explain: bool = True) -> dict[int, dict[int, Eligibility]]:
    """Eligibility of many people (Users or ids) for each of some positions, keyed by position id then
    user id (the shift page's candidate lists). The scheduling and training facts are read once for
    all of them, so the query count grows with neither the people nor the positions (pass positions
    with `shift__team__team_type` and `shift__organization` selected).

    `replacing`: the assignment a swap hands over; its place and its holder's time do not count.
    `explain=False`: reason codes without their words (the auto-roster)."""
    at = at or timezone.now()
    overrides = frozenset(overrides) & OVERRIDABLE
    positions = list(positions)
    user_ids = list(dict.fromkeys(_user_id(u) for u in users))
    if not user_ids or not positions:
        return {p.pk: {} for p in positions}
    facts = _gather(user_ids=user_ids, shifts=list({p.shift_id: p.shift for p in positions}.values()))
    readiness = _readiness_by_position(user_ids=user_ids, positions=positions, at=at)
    replacing_id = replacing.pk if replacing is not None else None
    results = {}
    for p in positions:
        ready, fallback = readiness[p.pk]
        results[p.pk] = {uid: _evaluate(uid=uid, position=p, at=at, overrides=overrides, facts=facts,
                                        readiness=ready[uid], fallback=fallback.get(uid), replacing_id=replacing_id,
                                        explain=explain)
                         for uid in user_ids}
    return results


def eligibility_batch(*, users: Iterable, position: Position, at: datetime | None = None,
                      overrides: Iterable[str] = frozenset(), replacing: Assignment | None = None,
                      ) -> dict[int, Eligibility]:
    """Eligibility of many people (Users or ids) for one position, in a fixed number of queries
    (pass the position with `shift__team__team_type` and `shift__organization` selected).

    `replacing`: the assignment a swap hands over; its place and its holder's time do not count."""
    return eligibility_for_positions(users=users, positions=[position], at=at, overrides=overrides,
                                     replacing=replacing)[position.pk]


def check_eligibility(*, user, position: Position, at: datetime | None = None,
                      overrides: Iterable[str] = frozenset(), replacing: Assignment | None = None) -> Eligibility:
    """May `user` fill `position`? Allowed, or the reasons (codes and messages) why not."""
    return eligibility_batch(users=[user], position=position, at=at, overrides=overrides,
                             replacing=replacing)[_user_id(user)]


def positions_for_user(*, user, positions: list[Position], at: datetime | None = None) -> dict[int, Eligibility]:
    """One person's eligibility for many positions (the open-shifts page), keyed by position id.

    The training facts are read once (four queries) for every organization, role and shift end, so
    the page runs a fixed number of queries however many rows; see `_ReadinessThroughEnds` for how
    few ends it decides."""
    at = at or timezone.now()
    if not positions:
        return {}
    uid = _user_id(user)
    facts = _gather(user_ids=[uid], shifts=list({p.shift_id: p.shift for p in positions}.values()))
    readiness = _ReadinessThroughEnds(uid=uid, positions=positions, at=at)
    results = {}
    for p in positions:
        organization_id, end = p.shift.organization_id, _readiness_end(p, at)
        ready = readiness.verdict(organization_id, p.readiness_role, end)
        fallback_role = _FALLBACK_ROLE.get(p.readiness_role)
        fallback = (readiness.verdict(organization_id, fallback_role, end) if fallback_role and not ready.cleared
                    else None)
        results[p.pk] = _evaluate(uid=uid, position=p, at=at, overrides=frozenset(), facts=facts,
                                  readiness=ready, fallback=fallback, replacing_id=None)
    return results


class _ReadinessThroughEnds:
    """One person's readiness for many shift ends from one read of the training facts. Deciding is
    cheap but not free, so per (organization, role) it decides through the latest end and the
    earliest first: under one requirement version, cleared through a later end means cleared
    through an earlier one, and not cleared through an earlier end means not through a later one.
    Only an end those two do not settle (a record lapsing in between, or another requirement
    version in force) is decided on its own."""

    def __init__(self, *, uid: int, positions: list[Position], at: datetime):
        self.uid = uid
        self.facts = ReadinessFacts(groups={p.shift.organization_id: [uid] for p in positions}, at=at,
                                    until=max(_readiness_end(p, at) for p in positions),
                                    roles=_roles_needed(p.readiness_role for p in positions))
        ends: dict[int, list[datetime]] = defaultdict(list)
        for p in positions:
            ends[p.shift.organization_id].append(_readiness_end(p, at))
        self.bounds = {org_id: (min(values), max(values)) for org_id, values in ends.items()}
        self._decided: dict[tuple[int, str, datetime], Readiness] = {}
        self._requirements: dict[tuple[int, str, datetime], object] = {}

    def _requirement(self, organization_id: int, role: str, end: datetime):
        key = (organization_id, role, end)
        if key not in self._requirements:
            self._requirements[key] = self.facts.requirement(organization_id, role, end)
        return self._requirements[key]

    def _through(self, organization_id: int, role: str, end: datetime) -> Readiness:
        key = (organization_id, role, end)
        if key not in self._decided:
            self._decided[key] = self.facts.answer(organization=organization_id, role=role, through=end)[self.uid]
        return self._decided[key]

    def verdict(self, organization_id: int, role: str, end: datetime) -> Readiness:
        earliest, latest = self.bounds[organization_id]
        requirement = self._requirement(organization_id, role, end)
        if self._requirement(organization_id, role, latest) == requirement:
            at_latest = self._through(organization_id, role, latest)
            if at_latest.cleared:
                return at_latest
        if self._requirement(organization_id, role, earliest) == requirement:
            at_earliest = self._through(organization_id, role, earliest)
            if not at_earliest.cleared:
                return at_earliest
        return self._through(organization_id, role, end)

