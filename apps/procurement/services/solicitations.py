"""Writing and running a solicitation: drafting, publication, Q&A, addenda, closing, opening,
cancellation. Evaluation and award are in evaluation.py."""

from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organization, User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.transitions import transition
from apps.core.translated import clean_translations
from apps.notifications.services import notify

from ..models import (
    Addendum,
    Clarification,
    Criterion,
    ProcurementType,
    Proposal,
    ProposalQuestion,
    RatingMethod,
    RequiredAttachment,
    Solicitation,
    SolicitationDocument,
)
from ..permissions import can_manage_solicitation, can_participate, is_coordinator_of
from ..uploads import check_upload
from ._common import coordinators_of, lock_solicitation, require_status, require_text, site_path, status_refusal

S = Solicitation.Status
EDITABLE_FIELDS = ("title", "summary", "scope", "procurement_type", "rating_method", "price_points", "budget_ceiling",
                   "questions_due_at", "proposals_due_at", "opening_at", "scoring_due_at", "blind_review",
                   "two_envelopes", "translations")


def _require_officer(user) -> None:
    require(can_manage_solicitation(user), _("Only a procurement officer can do this."))


def _require_draft(solicitation: Solicitation) -> None:
    if solicitation.status != S.DRAFT:
        raise ApplicationError(
            _("The solicitation is published: its terms and criteria are frozen; change them through an addendum."),
            code="frozen")


def _apply_type_rules(solicitation: Solicitation) -> None:
    try:
        solicitation.translations = clean_translations(solicitation.translations, Solicitation.TRANSLATED_FIELDS)
    except ValueError as error:
        raise ApplicationError(str(error), field="translations") from error
    # The procurement type decides which safeguards are mandatory: a 30B contract always has a
    # separate price envelope.
    if solicitation.procurement_type == ProcurementType.CONTRACT_30B:
        solicitation.two_envelopes = True
    if solicitation.questions_due_at and solicitation.proposals_due_at \
            and solicitation.questions_due_at >= solicitation.proposals_due_at:
        raise ApplicationError(_("Questions must be due before proposals."), field="questions_due_at")


def solicitation_create(*, by: User, reference: str, title: str, summary: str, budget_ceiling: Decimal,
                        questions_due_at: datetime, proposals_due_at: datetime, **fields) -> Solicitation:
    _require_officer(by)
    reference = require_text(reference, field="reference", message=_("A reference number is required."))
    if Solicitation.objects.filter(reference__iexact=reference).exists():
        raise ApplicationError(_("Another solicitation already uses this reference number."), field="reference")
    solicitation = Solicitation(reference=reference, title=title, summary=summary, budget_ceiling=budget_ceiling,
                                questions_due_at=questions_due_at, proposals_due_at=proposals_due_at,
                                created_by=by, **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    _apply_type_rules(solicitation)
    with transaction.atomic():
        solicitation.save()
        audit(actor=by, action="procurement.solicitation.created", target=solicitation,
              after={"reference": reference, "title": title})
    return solicitation


def solicitation_update(*, solicitation: Solicitation, by: User, **fields) -> Solicitation:
    _require_officer(by)
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        _require_draft(solicitation)
        before = {k: getattr(solicitation, k) for k in fields if k in EDITABLE_FIELDS}
        for key, value in fields.items():
            if key in EDITABLE_FIELDS:
                setattr(solicitation, key, value)
        _apply_type_rules(solicitation)
        solicitation.save()
        audit(actor=by, action="procurement.solicitation.updated", target=solicitation, before=before,
              after={k: getattr(solicitation, k) for k in before})
    return solicitation


def criterion_add(*, solicitation: Solicitation, by: User, kind: str, title: str, description: str = "",
                  max_points: int = 0) -> Criterion:
    _require_officer(by)
    title = require_text(title, field="title", message=_("A criterion needs a title."))
    if kind not in Criterion.Kind.values:
        raise ApplicationError(_("Choose minimum or comparative."), field="kind")
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        _require_draft(solicitation)
        if (kind == Criterion.Kind.COMPARATIVE and solicitation.rating_method == RatingMethod.POINTS
                and not max_points):
            raise ApplicationError(_("With weighted points, a comparative criterion needs its points."),
                                   field="max_points")
        order = (solicitation.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
        criterion = Criterion.objects.create(
            solicitation=solicitation, kind=kind, title=title, description=description,
            max_points=max_points if kind == Criterion.Kind.COMPARATIVE else 0, order=order)
        audit(actor=by, action="procurement.criterion.added", target=solicitation,
              after={"criterion": criterion.pk, "kind": kind, "title": title, "max_points": criterion.max_points})
    return criterion


def proposal_question_add(*, solicitation: Solicitation, by: User, prompt: str,
                          max_words: int = 500) -> ProposalQuestion:
    _require_officer(by)
    prompt = require_text(prompt, field="prompt", message=_("Write the question."))
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        _require_draft(solicitation)
        order = (solicitation.questions.aggregate(m=Max("order"))["m"] or 0) + 1
        question = ProposalQuestion.objects.create(solicitation=solicitation, prompt=prompt, max_words=max_words,
                                                   order=order)
        audit(actor=by, action="procurement.question.added", target=solicitation,
              after={"question": question.pk, "prompt": prompt})
    return question


def required_attachment_add(*, solicitation: Solicitation, by: User, name: str,
                            description: str = "") -> RequiredAttachment:
    _require_officer(by)
    name = require_text(name, field="name", message=_("Name the attachment."))
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        _require_draft(solicitation)
        order = (solicitation.required_attachments.aggregate(m=Max("order"))["m"] or 0) + 1
        required = RequiredAttachment.objects.create(solicitation=solicitation, name=name, description=description,
                                                     order=order)
        audit(actor=by, action="procurement.required_attachment.added", target=solicitation,
              after={"required_attachment": required.pk, "name": name})
    return required


def solicitation_item_remove(*, solicitation: Solicitation, by: User, item) -> None:
    """Remove a criterion, a question or a required attachment from a draft."""
    _require_officer(by)
    if item.solicitation_id != solicitation.pk:
        raise ApplicationError(_("That item is not part of this solicitation."))
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        _require_draft(solicitation)
        label = str(item)
        item.delete()
        audit(actor=by, action="procurement.solicitation.item_removed", target=solicitation,
              before={"item": label, "type": type(item).__name__})


def document_add(*, solicitation: Solicitation, by: User, title: str, upload) -> SolicitationDocument:
    _require_officer(by)
    title = require_text(title, field="title", message=_("Give the document a title."))
    if solicitation.status not in (S.DRAFT, S.PUBLISHED):
        raise ApplicationError(_("Documents can be added only before the proposal deadline."))
    checked = check_upload(upload)
    with transaction.atomic():
        document = SolicitationDocument(solicitation=solicitation, title=title, content_type=checked.content_type,
                                        size=checked.size, sha256=checked.sha256, uploaded_by=by)
        document.file.save(checked.storage_name, ContentFile(checked.content), save=False)
        try:
            document.save()
            audit(actor=by, action="procurement.document.added", target=solicitation,
                  after={"document": document.pk, "title": title, "sha256": checked.sha256})
        except Exception:
            document.file.delete(save=False)
            raise
    return document


def solicitation_publish(*, solicitation: Solicitation, by: User) -> Solicitation:
    _require_officer(by)

    def publish(row: Solicitation) -> list[str]:
        now = timezone.now()
        if row.questions_due_at <= now:
            raise ApplicationError(_("The questions deadline is already past; set new dates before publishing."),
                                   field="questions_due_at")
        comparative = list(row.criteria.filter(kind=Criterion.Kind.COMPARATIVE))
        if not comparative:
            raise ApplicationError(_("Add at least one comparative criterion before publishing."))
        if not row.questions.exists():
            raise ApplicationError(_("Add at least one question the technical proposal must answer."))
        if row.rating_method == RatingMethod.POINTS and any(c.max_points == 0 for c in comparative):
            raise ApplicationError(_("Every comparative criterion needs points with the weighted-points method."))
        row.published_at = now
        return ["published_at"]

    return transition(solicitation, from_states={S.DRAFT}, to_state=S.PUBLISHED,
                      refused=status_refusal(S.DRAFT, action=_("publish")), apply=publish, actor=by,
                      action="procurement.solicitation.published",
                      after=lambda row: {"status": row.status, "proposals_due_at": row.proposals_due_at})


def solicitation_close(*, solicitation: Solicitation, by: User | None = None) -> Solicitation:
    """Close at the deadline (the scanner does it; the opening does it too if it has not run yet)."""

    def close(row: Solicitation) -> list[str]:
        now = timezone.now()
        if now < row.proposals_due_at:
            raise ApplicationError(_("The proposal deadline has not passed yet."), code="too_early")
        row.closed_at = now
        return ["closed_at"]

    return transition(solicitation, from_states={S.PUBLISHED}, to_state=S.CLOSED,
                      refused=status_refusal(S.PUBLISHED, action=_("close")), apply=close, actor=by,
                      action="procurement.solicitation.closed",
                      after=lambda row: {"status": S.CLOSED, "submitted": row.proposals.filter(
                          status=Proposal.Status.SUBMITTED).count()})


def solicitations_due_scan(*, now: datetime) -> int:
    """The scanner: close every published solicitation whose deadline has passed. Returns how many."""
    closed = 0
    for solicitation in Solicitation.objects.filter(status=S.PUBLISHED, proposals_due_at__lte=now):
        try:
            solicitation_close(solicitation=solicitation)
        except ApplicationError:
            continue  # closed or extended by someone else a moment ago
        closed += 1
    return closed


def solicitation_open(*, solicitation: Solicitation, by: User) -> Solicitation:
    """The opening: unseals the technical proposals for the officer and fixes the register."""
    _require_officer(by)
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        if solicitation.status == S.PUBLISHED:
            solicitation = solicitation_close(solicitation=solicitation, by=by)

        def open_(row: Solicitation) -> list[str]:
            now = timezone.now()
            if row.opening_at and now < row.opening_at:
                raise ApplicationError(_("The opening is scheduled later; it cannot happen before its time."),
                                       code="too_early")
            row.opened_at = now
            return ["opened_at"]

        def register(row: Solicitation) -> dict:
            return {"register": [
                {"code": p.code, "organization": p.organization.name, "submitted_at": p.submitted_at,
                 "receipt": p.submissions.first().receipt_hash}
                for p in row.proposals.filter(status=Proposal.Status.SUBMITTED).select_related("organization")]}

        return transition(solicitation, from_states={S.CLOSED}, to_state=S.OPENED,
                          refused=status_refusal(S.CLOSED, action=_("open the proposals")), apply=open_, actor=by,
                          action="procurement.solicitation.opened", after=register)


def addendum_publish(*, solicitation: Solicitation, by: User, title: str, body: str,
                     new_proposals_due_at: datetime | None = None) -> Addendum:
    _require_officer(by)
    title = require_text(title, field="title", message=_("Give the addendum a title."))
    body = require_text(body, field="body", message=_("Write what the addendum changes."))
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        require_status(solicitation, S.PUBLISHED, action=_("publish an addendum"))
        now = timezone.now()
        if now >= solicitation.proposals_due_at:
            raise ApplicationError(_("The proposal deadline has passed; no addendum can be issued."))
        if new_proposals_due_at is not None and (
                new_proposals_due_at <= now or new_proposals_due_at <= solicitation.questions_due_at):
            raise ApplicationError(_("The new deadline must be in the future and after the questions deadline."),
                                   field="new_proposals_due_at")
        number = (solicitation.addenda.aggregate(m=Max("number"))["m"] or 0) + 1
        addendum = Addendum.objects.create(solicitation=solicitation, number=number, title=title, body=body,
                                           new_proposals_due_at=new_proposals_due_at, published_by=by,
                                           published_at=now)
        before_due = solicitation.proposals_due_at
        if new_proposals_due_at is not None:
            solicitation.proposals_due_at = new_proposals_due_at
            solicitation.save(update_fields=["proposals_due_at", "updated_at"])
        audit(actor=by, action="procurement.addendum.published", target=solicitation,
              before={"proposals_due_at": before_due},
              after={"addendum": number, "title": title, "proposals_due_at": solicitation.proposals_due_at})
        # Everyone who has shown interest hears of it: organizations with a proposal or a question.
        org_ids = set(solicitation.proposals.values_list("organization_id", flat=True))
        org_ids |= set(solicitation.clarifications.values_list("organization_id", flat=True))
        link = site_path("procurement:solicitation-detail", solicitation.reference)
        for user in coordinators_of(org_ids):
            notify(kind="procurement.addendum", to=user, dedupe_key=f"procurement.addendum:{addendum.pk}:{user.pk}",
                   context={"solicitation": solicitation.title, "reference": solicitation.reference,
                            "number": number, "title": title, "proposals_due_at": solicitation.proposals_due_at},
                   target=addendum, link=link)
    return addendum


def clarification_ask(*, solicitation: Solicitation, organization: Organization, by: User,
                      question: str) -> Clarification:
    require(can_participate(by) and is_coordinator_of(by, organization.pk),
            _("Only a coordinator of a nonprofit can ask questions for it."))
    question = require_text(question, field="question", message=_("Write your question."))
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        if solicitation.status != S.PUBLISHED or timezone.now() >= solicitation.questions_due_at:
            raise ApplicationError(_("The questions deadline has passed."), code="deadline_passed")
        clarification = Clarification.objects.create(solicitation=solicitation, organization=organization,
                                                     asked_by=by, question=question)
        audit(actor=by, action="procurement.clarification.asked", target=solicitation, organization=organization,
              after={"clarification": clarification.pk})
    return clarification


def clarification_answer(*, clarification: Clarification, by: User, answer: str, question: str = "") -> Clarification:
    """Publish the answer. The officer may reword the question to remove anything identifying."""
    _require_officer(by)
    answer = require_text(answer, field="answer", message=_("Write the answer."))
    with transaction.atomic():
        solicitation = lock_solicitation(clarification.solicitation)
        if solicitation.status in (S.DRAFT, S.CANCELLED):
            raise ApplicationError(_("This solicitation does not take answers now."))
        before = {"answer": clarification.answer}
        clarification.answer = answer
        if question.strip():
            clarification.question = question.strip()
        clarification.status = Clarification.Status.ANSWERED
        clarification.answered_by, clarification.answered_at = by, timezone.now()
        clarification.save()
        audit(actor=by, action="procurement.clarification.answered", target=solicitation, before=before,
              after={"clarification": clarification.pk, "answer": answer})
    return clarification


def solicitation_cancel(*, solicitation: Solicitation, by: User, reason: str) -> Solicitation:
    _require_officer(by)
    reason = require_text(reason, field="reason", message=_("Give the reason for cancelling."))

    def cancel(row: Solicitation) -> list[str]:
        row.cancel_reason, row.cancelled_at = reason, timezone.now()
        return ["cancel_reason", "cancelled_at"]

    def tell_proposers(row: Solicitation) -> None:
        org_ids = set(row.proposals.values_list("organization_id", flat=True))
        link = site_path("procurement:solicitation-detail", row.reference)
        for user in coordinators_of(org_ids):
            notify(kind="procurement.cancelled", to=user,
                   dedupe_key=f"procurement.cancelled:{row.pk}:{user.pk}",
                   context={"solicitation": row.title, "reference": row.reference, "reason": reason},
                   target=row, link=link)

    return transition(solicitation, from_states=set(S.values) - {S.AWARDED, S.CANCELLED}, to_state=S.CANCELLED,
                      refused=_("An awarded or cancelled solicitation cannot be cancelled."), apply=cancel, actor=by,
                      action="procurement.solicitation.cancelled", before=lambda row: {"status": row.status},
                      after={"status": S.CANCELLED, "reason": reason}, then=tell_proposers)
