"""Who reads the dispatch endpoints: a service token holding the scope, or a signed-in dispatcher or
program admin (session or personal token)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from apps.accounts.roles import Role
from apps.operations.models import ServiceScope, ServiceToken


def can_read_dispatch(user) -> bool:
    """A person who may read what the dispatch system reads (the board's dispatcher view reads the same)."""
    return user.is_authenticated and user.has_any_role(Role.DISPATCHER, Role.PROGRAM_ADMIN)


class DispatchRead(BasePermission):
    message = _("Only the dispatch system (a service token with the scope dispatch:read), a dispatcher or a "
                "program admin can read this.")

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ServiceToken):
            return ServiceScope.DISPATCH_READ in request.auth.scopes
        return can_read_dispatch(request.user)
