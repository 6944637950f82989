"""The evaluator's pages: committee seats, the attestation, and scoring with the rubric beside the
proposal. In blind review nothing here names the proposer; price envelopes never appear."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..forms import ScoreForm
from ..models import Criterion, EvaluatorAssignment, Proposal, RatingMethod
from ..permissions import can_evaluate_solicitation, can_see_identity, is_evaluator
from ..rubric import rating_rubric


def _evaluator_or_403(user) -> None:
    if not is_evaluator(user):
        raise PermissionDenied


def _assignment_or_404(user, pk: int) -> EvaluatorAssignment:
    _evaluator_or_403(user)
    assignment = selectors.evaluator_assignment_list(user=user).filter(solicitation_id=pk).first()
    if assignment is None:
        raise Http404
    return assignment


@login_required
@require_safe
def evaluation_list(request):
    _evaluator_or_403(request.user)
    page = Paginator(selectors.evaluator_assignment_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "procurement/evaluation_list.html", {"page": page})


@login_required
@require_safe
def evaluation_detail(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    solicitation = assignment.solicitation
    attested = hasattr(assignment, "attestation")
    context = {"assignment": assignment, "solicitation": solicitation, "attested": attested}
    if not attested and solicitation.opened_at is not None:
        context["declare"] = services.attestation_candidates(solicitation=solicitation)
        context["statement"] = services.ATTESTATION_STATEMENT
    if attested and can_evaluate_solicitation(request.user, solicitation):
        context["items"] = selectors.evaluator_proposal_list(user=request.user, solicitation=solicitation)
    return render(request, "procurement/evaluation_detail.html", context)


@login_required
@require_POST
def evaluation_attest(request, pk: int):
    assignment = _assignment_or_404(request.user, pk)
    solicitation = assignment.solicitation
    conflicts = {organization.pk: request.POST.get(f"description_{organization.pk}", "")
                 for organization in services.attestation_candidates(solicitation=solicitation)
                 if request.POST.get(f"conflict_{organization.pk}") == "on"}
    run_action(request, lambda: services.attestation_sign(
        solicitation=solicitation, by=request.user, conflicts=conflicts, affirmed=request.POST.get("affirm") == "on",
        signed_name=request.POST.get("signed_name", "")), _("Attestation signed."))
    return redirect("procurement:evaluation-detail", pk=pk)


def _evaluable_or_404(user, pk: int) -> Proposal:
    _evaluator_or_403(user)
    proposal = selectors.proposal_list(user=user).filter(pk=pk).first()
    if proposal is None or not EvaluatorAssignment.objects.filter(
            solicitation=proposal.solicitation, evaluator=user).exists():
        raise Http404
    return proposal


def _weight(solicitation, criterion, criteria: list) -> str:
    """What the criterion weighs in the composite: its points, or an equal share of the ratings' mean."""
    if solicitation.rating_method == RatingMethod.POINTS:
        return _("%(points)s of %(total)s points") % {
            "points": criterion.max_points, "total": sum(c.max_points for c in criteria)}
    return _("equal, one of %(n)s criteria") % {"n": len(criteria)}


def _score_forms(solicitation, criteria, scores, data=None) -> list[ScoreForm]:
    forms = []
    for criterion in criteria:
        score = scores.get(criterion.pk)
        forms.append(ScoreForm(data, method=solicitation.rating_method, criterion=criterion,
                               prefix=f"s{criterion.pk}", initial={
                                   "points": score.points, "rating": score.rating,
                                   "rationale": score.rationale} if score else None))
    return forms


def _render_scoring(request, proposal, *, forms=None, errors=None, status=200):
    solicitation = proposal.solicitation
    sheet = selectors.evaluator_sheet(user=request.user, proposal=proposal)
    scores = {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}
    criteria = list(solicitation.criteria.filter(kind=Criterion.Kind.COMPARATIVE))
    forms = forms or _score_forms(solicitation, criteria, scores)
    locked = solicitation.status != solicitation.Status.EVALUATION or bool(sheet and sheet.submitted_at)
    items = [{"criterion": form.criterion, "form": form, "score": scores.get(form.criterion.pk),
              "weight": _weight(solicitation, form.criterion, criteria)} for form in forms]
    return render(request, "procurement/evaluation_proposal.html", {
        "proposal": proposal, "solicitation": solicitation, "sheet": sheet, "items": items, "locked": locked,
        "scored": sum(1 for c in criteria if c.pk in scores), "criteria_count": len(criteria),
        "ratings": rating_rubric(), "errors": errors or [],
        "submission": selectors.latest_submission(proposal=proposal),
        "show_identity": can_see_identity(request.user, proposal), "show_price": False,
    }, status=status)


@login_required
def evaluation_proposal(request, pk: int):
    """The scoring page: the technical proposal beside one form for every criterion. "Save" keeps
    what is filled in as a draft; "Save and submit" needs every criterion, and when one is missing
    the page comes back with that criterion marked, nothing submitted."""
    proposal = _evaluable_or_404(request.user, pk)
    if request.method != "POST":
        services.proposal_sealed_read_record(proposal=proposal, by=request.user, envelope="technical")
        return _render_scoring(request, proposal)
    solicitation = proposal.solicitation
    submit = request.POST.get("action") == "submit"
    criteria = list(solicitation.criteria.filter(kind=Criterion.Kind.COMPARATIVE))
    forms = _score_forms(solicitation, criteria, {}, request.POST)
    sheet = selectors.evaluator_sheet(user=request.user, proposal=proposal)
    stored = set(sheet.scores.values_list("criterion_id", flat=True)) if sheet else set()
    entries, invalid = {}, []
    for form in forms:
        if not submit and form.is_blank():
            if form.criterion.pk in stored:  # emptied on purpose: the draft score is taken back
                entries[form.criterion] = {"clear": True}
            continue
        if form.is_valid():
            entries[form.criterion] = form.cleaned_data
        else:
            invalid.append(form)
    try:
        services.scoresheet_save(proposal=proposal, by=request.user, entries=entries, submit=submit and not invalid)
    except ApplicationError as error:
        target = next((f for f in forms if f.criterion == getattr(error, "criterion", None)), None)
        if target is None or error.field is None:  # a refusal of the whole sheet (locked, recused)
            return _render_scoring(request, proposal, forms=forms, errors=[{"message": error.message}])
        apply_error(target, error)
        invalid.append(target)
        entries = {}  # the transaction rolled back: nothing was saved
    if invalid:
        errors = [{"message": f"{form.criterion.title}: {next(iter(form.errors.values()))[0]}",
                   "anchor": f"criterion-{form.criterion.pk}"} for form in invalid]
        if entries:
            messages.success(request, _("Saved the criteria that are complete."))
        if submit:
            messages.error(request, _("Not submitted: complete the criteria marked below."))
        return _render_scoring(request, proposal, forms=forms, errors=errors)
    if submit:
        messages.success(request, _("Your scores for %(code)s are submitted.") % {"code": proposal.code})
        return redirect("procurement:evaluation-detail", pk=solicitation.pk)
    messages.success(request, _("Saved. Submit when every criterion is scored."))
    return redirect("procurement:evaluation-proposal", pk=proposal.pk)


@login_required
@require_POST
def evaluation_score(request, pk: int, criterion_pk: int):
    proposal = _evaluable_or_404(request.user, pk)
    solicitation = proposal.solicitation
    criterion = solicitation.criteria.filter(pk=criterion_pk, kind=Criterion.Kind.COMPARATIVE).first()
    if criterion is None:
        raise Http404
    form = ScoreForm(request.POST, method=solicitation.rating_method, criterion=criterion, prefix=f"s{criterion.pk}")
    if not form.is_valid():
        messages.error(request, _("Give a score and a written rationale."))
    else:
        data = form.cleaned_data
        run_action(request, lambda: services.score_save(
            proposal=proposal, criterion=criterion, by=request.user, rationale=data["rationale"],
            points=data.get("points"), rating=data.get("rating", "")), _("Score saved."))
    return redirect("procurement:evaluation-proposal", pk=proposal.pk)


@login_required
@require_POST
def evaluation_submit(request, pk: int):
    proposal = _evaluable_or_404(request.user, pk)
    run_action(request, lambda: services.scoresheet_submit(proposal=proposal, by=request.user),
               _("Your scores for %(code)s are submitted.") % {"code": proposal.code})
    return redirect("procurement:evaluation-detail", pk=proposal.solicitation_id)
