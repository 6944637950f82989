"""Who may do what with accounts, organizations and invitations. Plain predicates, one place."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled

from .roles import COORDINATOR_INVITABLE_ROLES, ROLE_ORGANIZATION_KINDS, Role


def requires_mfa(user) -> bool:
    """City staff, and anyone who can open the Django admin, must use a second factor."""
    return user.is_authenticated and (user.is_city_staff or user.is_staff or user.is_superuser)


def has_mfa(user) -> bool:
    # An authenticator app is the factor; recovery codes alone are a backup, not a factor.
    return is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


def is_program_admin(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PROGRAM_ADMIN)


def can_invite(user, organization, role: str) -> bool:
    if not user.is_authenticated or organization.kind not in ROLE_ORGANIZATION_KINDS.get(role, ()):
        return False
    if is_program_admin(user):
        return True
    return role in COORDINATOR_INVITABLE_ROLES and user.has_role(Role.COORDINATOR, organization.pk)


def can_manage_members(user, organization) -> bool:
    return user.is_authenticated and (
        is_program_admin(user) or user.has_role(Role.COORDINATOR, organization.pk)
    )


def invitable_roles(user, organization) -> list[str]:
    return [role for role in Role.values if can_invite(user, organization, role)]
