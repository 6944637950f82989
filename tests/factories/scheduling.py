import importlib
from datetime import timedelta

import factory

from apps.scheduling.models import Assignment, Position, PositionRole, Shift, Team, TeamType


def team_type(key: str = "community-responder") -> TeamType:
    """The team types are reference data loaded by migration; a transactional test's flush
    removes them, so they are loaded again the same way when missing."""
    if not TeamType.objects.filter(key=key).exists():
        from django.apps import apps

        importlib.import_module("apps.scheduling.migrations.0002_team_types").load(apps, None)
    return TeamType.objects.get(key=key)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    team_type = factory.LazyFunction(team_type)


def make_shift(*, team: Team, starts_at, hours: float = 8, positions=((PositionRole.LEAD, 1),
                                                                       (PositionRole.RESPONDER, 1)),
               status: str = Shift.Status.PUBLISHED, zones=()) -> Shift:
    shift = Shift.objects.create(team=team, organization_id=team.organization_id, starts_at=starts_at,
                                 ends_at=starts_at + timedelta(hours=hours), status=status)
    for role, count in positions:
        Position.objects.create(shift=shift, role=role, count=count)
    shift.zones.set(zones)
    return shift


def position(shift: Shift, role: str = PositionRole.RESPONDER) -> Position:
    return (Position.objects.select_related("shift__team__team_type", "shift__organization")
            .get(shift=shift, role=role))


def place(*, shift: Shift, responder, role: str = PositionRole.RESPONDER, status=Assignment.Status.ASSIGNED,
          **extra) -> Assignment:
    """An assignment written directly (no engine): for setting the scene."""
    return Assignment.objects.create(position=position(shift, role), shift=shift, responder=responder,
                                     starts_at=shift.starts_at, ends_at=shift.ends_at, status=status, **extra)
