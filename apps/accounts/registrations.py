"""Accounts' navigation entries and dashboard cards."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.registry import Card, NavItem, register_cards, register_nav
from apps.notifications.kinds import Channel, Kind, register_kind

from . import selectors
from .models import Invitation
from .roles import Role

register_nav(NavItem(key="organizations", label=_("Organizations"), url_name="accounts:organization-list", order=800))
register_nav(NavItem(key="invitations", label=_("Invitations"), url_name="accounts:invitation-list", order=810,
                     roles=frozenset({Role.PROGRAM_ADMIN, Role.COORDINATOR})))


def _cards(request) -> list[Card]:
    user = request.user
    cards = [Card(
        key="accounts-roles", order=10, title=_("Your roles"), template="accounts/_card_roles.html",
        context={"memberships": list(selectors.user_memberships(user=user))},
        url=reverse("accounts:profile"), link_label=_("Your profile"),
    )]
    if user.has_any_role(Role.PROGRAM_ADMIN, Role.COORDINATOR):
        pending = selectors.invitation_list(user=user, status=Invitation.Status.PENDING).count()
        cards.append(Card(
            key="accounts-invitations", order=20, title=_("Invitations"),
            template="accounts/_card_invitations.html", context={"pending": pending},
            url=reverse("accounts:invitation-list"), link_label=_("Invite someone"),
        ))
    return cards


register_cards("accounts", _cards)


# Transactional: an invitation and account-security mail are always sent, by email only.
register_kind(Kind(key="accounts.invitation", label=_("Invitation to join"), template="invitation",
                   channels=(Channel.EMAIL,), optional=False))
register_kind(Kind(key="accounts.security", label=_("Account security (sign-in, password)"), template="invitation",
                   channels=(Channel.EMAIL,), optional=False))
