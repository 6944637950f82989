"""Demo data for `seed_demo`, the procurement past: last year's facilitator RFP, awarded after a full
evaluation by a committee of three, and this year's training-academy RFP in evaluation (proposals
opened three weeks ago, Morgan Lee part-way through scoring, one colleague done, one who has not yet
signed the attestation). The open RFP is `registrations.seed_demo`. Dates are relative to today, at office
hours in the city's zone. Idempotent: each solicitation is found by its title.

Every step goes through the procurement services, in the order the process runs. The services keep
to the clock (proposals only before the deadline, the opening only after it), so each solicitation
is run with deadlines just ahead, proposals submitted, and then its dates are moved to where they
belong before the opening; the evaluation follows through the services. Finally the moments the
services stamped (published, submitted, opened, scored, awarded, ...) are set to when they would have
happened, and each submission's SHA-256 receipt is computed again over its real submission time.
"""

import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from apps.core.registry import register_demo_seeder

from .models import (
    ConflictAttestation,
    ConsensusScore,
    EvaluatorAssignment,
    Proposal,
    ProposalAttachment,
    ProposalSubmission,
    Rating,
    ResponsivenessReview,
    ScoreSheet,
    Solicitation,
)

ORG1, ORG2, ORG3 = ("Neighborhood Peer Response Collective", "Roxbury Community Wellness Partners",
                    "Dorchester Street Outreach Alliance")
COORDINATORS = {ORG1: "coordinator", ORG2: "coordinator2", ORG3: "coordinator3"}
EVALUATORS = ["evaluator", "evaluator2", "evaluator3"]
H, A, N = Rating.HIGHLY_ADVANTAGEOUS, Rating.ADVANTAGEOUS, Rating.NOT_ADVANTAGEOUS

AWARDED = {
    "title": "Community responder pilot facilitator, first year",
    "number": "006",
    "summary": ("The city sought a nonprofit to **facilitate** the first year of its community-responder pilot: "
                "recruit, train, pay and supervise community members who answer mental-health 911 calls."),
    "summary_es": ("La ciudad buscó una organización sin fines de lucro para **coordinar** el primer año de su "
                   "programa piloto de respuesta comunitaria: contratar, formar, pagar y supervisar a miembros de la "
                   "comunidad que atienden llamadas al 911 por crisis de salud mental."),
    "budget": Decimal("1750000.00"),
    # days before today: published, questions due, proposals due (opening an hour later)
    "days": (420, 395, 380),
    "criteria": ["Experience with peer and community crisis response", "Training and supervision plan",
                 "Community ties in the service neighborhoods", "Language access and cultural humility"],
    "prices": {ORG1: Decimal("1690000.00"), ORG2: Decimal("1720000.00"), ORG3: Decimal("1540000.00")},
    # organization -> ratings per criterion, per evaluator (consensus is the first evaluator's)
    "ratings": {ORG1: [H, A, A, A], ORG2: [H, H, H, A], ORG3: [A, N, A, N]},
    "winner": ORG2,
}
IN_EVALUATION = {
    "title": "Community responder training academy partner",
    "number": "021",
    "summary": ("The city seeks a partner to run a **training academy** for community responders: the classroom "
                "curriculum, supervised field practice with preceptors, and recertification."),
    "summary_es": ("La ciudad busca un socio que dirija una **academia de formación** para el equipo de respuesta "
                   "comunitaria: el programa de clases, la práctica supervisada con tutores y la recertificación."),
    "budget": Decimal("450000.00"),
    "days": (62, 40, 21),
    "criteria": ["Curriculum and instructors", "Supervised field practice", "Accessibility and languages",
                 "Evaluation of learning"],
    "prices": {ORG1: Decimal("398000.00"), ORG3: Decimal("372500.00")},
    "ratings": {ORG1: [H, A, A, H], ORG3: [A, A, H, N]},
    "scoring_due_days": 10,
}
ANSWERS = {
    ORG1: "Our peer team has answered neighbors in crisis in Dorchester since 2015; every lead is a certified "
          "peer specialist.",
    ORG2: "We have run a warm line and street outreach in Roxbury for twelve years, in English, Spanish and "
          "Haitian Creole.",
    ORG3: "Our outreach workers know the shelters, the clinics and the corners of Dorchester; we will train with "
          "them.",
}


def _pdf() -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("certificate.pdf", buffer.getvalue(), content_type="application/pdf")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def _lines(total: Decimal) -> dict:
    shares = {"personnel": Decimal("0.46"), "responder_stipends": Decimal("0.32"), "training": Decimal("0.10"),
              "operations": Decimal("0.05")}
    lines = {k: (total * v).quantize(Decimal("0.01")) for k, v in shares.items()}
    lines["indirect"] = total - sum(lines.values())
    return lines


def _run(*, spec: dict, users, organizations, today: date, award: bool) -> Solicitation | None:
    from . import services

    officer = users.get("procurement")
    evaluators = [users[k] for k in EVALUATORS if k in users]
    proposers = [(organizations[o], users[COORDINATORS[o]]) for o in spec["prices"]
                 if o in organizations and COORDINATORS[o] in users]
    if officer is None or not evaluators or not proposers:
        return None
    if Solicitation.objects.filter(title=spec["title"]).exists():
        return None
    published_days, questions_days, due_days = spec["days"]
    published_on = today - timedelta(days=published_days)
    questions_due = _at(today - timedelta(days=questions_days), 16)
    proposals_due = _at(today - timedelta(days=due_days), 14)
    opening = proposals_due + timedelta(hours=1)
    now = timezone.now()
    solicitation = services.solicitation_create(
        by=officer, reference=f"RFP-{published_on.year}-{spec['number']}", title=spec["title"],
        summary=spec["summary"], translations={"es": {"summary": spec["summary_es"]}},
        scope="## Scope of services\n\nSee the summary; monthly reports to the evaluator.",
        budget_ceiling=spec["budget"], questions_due_at=now + timedelta(days=1),
        proposals_due_at=now + timedelta(days=2), opening_at=now + timedelta(days=2, hours=1),
        scoring_due_at=(_at(today + timedelta(days=spec["scoring_due_days"]), 17) if "scoring_due_days" in spec
                        else now + timedelta(days=20)))
    for title in ("Registered Massachusetts nonprofit in good standing",
                  "Certificate of non-collusion and tax compliance signed"):
        services.criterion_add(solicitation=solicitation, by=officer, kind="minimum", title=title)
    criteria = [services.criterion_add(solicitation=solicitation, by=officer, kind="comparative", title=title)
                for title in spec["criteria"]]
    question = services.proposal_question_add(solicitation=solicitation, by=officer,
                                              prompt="Describe your experience and your plan.")
    required = services.required_attachment_add(solicitation=solicitation, by=officer,
                                                name="Certificate of non-collusion")
    services.solicitation_publish(solicitation=solicitation, by=officer)

    proposals = {}
    for organization, coordinator in proposers:
        proposal = services.proposal_start(solicitation=solicitation, organization=organization, by=coordinator)
        services.proposal_answers_save(proposal=proposal, by=coordinator,
                                       answers={question.pk: ANSWERS[organization.name]})
        services.proposal_attachment_add(proposal=proposal, required_attachment=required, upload=_pdf(),
                                         by=coordinator)
        services.price_proposal_save(proposal=proposal, by=coordinator,
                                     lines=_lines(spec["prices"][organization.name]))
        services.proposal_submit(proposal=proposal, by=coordinator)
        proposals[organization.name] = Proposal.objects.get(pk=proposal.pk)

    # The deadlines move to where they belong: the opening is then in the past, as it was.
    Solicitation.objects.filter(pk=solicitation.pk).update(questions_due_at=questions_due,
                                                           proposals_due_at=proposals_due, opening_at=opening)
    for evaluator in evaluators:
        services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    solicitation = services.solicitation_open(solicitation=Solicitation.objects.get(pk=solicitation.pk), by=officer)
    for proposal in proposals.values():
        proposal.solicitation = solicitation
        for criterion in solicitation.criteria.filter(kind="minimum"):
            services.responsiveness_record(proposal=proposal, criterion=criterion, by=officer, passed=True,
                                           reason="On file and current.")
    solicitation = services.solicitation_evaluation_start(solicitation=solicitation, by=officer)

    # Who scores what: everyone everything for the awarded one; for the one in evaluation, Morgan
    # Lee (the demo login) has submitted one proposal and half-scored the next, a colleague is done,
    # and the third has not signed the attestation yet.
    plan = []
    for index, evaluator in enumerate(evaluators):
        if award:
            plan.append((evaluator, [(name, len(criteria), True) for name in proposals]))
        elif index == 0:
            names = list(proposals)
            plan.append((evaluator, [(names[0], len(criteria), True)]
                         + [(name, 2, False) for name in names[1:2]]))
        elif index == 1:
            plan.append((evaluator, [(name, len(criteria), True) for name in proposals]))
    for evaluator, sheets in plan:
        services.attestation_sign(solicitation=solicitation, by=evaluator, signed_name=evaluator.full_name,
                                  conflicts={})
        for name, count, submit in sheets:
            proposal = Proposal.objects.select_related("solicitation").get(pk=proposals[name].pk)
            for criterion, rating in list(zip(criteria, spec["ratings"][name], strict=True))[:count]:
                services.score_save(proposal=proposal, criterion=criterion, by=evaluator, rating=rating,
                                    rationale=_rationale(rating, criterion.title))
            if submit:
                services.scoresheet_submit(proposal=proposal, by=evaluator)

    if award:
        solicitation = services.solicitation_consensus_start(solicitation=solicitation, by=officer)
        proposals = {name: Proposal.objects.get(pk=p.pk) for name, p in proposals.items()}
        for name, proposal in proposals.items():
            for criterion, rating in zip(criteria, spec["ratings"][name], strict=True):
                services.consensus_score_record(proposal=proposal, criterion=criterion, by=officer, rating=rating,
                                                rationale=_rationale(rating, criterion.title))
        solicitation = services.solicitation_price_open(solicitation=solicitation, by=officer)
        winner = proposals[spec["winner"]]
        reasons = ("Highly advantageous on experience, supervision and community ties; the only proposer with "
                   "responders who speak Haitian Creole and Cabo Verdean Creole.")
        solicitation = services.solicitation_award_recommend(solicitation=solicitation, proposal=winner, by=officer,
                                                             reasons=reasons)
        solicitation = services.solicitation_award(
            solicitation=solicitation, by=officer,
            justification=reasons + " The lowest price was not advantageous on training and supervision.")
    _backdate(solicitation=solicitation, published=_at(published_on, 10), proposals_due=proposals_due,
              opening=opening, award=award)
    return solicitation


def _rationale(rating: str, criterion: str) -> str:
    return {H: f"{criterion}: clearly stronger than required, with concrete examples.",
            A: f"{criterion}: meets what the city asked, with a sound plan.",
            N: f"{criterion}: thin; the plan leaves open how it would work in practice."}.get(rating, criterion)


def _backdate(*, solicitation: Solicitation, published: datetime, proposals_due: datetime, opening: datetime,
              award: bool) -> None:
    """Set the moments the services stamped to when they would have happened."""
    from .services import receipt_hash_for

    steps = {"published_at": published, "closed_at": proposals_due, "opened_at": opening + timedelta(minutes=5),
             "evaluation_started_at": opening + timedelta(days=3, hours=-0.5)}
    if award:
        steps.update(consensus_started_at=opening + timedelta(days=15), price_opened_at=opening + timedelta(days=17),
                     recommended_at=opening + timedelta(days=20), awarded_at=opening + timedelta(days=27))
    Solicitation.objects.filter(pk=solicitation.pk).update(**steps)
    proposals = list(solicitation.proposals.order_by("pk"))
    for n, proposal in enumerate(proposals):
        # In UTC, as the service stamps it: the receipt hashes the instant's ISO text, offset included.
        submitted = (proposals_due - timedelta(days=2 + n, hours=3 * n + 1)).astimezone(UTC)
        Proposal.objects.filter(pk=proposal.pk).update(submitted_at=submitted,
                                                       created_at=submitted - timedelta(days=12))
        ProposalAttachment.objects.filter(proposal=proposal).update(uploaded_at=submitted - timedelta(days=1))
        for submission in ProposalSubmission.objects.filter(proposal=proposal):
            submission.submitted_at = submitted
            submission.receipt_hash = receipt_hash_for(
                reference=solicitation.reference, code=proposal.code, number=submission.number,
                submitted_at=submitted, technical=submission.technical, price=submission.price)
            submission.save(update_fields=["submitted_at", "receipt_hash"])
    started = steps["evaluation_started_at"]
    EvaluatorAssignment.objects.filter(solicitation=solicitation).update(assigned_at=published + timedelta(days=7))
    ResponsivenessReview.objects.filter(proposal__solicitation=solicitation).update(
        reviewed_at=opening + timedelta(days=1))
    ConflictAttestation.objects.filter(assignment__solicitation=solicitation).update(
        signed_at=started + timedelta(hours=2))
    ScoreSheet.objects.filter(assignment__solicitation=solicitation, submitted_at__isnull=False).update(
        submitted_at=started + timedelta(days=8))
    ConsensusScore.objects.filter(proposal__solicitation=solicitation).update(
        recorded_at=opening + timedelta(days=16))


def seed_history(*, users, organizations, stdout) -> None:
    today = timezone.localdate()
    awarded = _run(spec=AWARDED, users=users, organizations=organizations, today=today, award=True)
    evaluating = _run(spec=IN_EVALUATION, users=users, organizations=organizations, today=today, award=False)
    made = [s.reference for s in (awarded, evaluating) if s is not None]
    if made:
        stdout.write(f"  Procurement: {', '.join(made)} (awarded last year; in evaluation now).")


register_demo_seeder("procurement-history", seed_history, order=210)
