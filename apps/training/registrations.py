"""Training's navigation entries, dashboard cards, notification kinds, scanners and demo seeder."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.registry import Card, NavItem, register_cards, register_demo_seeder, register_nav
from apps.notifications.kinds import Channel, Kind, register_kind
from apps.notifications.scanners import register_scanner

from . import demo, reminders, selectors
from .models import RequirementRole, TrainingSession
from .readiness import readiness_in_organizations, readiness_pass

register_nav(NavItem(key="training-my", group="people",
                     label=_("My training"), url_name="training:my-training", order=200,
                     roles=frozenset({Role.RESPONDER})))
register_nav(NavItem(key="training-readiness", group="people",
                     label=_("Readiness"), url_name="training:readiness-matrix",
                     order=210, roles=frozenset({Role.COORDINATOR, Role.TRAINER, Role.PROGRAM_ADMIN})))
register_nav(NavItem(key="training-verification", group="people",
                     label=_("Verify training"), url_name="training:verification-queue",
                     order=215, roles=frozenset({Role.COORDINATOR, Role.TRAINER})))
register_nav(NavItem(key="training-import", group="people",
                     label=_("Import training records"), url_name="training:record-import",
                     order=217, roles=frozenset({Role.COORDINATOR, Role.TRAINER})))
register_nav(NavItem(key="training-sessions", group="people",
                     label=_("Training sessions"), url_name="training:session-list",
                     order=220, roles=frozenset({Role.COORDINATOR, Role.TRAINER, Role.RESPONDER,
                                                 Role.PROGRAM_ADMIN})))
register_nav(NavItem(key="training-requirements", group="people", label=_("Training requirements"),
                     url_name="training:requirement-list", order=230, roles=frozenset({Role.PROGRAM_ADMIN})))


def _cards(request) -> list[Card]:
    user = request.user
    now = timezone.now()
    cards: list[Card] = []
    if user.has_role(Role.RESPONDER):
        items = readiness_in_organizations(user=user, organizations=selectors.responder_organizations(user=user),
                                           at=now)
        cards.append(Card(key="training-my-readiness", order=30, title=_("My readiness"),
                          template="training/_card_my_readiness.html", context={"items": items},
                          url=reverse("training:my-training"), link_label=_("My training")))
    if user.has_role(Role.COORDINATOR):
        groups = {organization: list(selectors.responder_list(user=user, organization=organization)
                                     .values_list("pk", flat=True))
                  for organization in selectors.training_organizations(user=user)}
        answers = readiness_pass(groups=groups, at=now)  # one pass for every organization
        rows = []
        for organization in groups:
            results = answers[(organization.pk, RequirementRole.RESPONDER)]
            rows.append((organization, sum(1 for r in results.values() if not r.cleared), len(results)))
        cards.append(Card(key="training-not-ready", order=30, title=_("People not ready"),
                          template="training/_card_not_ready.html", context={"rows": rows},
                          url=reverse("training:readiness-matrix"), link_label=_("Readiness matrix")))
    if user.has_any_role(Role.TRAINER, Role.COORDINATOR):
        sessions = list(selectors.session_list(user=user).filter(
            starts_at__gte=now, status=TrainingSession.Status.SCHEDULED)[:5])
        pending = selectors.verification_queue(user=user).count()
        cards.append(Card(key="training-upcoming", order=35, title=_("Upcoming training"),
                          template="training/_card_upcoming.html", context={"sessions": sessions, "pending": pending},
                          url=reverse("training:session-list"), link_label=_("All sessions")))
    return cards


register_cards("training", _cards)

register_kind(Kind(key="training.expiry_warning", label=_("Training about to expire"), template="training_expiry",
                   channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS)))
register_kind(Kind(key="training.session_reminder", label=_("Training session reminder"),
                   template="training_session_reminder", channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS)))
register_kind(Kind(key="training.record_verified", label=_("Training record verified"),
                   template="training_record_verified"))
register_kind(Kind(key="training.record_rejected", label=_("Training record rejected"),
                   template="training_record_rejected"))
register_kind(Kind(key="training.enrollment_promoted", label=_("A place opened in a training session"),
                   template="training_enrollment_promoted", channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS)))

register_scanner("training.expiry_warnings", reminders.expiry_warnings_scan)
register_scanner("training.session_reminders", reminders.session_reminders_scan)
register_scanner("training.verified_notices", reminders.verified_notices_scan)

register_demo_seeder("training", demo.seed, order=30)
