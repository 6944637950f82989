"""Demo data for `seed_demo`: a schedule that has been running for months.

Two teams of the first nonprofit (day 10:00–18:00 and evening 18:00–02:00, every day) and a weekday
team of the second (09:00–17:00), each shift a team lead and a responder. Shifts run from the Monday
HISTORY_WEEKS weeks before this one to four weeks after next Monday; everything up to next week is
published. ROTA says who works which weekday; it keeps every rule of the eligibility engine (rest,
daily and weekly hours) and leaves a few places open. Past shifts were worked: check-in and
check-out a few minutes either side of the times, now and then a no-show; a shift under way has its
people checked in; this week's and next week's remaining shifts are staffed, with a few gaps (one
responder has approved time off next weekend). Every date is relative to today. Idempotent.

How it is written: teams, templates, shift generation, publication, time off and every assignment
to a shift still to come go through the services. Assignments to past shifts cannot (the service
refuses a shift that has started, and check-in is only open around its start): they are written
here with the model's manager, each one first asked of the eligibility engine as of the moment it
would have been made (a week before the shift, `check_eligibility(at=...)`), so the invariants
hold: no overlap, no position over-filled, readiness through the shift's end, rest and hour limits.
Their hours are check-out minus check-in. No audit events are written for that history.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.localtime import local_moment
from apps.core.models import Neighborhood

from . import services
from .eligibility import check_eligibility
from .models import Assignment, PositionRole, Shift, ShiftTemplate, Team, TeamType, TimeOff

ORG1 = "Neighborhood Peer Response Collective"
ORG2 = "Roxbury Community Wellness Partners"
HISTORY_WEEKS = 13
WEEKS_AHEAD = 4  # generated after next week, left as drafts
ASSIGNED_DAYS_BEFORE = 7
NO_SHOW_RATE = 0.05

# organization, its coordinator's demo key, team, zones, template: (name, start, end, weekdays)
TEAMS = [
    (ORG1, "coordinator", "Dorchester day team", ["Dorchester", "Mid-Dorchester"],
     ("Day", time(10, 0), time(18, 0), list(range(7)))),
    (ORG1, "coordinator", "Roxbury and South End evening team", ["Roxbury", "South End"],
     ("Evening", time(18, 0), time(2, 0), list(range(7)))),
    (ORG2, "coordinator2", "Mattapan and Hyde Park weekday team", ["Mattapan", "Hyde Park"],
     ("Weekday", time(9, 0), time(17, 0), list(range(5)))),
]

L, R = PositionRole.LEAD, PositionRole.RESPONDER
# team -> role -> weekday (Monday 0) -> demo user key. A weekday missing is an open place. Day and
# evening people never swap teams in a week (an evening ends at 02:00, ten hours' rest is 12:00),
# and nobody passes 40 hours in any seven days.
ROTA = {
    "Dorchester day team": {
        L: {0: "responder3", 1: "responder3", 2: "responder3", 3: "responder3", 4: "responder6", 5: "responder3",
            6: "responder5"},
        R: {0: "responder", 2: "responder", 3: "responder7", 4: "responder7", 5: "responder7", 6: "responder7"},
    },
    "Roxbury and South End evening team": {
        L: {0: "responder4", 1: "responder4", 2: "responder4", 3: "responder4", 4: "responder5", 5: "responder4",
            6: "responder6"},
        R: {0: "responder8", 1: "responder8", 2: "responder8", 3: "responder8", 4: "responder9", 5: "responder9"},
    },
    "Mattapan and Hyde Park weekday team": {
        L: {0: "responder10", 1: "responder10", 2: "responder10", 3: "responder10", 4: "responder10"},
        R: {0: "responder11", 1: "responder11", 2: "responder11", 3: "responder12"},
    },
}
# Next weekend off for Ana Lucía (approved), and a request of Fatima's waiting for a decision.
TIME_OFF = [("responder9", ORG1, 11, (4, time(12, 0)), (6, time(12, 0)), "Family wedding in Worcester", True),
            ("responder7", ORG1, 18, (3, time(0, 0)), (5, time(0, 0)), "Medical appointment", False)]


def _generate(*, coordinator, template: ShiftTemplate, start: date, end: date) -> None:
    while start <= end:  # the service takes at most three months at a time
        chunk_end = min(end, start + timedelta(days=84))
        services.shift_template_generate(by=coordinator, template=template, start=start, end=chunk_end)
        start = chunk_end + timedelta(days=1)


def _time_off(*, users, organizations, monday: date) -> None:
    for key, org_name, offset, (from_day, from_time), (to_day, to_time), reason, approve in TIME_OFF:
        person, organization = users.get(key), organizations.get(org_name)
        coordinator = users.get("coordinator")
        if person is None or organization is None or coordinator is None:
            continue
        if TimeOff.objects.filter(responder=person, reason=reason).exists():
            continue
        week = monday + timedelta(days=7 * (offset // 7))
        row = services.time_off_request(by=person, organization=organization,
                                        starts_at=local_moment(week + timedelta(days=from_day), from_time),
                                        ends_at=local_moment(week + timedelta(days=to_day), to_time), reason=reason)
        if approve:
            services.time_off_decide(by=coordinator, time_off=row, approve=True, note="Enjoy it.")


def _worked(*, shift: Shift, responder, rng: random.Random, now: datetime) -> dict:
    """The check-in and check-out of a past (or running) shift: a few minutes either side."""
    checked_in = shift.starts_at + timedelta(minutes=rng.randint(-12, 8))
    if shift.ends_at <= now:
        checked_out = shift.ends_at + timedelta(minutes=rng.randint(-3, 25))
        return {"status": Assignment.Status.COMPLETED, "checked_in_at": checked_in, "checked_out_at": checked_out}
    if checked_in <= now:
        return {"status": Assignment.Status.CHECKED_IN, "checked_in_at": checked_in}
    return {}


def _staff(*, team: Team, coordinator, users, first: date, last: date, now: datetime) -> tuple[int, int]:
    """Fill the team's published shifts that start in [first, last] from the rota. Returns
    (past assignments written, upcoming assignments made through the service)."""
    rota = ROTA[team.name]
    shifts = (Shift.objects.filter(team=team, status=Shift.Status.PUBLISHED,
                                   starts_at__gte=local_moment(first, time.min),
                                   starts_at__lt=local_moment(last + timedelta(days=1), time.min))
              .select_related("team__team_type", "organization").prefetch_related("positions").order_by("starts_at"))
    past = upcoming = 0
    history = []
    for shift in shifts:
        day = timezone.localtime(shift.starts_at).date()
        taken = set(Assignment.objects.filter(shift=shift).exclude(status=Assignment.Status.CANCELLED)
                    .values_list("position__role", flat=True))
        for position in sorted(shift.positions.all(), key=lambda p: p.role != L):  # the lead first
            key = rota.get(position.role, {}).get(day.weekday())
            person = users.get(key) if key else None
            if person is None or position.role in taken:
                continue
            position.shift = shift
            if shift.starts_at > now:
                try:
                    services.assignment_create(by=coordinator, position=position, responder=person)
                    upcoming += 1
                except ApplicationError:
                    pass  # time off, an expiring record: the place stays open, as it would
                continue
            assigned_at = shift.starts_at - timedelta(days=ASSIGNED_DAYS_BEFORE)
            if not check_eligibility(user=person, position=position, at=assigned_at).allowed:
                continue
            # Seeded by date, team and person: a run later today writes the same minutes.
            rng = random.Random(f"{day.isoformat()}:{team.name}:{key}")  # noqa: S311 - demo data, not secrets
            if position.role != L and shift.ends_at <= now and rng.random() < NO_SHOW_RATE:
                fields = {"status": Assignment.Status.NO_SHOW}
            else:
                fields = _worked(shift=shift, responder=person, rng=rng, now=now)
            assignment = Assignment.objects.create(
                position=position, shift=shift, responder=person, starts_at=shift.starts_at, ends_at=shift.ends_at,
                source=Assignment.Source.COORDINATOR, assigned_by=coordinator, **fields)
            history.append((assignment.pk, assigned_at))
            past += 1
    for pk, assigned_at in history:
        Assignment.objects.filter(pk=pk).update(created_at=assigned_at)
    return past, upcoming


def seed(*, users, organizations, stdout) -> None:
    team_type = TeamType.objects.get(key="community-responder")
    now = timezone.now()
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    next_monday = this_monday + timedelta(days=7)
    first = this_monday - timedelta(days=7 * HISTORY_WEEKS)
    last = next_monday + timedelta(days=7 * WEEKS_AHEAD - 1)
    _time_off(users=users, organizations=organizations, monday=this_monday)
    past = upcoming = 0
    for org_name, coordinator_key, name, zone_names, (label, start, end, weekdays) in TEAMS:
        organization, coordinator = organizations.get(org_name), users.get(coordinator_key)
        if organization is None or coordinator is None:
            continue
        zones = list(Neighborhood.objects.filter(name__in=zone_names))
        team = Team.objects.filter(organization=organization, name=name).first() or services.team_create(
            by=coordinator, organization=organization, team_type=team_type, name=name, zones=zones)
        template = ShiftTemplate.objects.filter(team=team, name=label).first() or services.shift_template_create(
            by=coordinator, team=team, name=label, start_time=start, end_time=end, weekdays=weekdays, zones=zones)
        _generate(coordinator=coordinator, template=template, start=first, end=last)
        week = first
        while week <= next_monday:
            if services.shifts_publish_week(by=coordinator, team=team, week_start=week) and week < this_monday:
                # Published on the Friday two weeks before, like the coordinators do.
                Shift.objects.filter(team=team, starts_at__gte=local_moment(week, time.min),
                                     starts_at__lt=local_moment(week + timedelta(days=7), time.min)).update(
                    published_at=local_moment(week - timedelta(days=10), time(16, 0)))
            week += timedelta(days=7)
        done = _staff(team=team, coordinator=coordinator, users=users, first=first,
                      last=next_monday + timedelta(days=6), now=now)
        past, upcoming = past + done[0], upcoming + done[1]
    stdout.write(f"  scheduling: 3 teams, shifts from {first:%Y-%m-%d} to {last:%Y-%m-%d} (published through "
                 f"next week), {past} assignments worked or under way, {upcoming} made for this week and next")
