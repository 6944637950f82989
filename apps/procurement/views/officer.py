"""The procurement officer's pages: every step of a solicitation from one page, plus the register,
the consensus page and the procurement file."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..forms import (
    AddendumForm,
    AwardForm,
    ClarificationAnswerForm,
    CriterionForm,
    DocumentForm,
    EvaluatorAssignForm,
    ProposalQuestionForm,
    ReasonForm,
    RecommendForm,
    RequiredAttachmentForm,
    ResponsivenessForm,
    ScoreForm,
)
from ..lifecycle import lifecycle_steps
from ..models import Criterion, Proposal, Solicitation
from ..permissions import (
    EVALUATION_STATUSES,
    can_appoint_evaluator,
    can_manage_solicitation,
    can_open_proposals,
    can_read_price,
    can_read_technical,
    officer_solicitations,
)
from ..procurement_file import procurement_file


def _officer_or_403(user) -> None:
    if not can_manage_solicitation(user):
        raise PermissionDenied


def _solicitation(user, pk: int) -> Solicitation:
    """An officer who sits on this solicitation's committee is an evaluator there (the officer wall):
    for them it is a 404, like any object their selector does not return."""
    _officer_or_403(user)
    return get_object_or_404(officer_solicitations(user), pk=pk)


def _back(solicitation: Solicitation, anchor: str = ""):
    return redirect(f"{solicitation_manage_url(solicitation)}{'#' + anchor if anchor else ''}")


def solicitation_manage_url(solicitation: Solicitation) -> str:
    return reverse("procurement:solicitation-manage", args=[solicitation.pk])


def _run(request, solicitation, action: Callable, success: str, anchor: str = ""):
    run_action(request, action, success)
    return _back(solicitation, anchor)


@login_required
def solicitation_manage_list(request):
    _officer_or_403(request.user)
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
    _officer_or_403(request.user)
    from ..forms import SolicitationForm

    form = SolicitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        solicitation = _save_solicitation(request, form)
        if solicitation is not None:
            messages.success(request, _("Draft saved. Add criteria and questions, then publish."))
            return _back(solicitation)
    return render(request, "procurement/solicitation_form.html", {"form": form})


@login_required
def solicitation_edit(request, pk: int):
    solicitation = _solicitation(request.user, pk)
    from ..forms import SolicitationForm

    if solicitation.status != Solicitation.Status.DRAFT:
        messages.error(request, _("A published solicitation changes only through an addendum."))
        return _back(solicitation)
    form = SolicitationForm(request.POST or None, instance=solicitation)
    if request.method == "POST" and form.is_valid() and _save_solicitation(request, form, solicitation) is not None:
        messages.success(request, _("Saved."))
        return _back(solicitation)
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


def _recommendable(solicitation: Solicitation) -> list[Proposal]:
    """The proposals the recommendation may name: the service refuses withdrawn and non-responsive ones."""
    return list(solicitation.proposals.filter(status=Proposal.Status.SUBMITTED).exclude(responsive=False)
                .select_related("organization").order_by("code"))


@login_required
def solicitation_manage(request, pk: int):
    solicitation = _solicitation(request.user, pk)
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
        "responsiveness_form": ResponsivenessForm(criteria=minimum),
        "S": Solicitation.Status,
    })


@dataclass(frozen=True)
class Confirmation:
    """An irreversible step: the page that says what it does, then the POST that does it."""

    statuses: frozenset
    title: Promise
    consequences: tuple[Promise, ...]
    button: Promise
    url: str  # the URL name of the action view


CONFIRMATIONS = {
    "open": Confirmation(
        frozenset({S.PUBLISHED, S.CLOSED}), gettext_lazy("Open the proposals"),
        (gettext_lazy("The technical proposals are unsealed for you and the register of proposals is fixed, "
                      "with each proposal's receipt."),
         gettext_lazy("No proposal can be submitted, changed or withdrawn after this."),
         gettext_lazy("The price proposals stay sealed until the price opening.")),
        gettext_lazy("Open the proposals"), "open"),
    "consensus-start": Confirmation(
        frozenset({S.EVALUATION}), gettext_lazy("Start consensus"),
        (gettext_lazy("Every evaluator's individual scores are locked, submitted or not: nobody can enter, "
                      "change or submit a score after this."),
         gettext_lazy("Only submitted score sheets count in the consensus table."),
         gettext_lazy("The committee can no longer change: no evaluator can be appointed.")),
        gettext_lazy("Start consensus and lock the scores"), "consensus-start"),
    "price-open": Confirmation(
        frozenset({S.CONSENSUS}), gettext_lazy("Open the price proposals"),
        (gettext_lazy("The price proposals are unsealed and combined with the consensus ratings in the ranking."),
         gettext_lazy("The consensus ratings can no longer change after this.")),
        gettext_lazy("Open the price proposals"), "price-open"),
    "recommend": Confirmation(
        frozenset({S.PRICE_OPENED}), gettext_lazy("Recommend the award"),
        (gettext_lazy("The proposal you choose is recorded as recommended, with your reasons, in the "
                      "procurement file."),
         gettext_lazy("The recommendation cannot be changed; the next step is the award to that proposal.")),
        gettext_lazy("Recommend the award"), "recommend"),
    "award": Confirmation(
        frozenset({S.AWARD_RECOMMENDED}), gettext_lazy("Award the contract"),
        (gettext_lazy("The solicitation is awarded to the recommended proposal."),
         gettext_lazy("Every proposer is sent a notice of award or non-award with the committee's feedback, "
                      "and the public notice of award is published.")),
        gettext_lazy("Award and send the notices"), "award"),
}


def _confirm_url(solicitation: Solicitation, action: str) -> str:
    return reverse("procurement:solicitation-confirm", args=[solicitation.pk, action])


def _action_url(solicitation: Solicitation, action: str) -> str:
    if action == "recommend":
        return reverse("procurement:award-recommend", args=[solicitation.pk])
    if action == "award":
        return reverse("procurement:award", args=[solicitation.pk])
    return reverse("procurement:solicitation-transition", args=[solicitation.pk, action])


def _not_confirmed(request, solicitation: Solicitation, action: str):
    """A POST to an irreversible step without the confirmation page's field does nothing."""
    if request.POST.get("confirm") == "yes":
        return None
    messages.error(request, _("Nothing was done: this step cannot be undone, so confirm it on this page first."))
    return redirect(_confirm_url(solicitation, action))


def _confirm_page(request, solicitation: Solicitation, action: str, form=None, status: int = 200):
    spec = CONFIRMATIONS[action]
    context = {"solicitation": solicitation, "action": action, "spec": spec, "form": form,
               "action_url": _action_url(solicitation, action), "S": S}
    if action == "consensus-start":
        context["committee"] = selectors.evaluator_progress_list(solicitation=solicitation)
    if action in ("recommend", "award"):
        context["ranking"] = selectors.solicitation_ranking(solicitation=solicitation)
    return render(request, "procurement/solicitation_confirm.html", context, status=status)


def _confirm_form(solicitation: Solicitation, action: str, data=None):
    if action == "recommend":
        return RecommendForm(data, proposals=_recommendable(solicitation))
    if action == "award":
        return AwardForm(data)
    return None


@login_required
def solicitation_confirm(request, pk: int, action: str):
    """What an irreversible step will do, and the button that does it (the action view refuses a
    POST that did not come from here)."""
    solicitation = _solicitation(request.user, pk)
    if action not in CONFIRMATIONS:
        raise Http404
    if solicitation.status not in CONFIRMATIONS[action].statuses:
        messages.error(request, _("That step is not available now: the solicitation is %(status)s.")
                       % {"status": solicitation.get_status_display().lower()})
        return _back(solicitation)
    if action == "open" and not can_open_proposals(solicitation, timezone.now()):
        messages.error(request, _("The proposals can be opened only after the deadline and the scheduled opening."))
        return _back(solicitation)
    return _confirm_page(request, solicitation, action, form=_confirm_form(solicitation, action))


TRANSITIONS = {
    "publish": (services.solicitation_publish, "Published."),
    "open": (services.solicitation_open, "Opened: the register of proposals is below."),
    "evaluation-start": (services.solicitation_evaluation_start, "The evaluation has started."),
    "consensus-start": (services.solicitation_consensus_start, "Consensus started: individual scores are locked."),
    "price-open": (services.solicitation_price_open, "The price proposals are open."),
}


@login_required
@require_POST
def solicitation_transition(request, pk: int, action: str):
    solicitation = _solicitation(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404
    if action in CONFIRMATIONS and (refused := _not_confirmed(request, solicitation, action)):
        return refused
    service, success = TRANSITIONS[action]
    return _run(request, solicitation, lambda: service(solicitation=solicitation, by=request.user), _(success))


@login_required
@require_POST
def solicitation_cancel(request, pk: int):
    solicitation = _solicitation(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(request, solicitation, lambda: services.solicitation_cancel(
        solicitation=solicitation, by=request.user, reason=reason), _("The solicitation was cancelled."))


@login_required
@require_POST
def solicitation_item_add(request, pk: int, item: str):
    solicitation = _solicitation(request.user, pk)
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
        return _back(solicitation, item)
    return _run(request, solicitation, lambda: service(form.cleaned_data), _("Saved."), item)


@login_required
@require_POST
def solicitation_item_remove(request, pk: int, item: str, item_pk: int):
    solicitation = _solicitation(request.user, pk)
    managers = {"criterion": solicitation.criteria, "question": solicitation.questions,
                "attachment": solicitation.required_attachments}
    if item not in managers:
        raise Http404
    obj = get_object_or_404(managers[item], pk=item_pk)
    return _run(request, solicitation, lambda: services.solicitation_item_remove(
        solicitation=solicitation, by=request.user, item=obj), _("Removed."), item)


@login_required
@require_POST
def clarification_answer(request, pk: int, clarification_pk: int):
    solicitation = _solicitation(request.user, pk)
    clarification = get_object_or_404(solicitation.clarifications, pk=clarification_pk)
    form = ClarificationAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
        return _back(solicitation, "questions")
    return _run(request, solicitation, lambda: services.clarification_answer(
        clarification=clarification, by=request.user, answer=form.cleaned_data["answer"],
        question=form.cleaned_data["question"]), _("The answer is published."), "questions")


@login_required
@require_POST
def evaluator_assign(request, pk: int):
    solicitation = _solicitation(request.user, pk)
    form = EvaluatorAssignForm(request.POST, solicitation=solicitation)
    if not form.is_valid():
        messages.error(request, _("Choose an evaluator who is not on the committee yet."))
        return _back(solicitation, "committee")
    return _run(request, solicitation, lambda: services.evaluator_assign(
        solicitation=solicitation, evaluator=form.cleaned_data["evaluator"], by=request.user),
        _("The evaluator was appointed and notified."), "committee")


def _register_proposal(request, pk: int) -> Proposal:
    _officer_or_403(request.user)
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
        return _back(proposal.solicitation, "register")
    criterion = next(c for c in criteria if c.pk == form.cleaned_data["criterion"])
    return _run(request, proposal.solicitation, lambda: services.responsiveness_record(
        proposal=proposal, criterion=criterion, by=request.user, passed=form.cleaned_data["passed"],
        reason=form.cleaned_data["reason"]), _("Recorded."), "register")


@login_required
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
def consensus(request, pk: int):
    solicitation = _solicitation(request.user, pk)
    if solicitation.consensus_started_at is None:
        messages.error(request, _("Consensus has not started."))
        return _back(solicitation)
    table = selectors.consensus_table(solicitation=solicitation)
    for block in table:
        for row in block["rows"]:
            existing = row["consensus"]
            row["form"] = ScoreForm(method=solicitation.rating_method, criterion=row["criterion"],
                                    prefix=f"c{block['proposal'].pk}-{row['criterion'].pk}",
                                    initial={"points": existing.points, "rating": existing.rating,
                                             "rationale": existing.rationale} if existing else None)
    return render(request, "procurement/consensus.html", {
        "solicitation": solicitation, "table": table,
        "editable": solicitation.status == Solicitation.Status.CONSENSUS,
        "ranking": selectors.solicitation_ranking(solicitation=solicitation)})


@login_required
@require_POST
def consensus_record(request, pk: int, proposal_pk: int, criterion_pk: int):
    solicitation = _solicitation(request.user, pk)
    proposal = get_object_or_404(solicitation.proposals, pk=proposal_pk)
    criterion = get_object_or_404(solicitation.criteria, pk=criterion_pk)
    form = ScoreForm(request.POST, method=solicitation.rating_method, criterion=criterion,
                     prefix=f"c{proposal.pk}-{criterion.pk}")
    back = redirect(f"{reverse('procurement:consensus', args=[solicitation.pk])}#p{proposal.pk}")
    if not form.is_valid():
        messages.error(request, _("Give the consensus rating and its rationale."))
        return back
    data = form.cleaned_data
    run_action(request, lambda: services.consensus_score_record(proposal=proposal, criterion=criterion, by=request.user,
                                                                rationale=data["rationale"], points=data.get("points"),
                                                                rating=data.get("rating", "")),
               _("Consensus recorded."))
    return back


def _confirmed_step(request, pk: int, action: str, perform: Callable, success: str):
    """The POST of the recommendation or the award: confirmed, its form valid, then one service call.
    A form error or a refusal shows the confirmation page again with what was typed."""
    solicitation = _solicitation(request.user, pk)
    if refused := _not_confirmed(request, solicitation, action):
        return refused
    form = _confirm_form(solicitation, action, request.POST)
    if form.is_valid():
        try:
            perform(solicitation, form)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, success)
            return _back(solicitation)
    return _confirm_page(request, solicitation, action, form=form, status=400)


@login_required
@require_POST
def award_recommend(request, pk: int):
    def recommend(solicitation, form):
        proposal = next(p for p in _recommendable(solicitation) if p.pk == form.cleaned_data["proposal"])
        services.solicitation_award_recommend(solicitation=solicitation, proposal=proposal, by=request.user,
                                              reasons=form.cleaned_data["reasons"])

    return _confirmed_step(request, pk, "recommend", recommend, _("The award is recommended."))


@login_required
@require_POST
def award(request, pk: int):
    def award_(solicitation, form):
        services.solicitation_award(solicitation=solicitation, by=request.user,
                                    justification=form.cleaned_data["justification"])

    return _confirmed_step(request, pk, "award", award_,
                           _("Awarded. The notices were sent and the public award notice is up."))


@login_required
def procurement_file_export(request, pk: int):
    solicitation = _solicitation(request.user, pk)
    data = procurement_file(solicitation=solicitation, by=request.user)
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{solicitation.reference}-procurement-file.json"'
    return response
