"""Procurement's navigation, dashboard cards, notification kinds, scanners and demo data."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.registry import Card, NavItem, register_cards, register_demo_seeder, register_nav
from apps.notifications.kinds import Channel, Kind, register_kind
from apps.notifications.scanners import register_scanner

from . import selectors
from .models import Clarification, Proposal, Solicitation

S = Solicitation.Status

register_nav(NavItem(key="procurement-solicitations", group="procurement", label=_("Solicitations"),
                     url_name="procurement:solicitation-manage-list", order=200,
                     roles=frozenset({Role.PROCUREMENT_OFFICER})))
register_nav(NavItem(key="procurement-evaluations", group="procurement",
                     label=_("My evaluations"), url_name="procurement:evaluation-list",
                     order=210, roles=frozenset({Role.RFP_EVALUATOR})))
register_nav(NavItem(key="procurement-rfps", group="procurement",
                     label=_("RFPs"), url_name="procurement:solicitation-list", order=200,
                     roles=frozenset({Role.COORDINATOR})))
register_nav(NavItem(key="procurement-proposals", group="procurement",
                     label=_("Proposals"), url_name="procurement:proposal-list",
                     order=205, roles=frozenset({Role.COORDINATOR})))


def _cards(request) -> list[Card]:
    user = request.user
    cards = []
    if user.has_role(Role.PROCUREMENT_OFFICER):
        now = timezone.now()
        to_open = Solicitation.objects.filter(Q(status=S.CLOSED) | Q(status=S.PUBLISHED, proposals_due_at__lte=now))
        cards.append(Card(
            key="procurement-officer", order=30, title=_("Solicitations"), template="procurement/_card_officer.html",
            context={"drafts": Solicitation.objects.filter(status=S.DRAFT).count(),
                     "to_open": to_open.count(),
                     "questions": Clarification.objects.filter(status=Clarification.Status.PENDING).count(),
                     "in_evaluation": Solicitation.objects.filter(
                         status__in=[S.OPENED, S.EVALUATION, S.CONSENSUS, S.PRICE_OPENED,
                                     S.AWARD_RECOMMENDED]).count()},
            url=reverse("procurement:solicitation-manage-list"), link_label=_("Manage solicitations"),
        ))
    if user.has_role(Role.RFP_EVALUATOR):
        assignments = list(selectors.evaluator_assignment_list(user=user).filter(
            solicitation__status__in=[S.OPENED, S.EVALUATION]))
        to_attest = sum(1 for a in assignments if not hasattr(a, "attestation"))
        cards.append(Card(
            key="procurement-evaluator", order=30, title=_("My evaluations"),
            template="procurement/_card_evaluator.html",
            context={"active": len(assignments), "to_attest": to_attest},
            url=reverse("procurement:evaluation-list"), link_label=_("Go to my evaluations"),
        ))
    if user.has_role(Role.COORDINATOR):
        cards.append(Card(
            key="procurement-coordinator", order=40, title=_("Requests for proposals"),
            template="procurement/_card_coordinator.html",
            context={"open": selectors.solicitation_public_list().count(),
                     "drafts": selectors.coordinator_proposal_list(user=user).filter(
                         status=Proposal.Status.DRAFT, solicitation__status=S.PUBLISHED).count()},
            url=reverse("procurement:proposal-list"), link_label=_("Your proposals"),
        ))
    return cards


register_cards("procurement", _cards)

# Receipts, award letters and committee notices are legal or transactional: always sent.
register_kind(Kind(key="procurement.receipt", label=_("Proposal submission receipt"), template="procurement_receipt",
                   channels=(Channel.EMAIL, Channel.IN_APP), optional=False))
register_kind(Kind(key="procurement.addendum", label=_("Addendum to a solicitation"),
                   template="procurement_addendum", channels=(Channel.EMAIL, Channel.IN_APP), optional=False))
register_kind(Kind(key="procurement.cancelled", label=_("Solicitation cancelled"), template="procurement_cancelled",
                   channels=(Channel.EMAIL, Channel.IN_APP), optional=False))
register_kind(Kind(key="procurement.non_responsive", label=_("Proposal found not responsive"),
                   template="procurement_non_responsive", channels=(Channel.EMAIL, Channel.IN_APP), optional=False))
register_kind(Kind(key="procurement.award", label=_("Notice of award"), template="procurement_award",
                   channels=(Channel.EMAIL, Channel.IN_APP), optional=False))
register_kind(Kind(key="procurement.non_award", label=_("Notice of non-award"), template="procurement_non_award",
                   channels=(Channel.EMAIL, Channel.IN_APP), optional=False))
register_kind(Kind(key="procurement.evaluator_assigned", label=_("Appointed to an evaluation committee"),
                   template="procurement_evaluator_assigned", channels=(Channel.EMAIL, Channel.IN_APP),
                   optional=False))
register_kind(Kind(key="procurement.scoring_reminder", label=_("Reminder: scores due"),
                   template="procurement_scoring_reminder", channels=(Channel.EMAIL, Channel.IN_APP), optional=True))


def _close_due(*, now) -> int:
    from .services import solicitations_due_scan

    return solicitations_due_scan(now=now)


def _scoring_reminders(*, now) -> int:
    from .services import scoring_reminders_scan

    return scoring_reminders_scan(now=now)


register_scanner("procurement.close_due", _close_due)
register_scanner("procurement.scoring_reminders", _scoring_reminders)


DEMO_REFERENCE = "RFP-2026-014"


def seed_demo(*, users, organizations, stdout) -> None:
    """One published solicitation with criteria, and a draft proposal from the coordinator's nonprofit.
    Last year's awarded RFP and the one in evaluation are in demo.py (`seed_history`)."""
    from . import services

    officer, coordinator = users.get("procurement"), users.get("coordinator")
    if officer is None or coordinator is None or Solicitation.objects.filter(reference=DEMO_REFERENCE).exists():
        return
    today = timezone.localdate()

    def office_hours(days: int, hour: int) -> datetime:
        # Deadlines at city office hours, counted in days from today.
        return datetime.combine(today + timedelta(days=days), time(hour, 0), tzinfo=timezone.get_default_timezone())

    solicitation = services.solicitation_create(
        by=officer, reference=DEMO_REFERENCE, title="Community responder program facilitator",
        summary=("The city seeks a nonprofit to **facilitate** its community-responder program: recruit, train, "
                 "pay and supervise community members who answer mental-health 911 calls without police."),
        translations={"es": {"summary": (
            "La ciudad busca una organización sin fines de lucro para **coordinar** su programa de respuesta "
            "comunitaria: contratar, formar, pagar y supervisar a miembros de la comunidad que atienden llamadas "
            "al 911 por crisis de salud mental sin policía.")}},
        scope=("## Scope of services\n\n- Recruit and employ community responders\n- Deliver the required "
               "training curriculum\n- Staff shifts in Dorchester, Roxbury and the South End\n"
               "- Report monthly to the program's external evaluator"),
        budget_ceiling=Decimal("1750000.00"), questions_due_at=office_hours(14, 16),
        proposals_due_at=office_hours(30, 14), opening_at=office_hours(30, 15),
        scoring_due_at=office_hours(45, 17))
    services.criterion_add(solicitation=solicitation, by=officer, kind="minimum",
                           title="Registered Massachusetts nonprofit in good standing")
    services.criterion_add(solicitation=solicitation, by=officer, kind="minimum",
                           title="Certificate of non-collusion and tax compliance signed")
    for title in ("Experience with peer and community crisis response", "Training and supervision plan",
                  "Community ties in the service neighborhoods", "Language access and cultural humility"):
        services.criterion_add(solicitation=solicitation, by=officer, kind="comparative", title=title)
    services.proposal_question_add(solicitation=solicitation, by=officer,
                                   prompt="Describe your experience responding to people in crisis.")
    services.proposal_question_add(solicitation=solicitation, by=officer,
                                   prompt="How will you train, supervise and support responders?")
    services.required_attachment_add(solicitation=solicitation, by=officer, name="Certificate of non-collusion")
    services.solicitation_publish(solicitation=solicitation, by=officer)
    organization = organizations.get("Neighborhood Peer Response Collective")
    if organization is not None:
        proposal = services.proposal_start(solicitation=solicitation, organization=organization, by=coordinator)
        first = solicitation.questions.order_by("order").first()
        services.proposal_answers_save(proposal=proposal, by=coordinator, answers={
            first.pk: "Our peer team has answered neighbors in crisis in Dorchester since 2015."})
    stdout.write(f"  Procurement: {DEMO_REFERENCE} published, with a draft proposal.")


register_demo_seeder("procurement", seed_demo, order=200)
