"""Engagement's navigation, dashboard cards, notification kinds, reminder scanner and demo data."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.registry import Card, NavItem, register_cards, register_demo_seeder, register_nav
from apps.notifications.kinds import Channel, Kind, register_kind
from apps.notifications.scanners import register_scanner

from . import selectors
from .permissions import is_engagement_staff

STAFF = frozenset({Role.MODERATOR, Role.PROGRAM_ADMIN})

# Signed-in users see the public calendar too; anonymous visitors reach it from the home page
# (base.html should link "Community sessions" → engagement:session-list for them).
register_nav(NavItem(key="engagement-public", group="community",
                     label=_("Community sessions"), url_name="engagement:session-list",
                     order=300))
register_nav(NavItem(key="engagement-sessions", group="community",
                     label=_("Sessions"), url_name="engagement:staff-session-list",
                     order=310, roles=STAFF))
register_nav(NavItem(key="engagement-feedback", group="community",
                     label=_("Feedback queue"), url_name="engagement:feedback-list",
                     order=320, roles=STAFF))
register_nav(NavItem(key="engagement-codebook", group="community",
                     label=_("Codebook"), url_name="engagement:theme-list",
                     order=330, roles=STAFF))
register_nav(NavItem(key="engagement-decisions", group="community",
                     label=_("Decisions"), url_name="engagement:decision-list",
                     order=340, roles=STAFF))


def _cards(request) -> list[Card]:
    user = request.user
    if not is_engagement_staff(user):
        return []
    counts = selectors.dashboard_counts(user=user)
    return [
        Card(key="engagement-feedback", order=40, title=_("Feedback to moderate"),
             template="engagement/_card_feedback.html", context=counts,
             url=reverse("engagement:feedback-list"), link_label=_("Open the queue")),
        Card(key="engagement-sessions", order=41, title=_("Community sessions"),
             template="engagement/_card_sessions.html", context=counts,
             url=reverse("engagement:staff-session-list"), link_label=_("Manage sessions")),
    ]


register_cards("engagement", _cards)

_RESIDENT = (Channel.EMAIL, Channel.SMS)
# Receipts and notices about a registration are transactional: always sent to the consented contact.
register_kind(Kind(key="engagement.registration", label=_("Session registration confirmed"),
                   template="engagement_registration", channels=_RESIDENT, optional=False))
register_kind(Kind(key="engagement.reminder", label=_("Session reminder"), template="engagement_reminder",
                   channels=_RESIDENT, optional=True))
register_kind(Kind(key="engagement.waitlist_promoted", label=_("A seat opened for you"),
                   template="engagement_promoted", channels=_RESIDENT, optional=False))
register_kind(Kind(key="engagement.registration_cancelled", label=_("Registration cancelled"),
                   template="engagement_cancelled", channels=_RESIDENT, optional=False))
register_kind(Kind(key="engagement.session_cancelled", label=_("Session cancelled"),
                   template="engagement_cancelled", channels=_RESIDENT, optional=False))
register_kind(Kind(key="engagement.moderation_result", label=_("Your feedback was reviewed"),
                   template="engagement_moderation", channels=(Channel.EMAIL,), optional=True))
register_kind(Kind(key="engagement.decision_published", label=_("What the city did with your feedback"),
                   template="engagement_decision", channels=(Channel.EMAIL,), optional=True))
# The link to erase a resident's details: asked for, so always sent.
register_kind(Kind(key="engagement.erasure_link", label=_("Link to erase your details"),
                   template="engagement_erasure_link", channels=_RESIDENT, optional=False))
# A resident may be in crisis: moderators are always alerted, in the app and by email.
register_kind(Kind(key="engagement.safety_alert", label=_("Safety alert: feedback describes a crisis"),
                   template="engagement_safety_alert", channels=(Channel.EMAIL, Channel.IN_APP), optional=False))


def _scan(*, now) -> int:
    from .services import session_reminders_scan

    return session_reminders_scan(now=now)


register_scanner("engagement.reminders", _scan)


def _seed(**kwargs) -> None:
    from .demo import seed

    seed(**kwargs)


register_demo_seeder("engagement", _seed, order=400)
