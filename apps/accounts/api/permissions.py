from rest_framework.permissions import BasePermission

from apps.accounts.permissions import has_mfa, requires_mfa


class StaffMFARequired(BasePermission):
    """City staff reach the API only once they have a second factor, as with pages."""

    message = "City staff must set up two-factor authentication before using the API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return not (user and user.is_authenticated and requires_mfa(user) and not has_mfa(user))
