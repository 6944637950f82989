"""Reads of accounts data, already scoped to what the user may see."""

from django.db.models import Count, Q, QuerySet

from .models import Invitation, Membership, Organization
from .permissions import is_program_admin
from .roles import OrganizationKind, Role


def organization_list(*, user) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    qs = Organization.objects.annotate(
        member_count=Count("memberships__user", filter=Q(memberships__is_active=True), distinct=True)
    )
    if is_program_admin(user):
        return qs
    return qs.filter(pk__in=user.organization_ids(), is_active=True)


def nonprofit_list() -> QuerySet[Organization]:
    """The program's active nonprofits (program admins' and program-wide reports' scope)."""
    return Organization.objects.filter(kind=OrganizationKind.NONPROFIT, is_active=True).order_by("name")


def organization_get(*, user, slug: str) -> Organization:
    """Raises Organization.DoesNotExist for one the user may not see (the view makes it a 404)."""
    return organization_list(user=user).get(slug=slug)


def membership_list(*, user, organization: Organization | None = None) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    qs = Membership.objects.select_related("user", "organization", "invited_by")
    if not is_program_admin(user):
        qs = qs.filter(organization_id__in=user.organization_ids())
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.order_by("organization__name", "user__email", "role")


def invitation_list(*, user, status: str | None = None) -> QuerySet[Invitation]:
    """Program admins see every invitation; coordinators those of their own organizations."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    qs = Invitation.objects.select_related("organization", "invited_by", "accepted_by")
    if not is_program_admin(user):
        qs = qs.filter(organization_id__in=user.organization_ids(Role.COORDINATOR))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def user_memberships(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name", "role")
    )
