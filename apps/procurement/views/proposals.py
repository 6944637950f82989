"""The nonprofit's pages: its proposals, the edit page with both envelopes, submission and receipts.
Also the one permission-checked way to fetch a proposal's file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..forms import AnswersForm, AttachmentForm, PriceForm, word_count
from ..models import PriceProposal, Proposal, ProposalAttachment
from ..permissions import can_edit_proposal, can_participate, can_read_technical, is_coordinator_of
from ._common import file_response


def _editable_or_404(user, pk: int) -> Proposal:
    """Another organization's proposal is a 404; staff who may know of it get a 403."""
    try:
        proposal = selectors.proposal_get(user=user, pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    if not can_edit_proposal(user, proposal):
        raise PermissionDenied
    return proposal


@login_required
@require_safe
def proposal_list(request):
    if not can_participate(request.user):
        raise PermissionDenied
    page = Paginator(selectors.coordinator_proposal_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "procurement/proposal_list.html", {
        "page": page, "open_solicitations": selectors.solicitation_public_list()[:10]})


def _render_detail(request, proposal, *, price_form=None, attachment_form=None, answers_form=None, status=200):
    solicitation = proposal.solicitation
    price = PriceProposal.objects.filter(proposal=proposal).first()
    workspace = selectors.proposal_workspace(proposal=proposal)
    questions = [question for question, _answer in workspace["questions"]]
    answers_form = answers_form or AnswersForm(questions=questions, initial={
        AnswersForm.name_for(question): answer for question, answer in workspace["questions"]})
    answer_fields = []
    for question in questions:
        field = answers_form[AnswersForm.name_for(question)]
        words = word_count(field.value() or "")
        answer_fields.append({"question": question, "field": field, "words": words,
                              "over": words - question.max_words})
    return render(request, "procurement/proposal_detail.html", {
        "proposal": proposal, "solicitation": solicitation, **workspace,
        "price": price, "answer_fields": answer_fields,
        "price_form": price_form or PriceForm.for_price(price),
        "attachment_form": attachment_form or AttachmentForm(required=[r for r, _a in workspace["attachments"]]),
        "missing": services.proposal_missing(proposal=proposal),
        "open": solicitation.accepting_proposals,
    }, status=status)


@login_required
def proposal_detail(request, pk: int):
    proposal = _editable_or_404(request.user, pk)
    if request.method == "POST":
        return _edit(request, proposal)
    return _render_detail(request, proposal)


def _edit(request, proposal):
    """The editor is one form. Whichever button is pressed, what was typed in every section is saved
    first (answers, and the price when any of it is filled in), so no section's edits are lost to
    another's button; then the button's own action runs. A field error brings the page back with
    everything as typed and nothing done."""
    solicitation = proposal.solicitation
    if not solicitation.accepting_proposals:
        messages.error(request, _("The proposal deadline has passed; proposals can no longer be changed."))
        return redirect("procurement:proposal-detail", pk=proposal.pk)
    questions = list(solicitation.questions.all())
    required = list(solicitation.required_attachments.all())
    answers_form = AnswersForm(request.POST, questions=questions)
    price_form = PriceForm(request.POST)
    # The price section is saved once any of it is filled in (all blank: left as it is).
    with_price = any((request.POST.get(name) or "").strip() for name in PriceForm.base_fields)
    valid = answers_form.is_valid() & (price_form.is_valid() if with_price else True)
    if valid:
        data = price_form.cleaned_data if with_price else {}
        try:
            saved = services.proposal_draft_save(
                proposal=proposal, by=request.user, answers=answers_form.answers(),
                lines={line: data[line] for line in PriceProposal.LINES} if with_price else None,
                notes=data.get("notes", ""))
        except ApplicationError as error:
            apply_error(price_form if error.field in price_form.fields or error.field == "total" else answers_form,
                        error)
            valid = False
    if not valid:
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
        return _render_detail(request, proposal, answers_form=answers_form,
                              price_form=price_form if with_price else PriceForm(), status=400)
    if "answers" in saved:
        messages.success(request, _("Your answers were saved."))
    if "price" in saved:
        messages.success(request, _("Your price proposal was saved."))
    if request.FILES.get("file") or request.POST.get("action") == "upload":
        refused = _attach(request, proposal, required)
        if refused:
            return refused
    return _after_save(request, proposal, saved)


def _attach(request, proposal, required: list):
    """Attach the uploaded file (the editor's one form and the upload endpoint): None when attached,
    else the editor again with the file's error (400)."""
    form = AttachmentForm(request.POST, request.FILES, required=required)
    if not form.is_valid():
        return _render_detail(request, proposal, attachment_form=form, status=400)
    requirement = next(r for r in required if r.pk == form.cleaned_data["required_attachment"])
    try:
        services.proposal_attachment_add(proposal=proposal, required_attachment=requirement,
                                         upload=form.cleaned_data["file"], by=request.user)
    except ApplicationError as error:
        form.add_error("file", error.message)
        return _render_detail(request, proposal, attachment_form=form, status=400)
    messages.success(request, _("The file was attached."))
    return None


def _after_save(request, proposal, saved: list[str]):
    """The pressed button's own action, once every section's edits are safe."""
    action, anchor = request.POST.get("action", ""), ""
    if request.POST.get("acknowledge"):
        addendum = get_object_or_404(proposal.solicitation.addenda, pk=request.POST["acknowledge"])
        run_action(request, lambda: services.addendum_acknowledge(
            addendum=addendum, organization=proposal.organization, by=request.user),
            _("Addendum %(n)s acknowledged.") % {"n": addendum.number})
        anchor = "addenda-h"
    elif request.POST.get("remove"):
        attachment = get_object_or_404(proposal.attachments, pk=request.POST["remove"], is_current=True)
        run_action(request, lambda: services.proposal_attachment_remove(attachment=attachment, by=request.user),
                   _("The file was removed."))
        anchor = "tech-h"
    elif action == "submit":
        _submit(request, proposal)
        anchor = "submit-h"
    elif action == "withdraw":
        run_action(request, lambda: services.proposal_withdraw(proposal=proposal, by=request.user),
                   _("Your proposal was withdrawn. You may submit again before the deadline."))
        anchor = "submit-h"
    elif not saved and action != "upload":
        messages.info(request, _("No changes to save."))
    if action == "save-price":
        anchor = "price-h"
    elif action == "save-answers":
        anchor = "tech-h"
    url = reverse("procurement:proposal-detail", args=[proposal.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _run(request, proposal, action, success: str):
    run_action(request, action, success)
    return redirect("procurement:proposal-detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_answers(request, pk: int):
    proposal = _editable_or_404(request.user, pk)
    answers = {q.pk: request.POST.get(f"answer_{q.pk}", "") for q in proposal.solicitation.questions.all()}
    return _run(request, proposal, lambda: services.proposal_answers_save(proposal=proposal, by=request.user,
                                                                          answers=answers),
                _("Your answers were saved."))


@login_required
@require_POST
def proposal_price(request, pk: int):
    proposal = _editable_or_404(request.user, pk)
    form = PriceForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, proposal, price_form=form, status=400)
    data = form.cleaned_data
    try:
        services.price_proposal_save(proposal=proposal, by=request.user,
                                     lines={line: data[line] for line in PriceProposal.LINES}, notes=data["notes"])
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render_detail(request, proposal, price_form=form, status=400)
    messages.success(request, _("Your price proposal was saved."))
    return redirect("procurement:proposal-detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_attachment_add(request, pk: int):
    proposal = _editable_or_404(request.user, pk)
    refused = _attach(request, proposal, list(proposal.solicitation.required_attachments.all()))
    return refused or redirect("procurement:proposal-detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_attachment_remove(request, pk: int, attachment_pk: int):
    proposal = _editable_or_404(request.user, pk)
    attachment = get_object_or_404(proposal.attachments, pk=attachment_pk, is_current=True)
    return _run(request, proposal, lambda: services.proposal_attachment_remove(attachment=attachment, by=request.user),
                _("The file was removed."))


@login_required
@require_POST
def addendum_acknowledge(request, pk: int, addendum_pk: int):
    proposal = _editable_or_404(request.user, pk)
    addendum = get_object_or_404(proposal.solicitation.addenda, pk=addendum_pk)
    return _run(request, proposal, lambda: services.addendum_acknowledge(
        addendum=addendum, organization=proposal.organization, by=request.user),
        _("Addendum %(n)s acknowledged.") % {"n": addendum.number})


@login_required
@require_POST
def proposal_submit(request, pk: int):
    proposal = _editable_or_404(request.user, pk)
    _submit(request, proposal)
    return redirect("procurement:proposal-detail", pk=proposal.pk)


def _submit(request, proposal) -> None:
    """Submit, with the receipt or the reason it was refused as the page's message."""
    try:
        submission = services.proposal_submit(proposal=proposal, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Submitted. Your receipt: %(hash)s") % {"hash": submission.receipt_hash})


@login_required
@require_POST
def proposal_withdraw(request, pk: int):
    proposal = _editable_or_404(request.user, pk)
    return _run(request, proposal, lambda: services.proposal_withdraw(proposal=proposal, by=request.user),
                _("Your proposal was withdrawn. You may submit again before the deadline."))


@login_required
@require_safe
def attachment_download(request, pk: int):
    """The proposer gets any of its files; staff only the files of the submission they may read,
    named by proposal code and requirement (never the original file name), and the read is audited."""
    attachment = (ProposalAttachment.objects.filter(pk=pk, proposal__in=selectors.proposal_list(user=request.user))
                  .select_related("proposal__solicitation", "required_attachment").first())
    if attachment is None:
        raise Http404
    proposal = attachment.proposal
    if is_coordinator_of(request.user, proposal.organization_id):
        return file_response(attachment.file, filename=attachment.original_name,
                             content_type=attachment.content_type)
    if not can_read_technical(request.user, proposal):
        raise PermissionDenied
    submission = selectors.latest_submission(proposal=proposal)
    if submission is None or attachment.pk not in [a["id"] for a in submission.technical.get("attachments", [])]:
        raise Http404
    services.proposal_sealed_read_record(proposal=proposal, by=request.user, envelope="technical")
    extension = attachment.file.name.rsplit(".", 1)[-1]
    return file_response(attachment.file, filename=f"{proposal.code}-attachment-{attachment.required_attachment.order}"
                                                   f".{extension}", content_type=attachment.content_type)
