"""The procurement file: one record of the whole solicitation, for the officer and the archive.

It follows the same walls as the pages: nothing sealed before the opening, no price before the
price opening. Exporting it is audited, because after the opening it holds sealed material.
"""

from django.contrib.contenttypes.models import ContentType

from apps.accounts.models import User
from apps.core.audit import audit
from apps.notifications.models import Notification

from .models import Proposal, Score, Solicitation


def procurement_file(*, solicitation: Solicitation, by: User) -> dict:
    opened = solicitation.opened_at is not None
    price_open = solicitation.price_opened_at is not None
    proposals = list(solicitation.proposals.filter(status=Proposal.Status.SUBMITTED)
                     .select_related("organization", "price")
                     .prefetch_related("submissions", "responsiveness__criterion", "consensus_scores__criterion"))
    data = {
        "solicitation": {
            "reference": solicitation.reference, "title": solicitation.title, "status": solicitation.status,
            "procurement_type": solicitation.procurement_type, "rating_method": solicitation.rating_method,
            "budget_ceiling": solicitation.budget_ceiling, "blind_review": solicitation.blind_review,
            "two_envelopes": solicitation.two_envelopes, "summary": solicitation.summary, "scope": solicitation.scope,
            "questions_due_at": solicitation.questions_due_at, "proposals_due_at": solicitation.proposals_due_at,
            "published_at": solicitation.published_at, "closed_at": solicitation.closed_at,
            "opened_at": solicitation.opened_at, "consensus_started_at": solicitation.consensus_started_at,
            "price_opened_at": solicitation.price_opened_at, "cancel_reason": solicitation.cancel_reason,
        },
        "criteria": [{"id": c.pk, "kind": c.kind, "title": c.title, "description": c.description,
                      "max_points": c.max_points} for c in solicitation.criteria.all()],
        "questions": [{"number": q.order, "prompt": q.prompt} for q in solicitation.questions.all()],
        "required_attachments": [r.name for r in solicitation.required_attachments.all()],
        "addenda": [{"number": a.number, "title": a.title, "body": a.body, "published_at": a.published_at,
                     "new_proposals_due_at": a.new_proposals_due_at} for a in solicitation.addenda.all()],
        "questions_and_answers": [{"question": c.question, "asked_at": c.asked_at, "answer": c.answer,
                                   "answered_at": c.answered_at} for c in solicitation.clarifications.all()],
        "register": [], "attestations": [], "scores": [], "award": None, "notices": [],
    }
    if opened:
        for p in proposals:
            latest = p.submissions.all()[0]
            data["register"].append({
                "code": p.code, "organization": p.organization.name, "submitted_at": p.submitted_at,
                "receipt": latest.receipt_hash, "technical": latest.technical,
                "price": latest.price if price_open else None, "responsive": p.responsive,
                "responsiveness": [{"criterion": r.criterion.title, "passed": r.passed, "reason": r.reason}
                                   for r in p.responsiveness.all()],
                "consensus": [{"criterion": c.criterion.title, "points": c.points, "rating": c.rating,
                               "rationale": c.rationale} for c in p.consensus_scores.all()],
            })
        for assignment in solicitation.assignments.select_related("evaluator", "attestation").prefetch_related(
                "attestation__declarations__proposal"):
            attestation = getattr(assignment, "attestation", None) if hasattr(assignment, "attestation") else None
            data["attestations"].append({
                "evaluator": assignment.evaluator.email,
                "signed_at": attestation.signed_at if attestation else None,
                "signed_name": attestation.signed_name if attestation else "",
                "declarations": [{"proposal": d.proposal.code, "conflict": d.has_conflict,
                                  "description": d.description} for d in attestation.declarations.all()]
                if attestation else [],
            })
    if solicitation.consensus_started_at:
        data["scores"] = [{"evaluator": s.sheet.assignment.evaluator.email, "proposal": s.sheet.proposal.code,
                           "criterion": s.criterion.title, "points": s.points, "rating": s.rating,
                           "rationale": s.rationale, "submitted_at": s.sheet.submitted_at}
                          for s in Score.objects.filter(sheet__proposal__solicitation=solicitation)
                          .select_related("sheet__assignment__evaluator", "sheet__proposal", "criterion")
                          .order_by("sheet__proposal__code", "criterion__order", "pk")]
    if solicitation.recommended_proposal_id:
        data["award"] = {
            "recommended": solicitation.recommended_proposal.code, "reasons": solicitation.recommendation_reasons,
            "recommended_at": solicitation.recommended_at,
            "awarded": solicitation.awarded_proposal.code if solicitation.awarded_proposal_id else None,
            "justification": solicitation.award_justification, "awarded_at": solicitation.awarded_at,
        }
        proposal_type = ContentType.objects.get_for_model(Proposal)
        data["notices"] = [{"kind": n.kind, "channel": n.channel, "to": n.recipient_user.email if n.recipient_user
                            else n.recipient_email, "status": n.status, "created_at": n.created_at}
                           for n in Notification.objects.filter(
                               target_type=proposal_type, target_id__in=[str(p.pk) for p in proposals],
                               kind__in=["procurement.award", "procurement.non_award"]).select_related(
                               "recipient_user").order_by("pk")]
    audit(actor=by, action="procurement.file.exported", target=solicitation,
          after={"with_content": opened, "with_prices": price_open})
    return data
