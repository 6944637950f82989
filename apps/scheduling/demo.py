"""Demo data for `seed_demo`: two community-responder teams of the coordinator's nonprofit, day
and evening templates, four weeks of shifts from next Monday (the first week published), and a
couple of assignments for Riley (the cleared demo responder). Idempotent."""

from datetime import time, timedelta

from django.utils import timezone

from apps.core.models import Neighborhood

from . import services
from .models import Assignment, PositionRole, Shift, ShiftTemplate, Team, TeamType

TEAMS = [
    ("Dorchester day team", ["Dorchester", "Mid-Dorchester"],
     [("Day", time(10, 0), time(18, 0))]),
    ("Roxbury and South End evening team", ["Roxbury", "South End"],
     [("Evening", time(18, 0), time(2, 0))]),
]


def seed(*, users, organizations, stdout) -> None:
    org = organizations["Neighborhood Peer Response Collective"]
    coordinator, riley = users["coordinator"], users["responder"]
    team_type = TeamType.objects.get(key="community-responder")
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    first_shifts = []
    for name, zone_names, templates in TEAMS:
        zones = list(Neighborhood.objects.filter(name__in=zone_names))
        team = Team.objects.filter(organization=org, name=name).first() or services.team_create(
            by=coordinator, organization=org, team_type=team_type, name=name, zones=zones)
        for label, start, end in templates:
            template = ShiftTemplate.objects.filter(team=team, name=label).first() or services.shift_template_create(
                by=coordinator, team=team, name=label, start_time=start, end_time=end, weekdays=list(range(7)),
                zones=zones)
            services.shift_template_generate(by=coordinator, template=template, start=monday,
                                             end=monday + timedelta(days=27))
        services.shifts_publish_week(by=coordinator, team=team, week_start=monday)
        first_shifts.append(Shift.objects.filter(team=team, status=Shift.Status.PUBLISHED).order_by("starts_at")
                            .first())
    if not Assignment.objects.filter(responder=riley, shift__organization=org).exists():
        # Monday day shift and Wednesday day shift: rest and hour limits hold.
        day_team = first_shifts[0].team
        for offset in (0, 2):
            shift = (Shift.objects.filter(team=day_team, status=Shift.Status.PUBLISHED,
                                          starts_at__date__gte=monday + timedelta(days=offset))
                     .order_by("starts_at").first())
            position = shift.positions.get(role=PositionRole.RESPONDER)
            services.assignment_create(by=coordinator, position=position, responder=riley)
    stdout.write("  scheduling: 2 teams, 4 weeks of shifts (next week published), 2 assignments for responder")
