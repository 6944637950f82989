"""Accounts' navigation entries and dashboard cards."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.registry import ACCOUNT, Card, NavItem, register_cards, register_nav
from apps.notifications.kinds import Channel, Kind, register_kind

from . import selectors
from .models import Invitation
from .roles import Role


def _beyond_the_field(user) -> bool:
    # Staff and the program's partners manage organizations and pull data through the API; a responder
    # works from a phone, sees their organization on the dashboard's "Your roles" and reaches the API docs
    # from the footer should they want them, so their menu holds only what they use.
    return bool(user.role_names - {Role.RESPONDER})


register_nav(NavItem(key="organizations", group="people", label=_("Organizations"),
                     url_name="accounts:organization-list", order=800, predicate=_beyond_the_field))
register_nav(NavItem(key="invitations", group="people",
                     label=_("Invitations"), url_name="accounts:invitation-list", order=810,
                     roles=frozenset({Role.PROGRAM_ADMIN, Role.COORDINATOR})))


# The user menu, beside the profile and sign out.
register_nav(NavItem(key="api-tokens", group=ACCOUNT, label=_("API tokens"), url_name="accounts:api-token-list",
                     order=950, predicate=_beyond_the_field))
register_nav(NavItem(key="api-docs", group=ACCOUNT, label=_("API docs"), url_name="api-docs", order=960,
                     predicate=_beyond_the_field))


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
