"""Procurement test data, built through the services so every rule applies."""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from apps.procurement import services
from apps.procurement.models import Solicitation


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def draft_solicitation(officer, *, reference: str = "RFP-T-001", rating_method: str = "adjectival",
                       blind_review: bool = True, procurement_type: str = "contract_30b",
                       comparative: int = 2, minimum: int = 1, **fields) -> Solicitation:
    now = timezone.now()
    solicitation = services.solicitation_create(
        by=officer, reference=reference, title=f"Facilitator {reference}", summary="The **city** seeks a facilitator.",
        budget_ceiling=Decimal("100000.00"), questions_due_at=now + timedelta(days=5),
        proposals_due_at=now + timedelta(days=10), rating_method=rating_method, blind_review=blind_review,
        procurement_type=procurement_type, price_points=fields.pop("price_points", 20), **fields)
    for n in range(minimum):
        services.criterion_add(solicitation=solicitation, by=officer, kind="minimum", title=f"Minimum {n + 1}")
    for n in range(comparative):
        services.criterion_add(solicitation=solicitation, by=officer, kind="comparative", title=f"Criterion {n + 1}",
                               max_points=40)
    services.proposal_question_add(solicitation=solicitation, by=officer, prompt="Describe your experience.")
    services.required_attachment_add(solicitation=solicitation, by=officer, name="Certificate of non-collusion")
    return solicitation


def published_solicitation(officer, **kwargs) -> Solicitation:
    solicitation = draft_solicitation(officer, **kwargs)
    return services.solicitation_publish(solicitation=solicitation, by=officer)


def complete_proposal(solicitation, coordinator, organization, *, total: Decimal = Decimal("90000.00"),
                      answer: str = "We have ten years of peer response."):
    proposal = services.proposal_start(solicitation=solicitation, organization=organization, by=coordinator)
    question = solicitation.questions.get()
    services.proposal_answers_save(proposal=proposal, by=coordinator, answers={question.pk: answer})
    services.proposal_attachment_add(proposal=proposal, required_attachment=solicitation.required_attachments.get(),
                                     upload=pdf_upload(f"{organization.slug}-certificate.pdf"), by=coordinator)
    services.price_proposal_save(proposal=proposal, by=coordinator, lines={
        "personnel": total * Decimal("0.5"), "responder_stipends": total * Decimal("0.3"),
        "training": total * Decimal("0.1"), "operations": total * Decimal("0.05"),
        "indirect": total * Decimal("0.05")})
    return proposal


def submitted_proposal(solicitation, coordinator, organization, **kwargs):
    proposal = complete_proposal(solicitation, coordinator, organization, **kwargs)
    services.proposal_submit(proposal=proposal, by=coordinator)
    proposal.refresh_from_db()
    return proposal
