"""A nonprofit's proposal: the working copy, its two envelopes, and the sealed submissions."""

import hashlib
import json
import secrets
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organization, User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.transitions import transition
from apps.notifications.services import notify

from ..models import (
    Addendum,
    AddendumAcknowledgement,
    PriceProposal,
    Proposal,
    ProposalAttachment,
    ProposalSubmission,
    RequiredAttachment,
    Solicitation,
    TechnicalAnswer,
)
from ..permissions import can_edit_proposal, can_read_price, can_read_technical, is_coordinator_of
from ..uploads import check_upload
from ._common import coordinators_of, lock_solicitation, require_open_for_proposals, site_path

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_code() -> str:
    return "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def _require_editor(user, proposal: Proposal) -> None:
    if not can_edit_proposal(user, proposal):
        raise ApplicationError(_("Only a coordinator of the proposing organization can change this proposal."),
                               code="forbidden")


def _lock(proposal: Proposal) -> tuple[Solicitation, Proposal]:
    """Lock the solicitation first (the deadline's guard), then the proposal, and check the clock."""
    solicitation = lock_solicitation(proposal.solicitation)
    require_open_for_proposals(solicitation)
    proposal = Proposal.objects.select_for_update().select_related("organization").get(pk=proposal.pk)
    proposal.solicitation = solicitation
    return solicitation, proposal


def proposal_start(*, solicitation: Solicitation, organization: Organization, by: User) -> Proposal:
    """One proposal per organization: starting twice returns the existing one."""
    require(is_coordinator_of(by, organization.pk), _("Only a coordinator of the organization can start its proposal."))
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        existing = Proposal.objects.filter(solicitation=solicitation, organization=organization).first()
        if existing is not None:
            return existing
        require_open_for_proposals(solicitation)
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    proposal = Proposal.objects.create(solicitation=solicitation, organization=organization,
                                                       code=_new_code(), created_by=by)
                break
            except IntegrityError:
                continue  # a code collision: draw again
        else:
            raise ApplicationError(_("Could not start the proposal; please try again."))
        PriceProposal.objects.create(proposal=proposal)
        audit(actor=by, action="procurement.proposal.started", target=proposal, organization=organization)
    return proposal


def proposal_answers_save(*, proposal: Proposal, by: User, answers: dict[int, str]) -> Proposal:
    _require_editor(by, proposal)
    with transaction.atomic():
        solicitation, proposal = _lock(proposal)
        questions = {q.pk: q for q in solicitation.questions.all()}
        for question_id, text in answers.items():
            question = questions.get(int(question_id))
            if question is None:
                raise ApplicationError(_("That question is not part of this solicitation."), field="answers")
            text = (text or "").strip()
            if len(text.split()) > question.max_words:
                raise ApplicationError(
                    _("Answer to question %(n)s is longer than %(limit)s words.")
                    % {"n": question.order, "limit": question.max_words}, field=f"answer_{question.pk}")
            TechnicalAnswer.objects.update_or_create(proposal=proposal, question=question, defaults={"text": text})
        audit(actor=by, action="procurement.proposal.answers_saved", target=proposal,
              organization=proposal.organization, after={"questions": sorted(int(k) for k in answers)})
    return proposal


def proposal_draft_save(*, proposal: Proposal, by: User, answers: dict[int, str], lines: dict | None = None,
                        notes: str = "") -> list[str]:
    """The editor's one save, whichever section's button was pressed: the answers and, when given, the
    price, in one transaction, each through its own service (its rules and audit). A section whose
    values did not change is not written again. Returns the sections saved ("answers", "price"). After the
    deadline even a save that changes nothing is refused: the proposal is no longer the proposer's to edit."""
    _require_editor(by, proposal)
    require_open_for_proposals(proposal.solicitation)
    saved = []
    with transaction.atomic():
        stored = {a.question_id: a.text for a in proposal.answers.all()}
        changed = {pk: text for pk, text in answers.items() if (text or "").strip() != stored.get(int(pk), "")}
        if changed:
            proposal_answers_save(proposal=proposal, by=by, answers=changed)
            saved.append("answers")
        if lines is not None:
            price = PriceProposal.objects.filter(proposal=proposal).first()
            if price is None or price.notes != notes or any(
                    getattr(price, line) != Decimal(str(lines.get(line) or 0)) for line in PriceProposal.LINES):
                price_proposal_save(proposal=proposal, by=by, lines=lines, notes=notes)
                saved.append("price")
    return saved


def proposal_attachment_add(*, proposal: Proposal, required_attachment: RequiredAttachment, upload,
                            by: User) -> ProposalAttachment:
    _require_editor(by, proposal)
    if required_attachment.solicitation_id != proposal.solicitation_id:
        raise ApplicationError(_("That attachment is not asked for by this solicitation."), field="required_attachment")
    checked = check_upload(upload)  # before anything is written
    stored = None
    try:
        with transaction.atomic():
            _solicitation, proposal = _lock(proposal)
            # A replaced file that was part of a submission stays on record; a draft-only one goes.
            for old in proposal.attachments.filter(required_attachment=required_attachment, is_current=True):
                _detach(old)
            attachment = ProposalAttachment(
                proposal=proposal, required_attachment=required_attachment, original_name=checked.original_name,
                content_type=checked.content_type, size=checked.size, sha256=checked.sha256, uploaded_by=by)
            attachment.file.save(checked.storage_name, ContentFile(checked.content), save=False)
            stored = attachment.file.name
            attachment.save()
            audit(actor=by, action="procurement.proposal.attachment_added", target=proposal,
                  organization=proposal.organization,
                  after={"requirement": required_attachment.pk, "sha256": checked.sha256, "size": checked.size})
    except Exception:
        if stored:
            ProposalAttachment._meta.get_field("file").storage.delete(stored)
        raise
    return attachment


def _in_a_submission(attachment: ProposalAttachment) -> bool:
    return any(attachment.pk in [a["id"] for a in s.technical.get("attachments", [])]
               for s in attachment.proposal.submissions.all())


def _detach(attachment: ProposalAttachment) -> None:
    if _in_a_submission(attachment):
        attachment.is_current = False
        attachment.save(update_fields=["is_current"])
    else:
        name = attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: ProposalAttachment._meta.get_field("file").storage.delete(name))


def proposal_attachment_remove(*, attachment: ProposalAttachment, by: User) -> None:
    _require_editor(by, attachment.proposal)
    with transaction.atomic():
        _solicitation, proposal = _lock(attachment.proposal)
        attachment = ProposalAttachment.objects.select_related("proposal").get(pk=attachment.pk, is_current=True)
        _detach(attachment)
        audit(actor=by, action="procurement.proposal.attachment_removed", target=proposal,
              organization=proposal.organization, before={"attachment": attachment.pk})


def price_proposal_save(*, proposal: Proposal, by: User, lines: dict, notes: str = "") -> PriceProposal:
    _require_editor(by, proposal)
    values = {}
    for line in PriceProposal.LINES:
        try:
            value = Decimal(str(lines.get(line, "0") or "0"))
        except (InvalidOperation, ValueError):
            raise ApplicationError(_("Enter an amount in dollars."), field=line) from None
        if value < 0 or value != value.quantize(Decimal("0.01")):
            raise ApplicationError(_("Enter a positive amount with at most two decimals."), field=line)
        values[line] = value
    with transaction.atomic():
        solicitation, proposal = _lock(proposal)
        total = sum(values.values(), Decimal("0"))
        if total > solicitation.budget_ceiling:
            raise ApplicationError(
                _("The total, $%(total)s, is over the budget ceiling of $%(ceiling)s.")
                % {"total": f"{total:,.2f}", "ceiling": f"{solicitation.budget_ceiling:,.2f}"},
                field="total", code="over_ceiling")
        price, _created = PriceProposal.objects.update_or_create(proposal=proposal,
                                                                 defaults={**values, "notes": notes})
        # The amounts themselves stay out of the log: the log is not a way around the price envelope.
        audit(actor=by, action="procurement.proposal.price_saved", target=proposal,
              organization=proposal.organization)
    return price


def addendum_acknowledge(*, addendum: Addendum, organization: Organization, by: User) -> AddendumAcknowledgement:
    require(is_coordinator_of(by, organization.pk),
            _("Only a coordinator of the organization can acknowledge addenda."))
    with transaction.atomic():
        solicitation = lock_solicitation(addendum.solicitation)
        require_open_for_proposals(solicitation)
        ack, created = AddendumAcknowledgement.objects.get_or_create(
            addendum=addendum, organization=organization, defaults={"acknowledged_by": by})
        if created:
            audit(actor=by, action="procurement.addendum.acknowledged", target=solicitation,
                  organization=organization, after={"addendum": addendum.number})
    return ack


def _canonical_json(value) -> str:
    return json.dumps(json.loads(json.dumps(value, cls=DjangoJSONEncoder)), sort_keys=True, separators=(",", ":"))


def receipt_hash_for(*, reference: str, code: str, number: int, submitted_at, technical: dict, price: dict) -> str:
    payload = {"solicitation": reference, "proposal": code, "number": number, "submitted_at": submitted_at,
               "technical": technical, "price": price}
    return hashlib.sha256(_canonical_json(payload).encode("utf-8")).hexdigest()


def proposal_missing(*, proposal: Proposal) -> list[str]:
    """What still stops the proposal from being submitted, in words the proposer can act on."""
    solicitation = proposal.solicitation
    missing = []
    answers = {a.question_id: a.text for a in proposal.answers.all()}
    for question in solicitation.questions.all():
        if not answers.get(question.pk, "").strip():
            missing.append(_("Answer question %(n)s.") % {"n": question.order})
    present = set(proposal.attachments.filter(is_current=True).values_list("required_attachment_id", flat=True))
    for required in solicitation.required_attachments.all():
        if required.pk not in present:
            missing.append(_("Attach: %(name)s.") % {"name": required.name})
    acknowledged = set(AddendumAcknowledgement.objects.filter(
        addendum__solicitation=solicitation, organization_id=proposal.organization_id
    ).values_list("addendum_id", flat=True))
    for addendum in solicitation.addenda.all():
        if addendum.pk not in acknowledged:
            missing.append(_("Acknowledge addendum %(n)s.") % {"n": addendum.number})
    price = PriceProposal.objects.filter(proposal=proposal).first()
    if price is None or price.total <= 0:
        missing.append(_("Complete the price proposal."))
    elif price.total > solicitation.budget_ceiling:
        missing.append(_("Bring the price within the budget ceiling."))
    return missing


def proposal_submit(*, proposal: Proposal, by: User) -> ProposalSubmission:
    """Seal the current content as a new submission, with a SHA-256 receipt, before the deadline."""
    _require_editor(by, proposal)
    with transaction.atomic():
        solicitation, proposal = _lock(proposal)
        missing = proposal_missing(proposal=proposal)
        if missing:
            raise ApplicationError(" ".join(missing), code="incomplete")
        # The instant recorded on the receipt is the instant checked against the deadline: on a busy
        # machine the checks above can take long enough to cross it.
        now = timezone.now()
        require_open_for_proposals(solicitation, now=now)
        answers = {a.question_id: a.text for a in proposal.answers.all()}
        technical = {
            "answers": [{"question_id": q.pk, "number": q.order, "prompt": q.prompt, "text": answers[q.pk]}
                        for q in solicitation.questions.all()],
            "attachments": [{"id": a.pk, "requirement_id": a.required_attachment_id,
                             "requirement": a.required_attachment.name, "content_type": a.content_type,
                             "size": a.size, "sha256": a.sha256}
                            for a in proposal.attachments.filter(is_current=True)
                            .select_related("required_attachment")],
            "addenda_acknowledged": sorted(solicitation.addenda.values_list("number", flat=True)),
        }
        price_row = proposal.price
        price = {**{line: str(getattr(price_row, line)) for line in PriceProposal.LINES},
                 "total": str(price_row.total), "notes": price_row.notes}
        number = (proposal.submissions.aggregate(m=Max("number"))["m"] or 0) + 1
        receipt = receipt_hash_for(reference=solicitation.reference, code=proposal.code, number=number,
                                   submitted_at=now, technical=technical, price=price)
        submission = ProposalSubmission.objects.create(
            proposal=proposal, number=number, submitted_by=by, submitted_at=now, technical=technical, price=price,
            receipt_hash=receipt)
        proposal.status, proposal.submitted_at = Proposal.Status.SUBMITTED, now
        proposal.save(update_fields=["status", "submitted_at", "updated_at"])
        audit(actor=by, action="procurement.proposal.submitted", target=proposal, organization=proposal.organization,
              after={"submission": number, "receipt": receipt})
        link = site_path("procurement:proposal-detail", proposal.pk)
        for user in coordinators_of([proposal.organization_id]):
            notify(kind="procurement.receipt", to=user,
                   dedupe_key=f"procurement.receipt:{submission.pk}:{user.pk}",
                   context={"solicitation": solicitation.title, "reference": solicitation.reference,
                            "organization": proposal.organization.name, "number": number,
                            "submitted_at": now, "receipt": receipt, "proposals_due_at": solicitation.proposals_due_at},
                   target=submission, link=link)
    return submission


def proposal_withdraw(*, proposal: Proposal, by: User) -> Proposal:
    _require_editor(by, proposal)
    with transaction.atomic():
        _solicitation, proposal = _lock(proposal)  # the solicitation's lock first, as every proposal change
        return transition(proposal, from_states={Proposal.Status.SUBMITTED}, to_state=Proposal.Status.WITHDRAWN,
                          refused=_("Only a submitted proposal can be withdrawn."), actor=by,
                          action="procurement.proposal.withdrawn", organization=proposal.organization)


def proposal_sealed_read_record(*, proposal: Proposal, by: User, envelope: str) -> None:
    """Every staff read of a proposal's content is on the record. The proposer's own reads are not
    sealed material and are not logged."""
    allowed = can_read_price(by, proposal) if envelope == "price" else can_read_technical(by, proposal)
    require(allowed, _("You may not read this envelope."))
    if is_coordinator_of(by, proposal.organization_id):
        return
    audit(actor=by, action=f"procurement.proposal.read_{envelope}", target=proposal)
