"""The roster problem read from the database: the open places, the people, and who may take which place,
as the eligibility engine answers it. Plain data afterwards, so the solver, the greedy baseline and the
tests' brute force all work on the same thing without the database."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.core.localtime import local_moment

from ..eligibility import EligibilityCode, Policy, eligibility_for_positions, policy_for
from ..eligibility_rules import WEEK, utc
from ..models import Assignment, Position, PositionRole, Shift

# Refusals that depend on what else the roster gives: the model decides them, so a person refused
# only for these is still a candidate. Everything else the engine says is final.
MODEL_DECIDES = frozenset({EligibilityCode.COMPOSITION})


@dataclass(frozen=True)
class Slot:
    """One position with open places."""

    position_id: int
    shift_id: int
    role: str
    places: int
    start: datetime  # UTC
    end: datetime
    team_id: int
    template_id: int | None
    zone_ids: frozenset[int]
    language_ids: frozenset[int]
    needs_lead: bool  # a trainee here needs a lead on the shift (the team type asks for one)
    needs_non_trainee: bool  # a trainee here needs someone who is not a trainee on the shift
    lead_present: bool
    non_trainee_present: bool

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def interval(self) -> tuple[datetime, datetime]:
        return self.start, self.end


@dataclass
class Person:
    user_id: int
    name: str
    target_minutes: int  # over the run's period
    existing: list[tuple[datetime, datetime]]  # active assignments (any organization) near the period, UTC
    period_minutes: int  # of those, minutes inside the period
    preferred_zones: frozenset[int] = frozenset()
    languages: frozenset[int] = frozenset()
    preferred_templates: frozenset[int] = frozenset()
    avoided_templates: frozenset[int] = frozenset()


@dataclass
class Instance:
    organization_id: int
    policy: Policy
    period: tuple[datetime, datetime]
    slots: list[Slot]
    people: dict[int, Person]
    candidates: dict[int, list[int]]  # slot index -> user ids the engine allows (up to the model's rules)
    refusals: dict[int, Counter]  # slot index -> reason code -> people refused for it (their first reason)
    keep: dict[tuple[int, int], int] = field(default_factory=dict)  # repair: (slot, user) -> assignment held
    released: list[int] = field(default_factory=list)  # repair: assignment ids the proposal may replace

    @property
    def places(self) -> int:
        return sum(s.places for s in self.slots)

    def pairs(self) -> int:
        return sum(len(v) for v in self.candidates.values())


def period_bounds(starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    return utc(local_moment(starts_on)), utc(local_moment(ends_on + timedelta(days=1)))


def _open_positions(*, team_ids: list[int], start: datetime, end: datetime, at: datetime,
                    only: set[int] | None = None):
    active = Q(assignments__status__in=Assignment.ACTIVE)
    rows = Position.objects.all() if only is None else Position.objects.filter(pk__in=only)
    return list(rows.filter(
        shift__team_id__in=team_ids, shift__status__in=[Shift.Status.DRAFT, Shift.Status.PUBLISHED],
        shift__starts_at__gte=max(start, at), shift__starts_at__lt=end)
        .annotate(taken=Count("assignments", filter=active))
        .select_related("shift__team__team_type", "shift__organization")
        .order_by("shift__starts_at", "shift_id", "id"))


def _shift_facts(shift_ids: list[int]) -> tuple[dict, dict, dict]:
    roles: dict[int, list[str]] = defaultdict(list)
    for shift_id, role in Assignment.objects.filter(shift_id__in=shift_ids, status__in=Assignment.ACTIVE).values_list(
            "shift_id", "position__role"):
        roles[shift_id].append(role)
    zones: dict[int, set[int]] = defaultdict(set)
    for shift_id, zone_id in Shift.zones.through.objects.filter(shift_id__in=shift_ids).values_list(
            "shift_id", "neighborhood_id"):
        zones[shift_id].add(zone_id)
    languages: dict[int, set[int]] = defaultdict(set)
    for shift_id, language_id in Shift.desired_languages.through.objects.filter(shift_id__in=shift_ids).values_list(
            "shift_id", "language_id"):
        languages[shift_id].add(language_id)
    return roles, zones, languages


def _people(organization_id: int, *, period: tuple[datetime, datetime], horizon: timedelta) -> dict[int, Person]:
    from .models import RosterProfile

    start, end = period
    rows = (Membership.objects.filter(organization_id=organization_id, role=Role.RESPONDER, is_active=True,
                                      user__is_active=True)
            .values_list("user_id", "user__full_name", "user__email").order_by("user_id").distinct())
    default_weekly = settings.ROSTER["default_weekly_hours"]
    days = (end - start).total_seconds() / 86400
    profiles = {p.user_id: p for p in RosterProfile.objects.filter(organization_id=organization_id)
                .prefetch_related("preferred_zones", "languages", "preferred_templates", "avoided_templates")}
    people = {}
    for uid, name, email in rows:
        profile = profiles.get(uid)
        weekly = profile.weekly_hours if profile and profile.weekly_hours is not None else default_weekly
        people[uid] = Person(
            user_id=uid, name=name or email, target_minutes=round(weekly * 60 * days / 7), existing=[],
            period_minutes=0,
            preferred_zones=frozenset(z.pk for z in profile.preferred_zones.all()) if profile else frozenset(),
            languages=frozenset(x.pk for x in profile.languages.all()) if profile else frozenset(),
            preferred_templates=frozenset(t.pk for t in profile.preferred_templates.all()) if profile else frozenset(),
            avoided_templates=frozenset(t.pk for t in profile.avoided_templates.all()) if profile else frozenset())
    for uid, s, e in Assignment.objects.filter(responder_id__in=list(people), status__in=Assignment.ACTIVE,
                                               starts_at__lt=end + horizon, ends_at__gt=start - horizon).values_list(
            "responder_id", "starts_at", "ends_at"):
        s, e = utc(s), utc(e)
        person = people[uid]
        person.existing.append((s, e))
        overlap = (min(e, end) - max(s, start)).total_seconds()
        if overlap > 0:
            person.period_minutes += int(overlap // 60)
    return people


def build_instance(*, organization_id: int, team_ids: list[int], starts_on: date, ends_on: date, at: datetime,
                   release: list[int] = (), only_positions: set[int] | None = None) -> Instance:
    """Read the problem. `release`: assignments a repair may replace; they are read as if cancelled
    (inside a savepoint that is rolled back, so the engine itself answers without them).
    `only_positions`: a repair's places (the call-out's and those of what it may move)."""
    period = period_bounds(starts_on, ends_on)
    policy = policy_for(organization_id)
    horizon = max(timedelta(hours=policy.min_rest_hours), WEEK)
    with transaction.atomic():
        held = {}
        if release:
            held = {(pid, uid): aid for aid, pid, uid in Assignment.objects.filter(pk__in=release).values_list(
                "id", "position_id", "responder_id")}
            Assignment.objects.filter(pk__in=release).update(status=Assignment.Status.CANCELLED)
        positions = [p for p in _open_positions(team_ids=team_ids, start=period[0], end=period[1], at=at,
                                                only=only_positions) if p.taken < p.count]
        people = _people(organization_id, period=period, horizon=horizon)
        answers = (eligibility_for_positions(users=list(people), positions=positions, at=at, explain=False)
                   if positions and people else {})
        roles, zones, languages = _shift_facts([p.shift_id for p in positions])
        transaction.set_rollback(True)
    slots, candidates, refusals, keep = [], {}, {}, {}
    for position in positions:
        shift = position.shift
        team_type = shift.team.team_type
        present = roles.get(shift.pk, [])
        slot = Slot(position_id=position.pk, shift_id=shift.pk, role=position.role,
                    places=position.count - position.taken,
                    start=utc(shift.starts_at), end=utc(shift.ends_at), team_id=shift.team_id,
                    template_id=shift.template_id, zone_ids=frozenset(zones.get(shift.pk, ())),
                    language_ids=frozenset(languages.get(shift.pk, ())),
                    needs_lead=position.role == PositionRole.TRAINEE and not team_type.allow_all_trainees
                    and team_type.requires_lead,
                    needs_non_trainee=position.role == PositionRole.TRAINEE and not team_type.allow_all_trainees
                    and not team_type.requires_lead,
                    lead_present=PositionRole.LEAD in present,
                    non_trainee_present=any(r != PositionRole.TRAINEE for r in present))
        index = len(slots)
        slots.append(slot)
        allowed, refused = [], Counter()
        for uid, answer in answers.get(position.pk, {}).items():
            codes = set(answer.reason_codes)
            if answer.allowed or codes <= MODEL_DECIDES:
                allowed.append(uid)
            else:
                refused[answer.reason_codes[0]] += 1
            if (position.pk, uid) in held:
                keep[(index, uid)] = held[(position.pk, uid)]
        candidates[index] = allowed
        refusals[index] = refused
    return Instance(organization_id=organization_id, policy=policy, period=period, slots=slots, people=people,
                    candidates=candidates, refusals=refusals, keep=keep, released=list(release))
