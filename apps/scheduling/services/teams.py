"""Teams, and what makes a valid team of a team type."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require

from ..models import PositionRole, Team, TeamType
from ..permissions import can_manage_schedule


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


def team_create(*, by: User, organization, team_type: TeamType, name: str, zones: Iterable = ()) -> Team:
    require(can_manage_schedule(by, organization.pk), _("Only a coordinator of this organization can add teams."))
    if Team.objects.filter(organization=organization, name=name).exists():
        raise ApplicationError(_("This organization already has a team with that name."), field="name")
    with transaction.atomic():
        team = Team.objects.create(organization=organization, team_type=team_type, name=name)
        team.zones.set(zones)
        audit(actor=by, action="scheduling.team.created", target=team, organization=organization,
              after={"name": name, "team_type": team_type.key, "zones": sorted(z.pk for z in zones)})
    return team
