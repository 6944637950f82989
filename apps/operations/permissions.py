"""Who may do what in operations. Plain predicates, used by views, the API and templates.

The on-duty board is read by program staff (every organization), coordinators (their organizations) and
the 911 center's dispatchers (every organization, read only). A team's status is set by the people
working the shift, from their phones; nobody sets it for them from an office.
"""

from apps.accounts.roles import Role
from apps.scheduling.models import Assignment


def board_organization_ids(user) -> set[int] | None:
    """The organizations whose shifts the user sees on the board: None for every organization (program
    admins and dispatchers), their coordinated organizations for coordinators, an empty set otherwise."""
    if not user.is_authenticated:
        return set()
    if user.has_role(Role.PROGRAM_ADMIN) or user.has_role(Role.DISPATCHER):
        return None
    return user.organization_ids(Role.COORDINATOR)


def can_view_board(user) -> bool:
    return board_organization_ids(user) != set()


def shift_visible_for_status(user, shift) -> bool:
    """Whether the shift exists for this user on the status pages (else 404): someone of its
    organization (a responder or coordinator), or a program admin or dispatcher who sees every shift."""
    if not user.is_authenticated:
        return False
    scope = board_organization_ids(user)
    return scope is None or shift.organization_id in scope or shift.organization_id in user.organization_ids(
        Role.RESPONDER)


def can_set_team_status(user, shift, *, member_ids: set[int] | None = None) -> bool:
    """A member of the shift: someone with an active assignment on it (the service also wants them
    checked in, and the shift under way). `member_ids`: the shift's members when the caller has them."""
    if not user.is_authenticated:
        return False
    if member_ids is None:
        return shift.assignments.filter(responder_id=user.pk, status__in=Assignment.ACTIVE).exists()
    return user.pk in member_ids
