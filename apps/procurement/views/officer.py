"""The procurement officer's pages: every step of a solicitation from one page, plus the register
and the procurement file. The consensus grid is in consensus.py."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error

from .. import selectors, services
from ..forms import (
    AddendumForm,
    ClarificationAnswerForm,
    CriterionForm,
    DocumentForm,
    EvaluatorAssignForm,
    ProposalQuestionForm,
    ReasonForm,
    RequiredAttachmentForm,
    ResponsivenessForm,
)
from ..lifecycle import lifecycle_steps
from ..models import Criterion, Proposal, Solicitation
from ..permissions import (
    EVALUATION_STATUSES,
    can_appoint_evaluator,
    can_open_proposals,
    can_read_price,
    can_read_technical,
)
from ..procurement_file import procurement_file
from ._common import back_to_manage, managed_solicitation_or_404, officer_or_403, run_and_back
from .steps import confirm_form

STEP_ACTIONS = {Solicitation.Status.PRICE_OPENED: "recommend", Solicitation.Status.AWARD_RECOMMENDED: "award"}


@login_required
@require_safe
def solicitation_manage_list(request):
    officer_or_403(request.user)
    status = request.GET.get("status", "")
    qs = selectors.solicitation_list(user=request.user)
    if status in Solicitation.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "procurement/solicitation_manage_list.html", {
        "page": page, "status": status, "statuses": Solicitation.Status.choices,
        "query": f"status={status}" if status else ""})


def _save_solicitation(request, form, solicitation=None):
    data = form.cleaned_data
    try:
        if solicitation is None:
            return services.solicitation_create(by=request.user, **data)
        data.pop("reference", None)
        return services.solicitation_update(solicitation=solicitation, by=request.user, **data)
    except ApplicationError as error:
        apply_error(form, error)
        return None


@login_required
def solicitation_create(request):
    officer_or_403(request.user)
    from ..forms import SolicitationForm

    form = SolicitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        solicitation = _save_solicitation(request, form)
        if solicitation is not None:
            messages.success(request, _("Draft saved. Add criteria and questions, then publish."))
            return back_to_manage(solicitation)
    return render(request, "procurement/solicitation_form.html", {"form": form})


@login_required
def solicitation_edit(request, pk: int):
    solicitation = managed_solicitation_or_404(request.user, pk)
    from ..forms import SolicitationForm

    if solicitation.status != Solicitation.Status.DRAFT:
        messages.error(request, _("A published solicitation changes only through an addendum."))
        return back_to_manage(solicitation)
    form = SolicitationForm(request.POST or None, instance=solicitation)
    if request.method == "POST" and form.is_valid() and _save_solicitation(request, form, solicitation) is not None:
        messages.success(request, _("Saved."))
        return back_to_manage(solicitation)
    return render(request, "procurement/solicitation_form.html", {"form": form, "solicitation": solicitation})


# The manage page's sections, by status: the current step's work open on top, the rest (earlier
# steps' records, later steps) folded in <details> below. A section whose forms no longer apply
# shows its record only.
SECTION_TITLES = {
    "terms": gettext_lazy("Criteria, questions and attachments"), "documents": gettext_lazy("Documents"),
    "addenda": gettext_lazy("Addenda"), "questions": gettext_lazy("Questions from proposers"),
    "committee": gettext_lazy("Evaluation committee"), "register": gettext_lazy("Register of proposals"),
    "ranking": gettext_lazy("Ranking and award"), "cancel": gettext_lazy("Cancel the solicitation"),
}
S = Solicitation.Status
CURRENT_SECTIONS = {
    S.DRAFT: ["terms", "documents", "committee"],
    S.PUBLISHED: ["questions", "addenda", "documents", "committee"],
    S.CLOSED: ["committee"],
    S.OPENED: ["register", "committee"],
    S.EVALUATION: ["committee"],
    S.CONSENSUS: ["committee", "ranking"],
    S.PRICE_OPENED: ["ranking"],
    S.AWARD_RECOMMENDED: ["ranking"],
    S.AWARDED: ["ranking"],
    S.CANCELLED: [],
}
SECTION_ORDER = ["ranking", "committee", "register", "questions", "addenda", "documents", "terms", "cancel"]


def _sections(solicitation: Solicitation) -> tuple[list[dict], list[dict]]:
    present = {"terms", "documents", "committee"}
    if solicitation.is_public:
        present |= {"addenda", "questions"}
    if solicitation.opened_at:
        present.add("register")
    if solicitation.consensus_started_at:
        present.add("ranking")
    if solicitation.status not in (S.AWARDED, S.CANCELLED):
        present.add("cancel")
    current = [key for key in CURRENT_SECTIONS[solicitation.status] if key in present]
    rest = [key for key in SECTION_ORDER if key in present and key not in current]
    return ([{"key": k, "title": SECTION_TITLES[k], "template": f"procurement/_manage_{k}.html"} for k in current],
            [{"key": k, "title": SECTION_TITLES[k], "template": f"procurement/_manage_{k}.html"} for k in rest])


@login_required
@require_safe
def solicitation_manage(request, pk: int):
    solicitation = managed_solicitation_or_404(request.user, pk)
    detail = selectors.solicitation_public_detail(solicitation=solicitation)
    minimum = [c for c in detail["criteria"] if c.kind == Criterion.Kind.MINIMUM]
    register = list(selectors.register_list(solicitation=solicitation)) if solicitation.opened_at else []
    ranking = (selectors.solicitation_ranking(solicitation=solicitation)
               if solicitation.consensus_started_at else [])
    can_appoint = can_appoint_evaluator(solicitation)
    assign_form = EvaluatorAssignForm(solicitation=solicitation) if can_appoint else None
    current, rest = _sections(solicitation)
    return render(request, "procurement/solicitation_manage.html", {
        "solicitation": solicitation, **detail,
        "steps": lifecycle_steps(solicitation), "current_sections": current, "other_sections": rest,
        "minimum_criteria": minimum,
        "clarifications": list(selectors.clarification_list(solicitation=solicitation)),
        "committee": selectors.evaluator_progress_list(solicitation=solicitation),
        "show_progress": solicitation.status in EVALUATION_STATUSES,
        "can_open": can_open_proposals(solicitation, timezone.now()),
        "register": register, "ranking": ranking,
        "draft_count": solicitation.proposals.filter(status=Proposal.Status.DRAFT).count(),
        "criterion_form": CriterionForm(), "question_form": ProposalQuestionForm(),
        "attachment_form": RequiredAttachmentForm(), "document_form": DocumentForm(), "addendum_form": AddendumForm(),
        "assign_form": assign_form,
        "evaluator_candidates": assign_form is not None and assign_form.fields["evaluator"].queryset.exists(),
        "cancel_form": ReasonForm(),
        # The recommendation's or the award's form, asked in the next step's confirmation modal.
        "step_form": confirm_form(solicitation, STEP_ACTIONS.get(solicitation.status, "")),
        "responsiveness_form": ResponsivenessForm(criteria=minimum),
        "S": Solicitation.Status,
    })


@login_required
@require_POST
def solicitation_cancel(request, pk: int):
    solicitation = managed_solicitation_or_404(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_and_back(request, solicitation, lambda: services.solicitation_cancel(
        solicitation=solicitation, by=request.user, reason=reason), _("The solicitation was cancelled."))


@login_required
@require_POST
def solicitation_item_add(request, pk: int, item: str):
    solicitation = managed_solicitation_or_404(request.user, pk)
    forms_and_services = {
        "criterion": (CriterionForm, lambda d: services.criterion_add(
            solicitation=solicitation, by=request.user, kind=d["kind"], title=d["title"],
            description=d["description"], max_points=d["max_points"] or 0)),
        "question": (ProposalQuestionForm, lambda d: services.proposal_question_add(
            solicitation=solicitation, by=request.user, prompt=d["prompt"], max_words=d["max_words"])),
        "attachment": (RequiredAttachmentForm, lambda d: services.required_attachment_add(
            solicitation=solicitation, by=request.user, name=d["name"], description=d["description"])),
        "document": (DocumentForm, lambda d: services.document_add(
            solicitation=solicitation, by=request.user, title=d["title"], upload=d["file"])),
        "addendum": (AddendumForm, lambda d: services.addendum_publish(
            solicitation=solicitation, by=request.user, title=d["title"], body=d["body"],
            new_proposals_due_at=d["new_proposals_due_at"])),
    }
    if item not in forms_and_services:
        raise Http404
    form_class, service = forms_and_services[item]
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return back_to_manage(solicitation, item)
    return run_and_back(request, solicitation, lambda: service(form.cleaned_data), _("Saved."), item)


@login_required
@require_POST
def solicitation_item_remove(request, pk: int, item: str, item_pk: int):
    solicitation = managed_solicitation_or_404(request.user, pk)
    managers = {"criterion": solicitation.criteria, "question": solicitation.questions,
                "attachment": solicitation.required_attachments}
    if item not in managers:
        raise Http404
    obj = get_object_or_404(managers[item], pk=item_pk)
    return run_and_back(request, solicitation, lambda: services.solicitation_item_remove(
        solicitation=solicitation, by=request.user, item=obj), _("Removed."), item)


@login_required
@require_POST
def clarification_answer(request, pk: int, clarification_pk: int):
    solicitation = managed_solicitation_or_404(request.user, pk)
    clarification = get_object_or_404(solicitation.clarifications, pk=clarification_pk)
    form = ClarificationAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
        return back_to_manage(solicitation, "questions")
    return run_and_back(request, solicitation, lambda: services.clarification_answer(
        clarification=clarification, by=request.user, answer=form.cleaned_data["answer"],
        question=form.cleaned_data["question"]), _("The answer is published."), "questions")


@login_required
@require_POST
def evaluator_assign(request, pk: int):
    solicitation = managed_solicitation_or_404(request.user, pk)
    form = EvaluatorAssignForm(request.POST, solicitation=solicitation)
    if not form.is_valid():
        messages.error(request, _("Choose an evaluator who is not on the committee yet."))
        return back_to_manage(solicitation, "committee")
    return run_and_back(request, solicitation, lambda: services.evaluator_assign(
        solicitation=solicitation, evaluator=form.cleaned_data["evaluator"], by=request.user),
        _("The evaluator was appointed and notified."), "committee")


def _register_proposal(request, pk: int) -> Proposal:
    officer_or_403(request.user)
    try:
        return selectors.proposal_get(user=request.user, pk=pk)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def responsiveness_record(request, pk: int):
    proposal = _register_proposal(request, pk)
    criteria = list(proposal.solicitation.criteria.filter(kind=Criterion.Kind.MINIMUM))
    form = ResponsivenessForm(request.POST, criteria=criteria)
    if not form.is_valid():
        messages.error(request, _("Choose the criterion and the decision, and give the reason."))
        return back_to_manage(proposal.solicitation, "register")
    criterion = next(c for c in criteria if c.pk == form.cleaned_data["criterion"])
    return run_and_back(request, proposal.solicitation, lambda: services.responsiveness_record(
        proposal=proposal, criterion=criterion, by=request.user, passed=form.cleaned_data["passed"],
        reason=form.cleaned_data["reason"]), _("Recorded."), "register")


@login_required
@require_safe
def proposal_review(request, pk: int):
    """The officer reads a submitted proposal after the opening; the price only after the price
    opening. Both reads are audited."""
    proposal = _register_proposal(request, pk)
    if not can_read_technical(request.user, proposal):
        raise PermissionDenied
    submission = selectors.latest_submission(proposal=proposal)
    services.proposal_sealed_read_record(proposal=proposal, by=request.user, envelope="technical")
    show_price = can_read_price(request.user, proposal)
    if show_price:
        services.proposal_sealed_read_record(proposal=proposal, by=request.user, envelope="price")
    return render(request, "procurement/proposal_review.html", {
        "proposal": proposal, "solicitation": proposal.solicitation, "submission": submission,
        "show_identity": True, "show_price": show_price,
        "responsiveness": list(proposal.responsiveness.select_related("criterion")),
    })


@login_required
@require_safe
def procurement_file_export(request, pk: int):
    solicitation = managed_solicitation_or_404(request.user, pk)
    data = procurement_file(solicitation=solicitation, by=request.user)
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{solicitation.reference}-procurement-file.json"'
    return response
