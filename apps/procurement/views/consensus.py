"""The officer's consensus grid: proposals × criteria, each cell with every evaluator's rating, the
spread (shaded and said in words) and the committee's agreed rating and rationale.

One form for the grid; each proposal's button saves that proposal's row. The other rows' fields
come back as they were typed when they hold changes not yet saved, so saving one proposal never
loses the edits made in another."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..forms import ScoreForm
from ..models import RatingMethod, Solicitation
from ..rubric import rating_rubric
from ._common import back_to_manage, managed_solicitation_or_404

FIELDS = ("points", "rating", "rationale")


def _prefix(proposal, criterion) -> str:
    return f"c{proposal.pk}-{criterion.pk}"


def _stored(consensus) -> dict:
    if consensus is None:
        return {}
    return {"points": consensus.points, "rating": consensus.rating, "rationale": consensus.rationale}


def _posted(data, prefix: str) -> dict | None:
    """A cell's values as posted, or None when the cell was not in the form."""
    if not any(f"{prefix}-{name}" in data for name in FIELDS):
        return None
    return {name: (data.get(f"{prefix}-{name}") or "").strip() for name in FIELDS}


def _changed(posted: dict | None, stored: dict) -> bool:
    if posted is None:
        return False
    return any(posted[name] != ("" if stored.get(name) is None else str(stored[name]).strip()) for name in FIELDS)


def _render(request, solicitation, table, *, bound=None, typed=None, status=200):
    """`bound`: the validated forms of the row just posted (errors shown); `typed`: other cells' unsaved
    values, shown as typed."""
    bound, typed = bound or {}, typed or {}
    for block in table:
        for row in block["rows"]:
            prefix = _prefix(block["proposal"], row["criterion"])
            row["form"] = bound.get(prefix) or ScoreForm(
                method=solicitation.rating_method, criterion=row["criterion"], prefix=prefix,
                initial=typed.get(prefix) or _stored(row["consensus"]) or None)
            row["unsaved"] = prefix in typed
        block["errors"] = any(row["form"].is_bound and row["form"].errors for row in block["rows"])
        block["agreed"] = sum(1 for row in block["rows"] if row["consensus"])
    criteria = [row["criterion"] for row in table[0]["rows"]] if table else []
    return render(request, "procurement/consensus.html", {
        "solicitation": solicitation, "table": table, "criteria": criteria,
        "committee": selectors.consensus_committee(solicitation=solicitation), "ratings": rating_rubric(),
        "points": solicitation.rating_method == RatingMethod.POINTS,
        "editable": solicitation.status == Solicitation.Status.CONSENSUS,
        "unsaved": any(typed), "ranking": selectors.solicitation_ranking(solicitation=solicitation)},
        status=status)


@login_required
def consensus(request, pk: int):
    solicitation = managed_solicitation_or_404(request.user, pk)
    if solicitation.consensus_started_at is None:
        messages.error(request, _("Consensus has not started."))
        return back_to_manage(solicitation)
    table = selectors.consensus_table(solicitation=solicitation)
    if request.method != "POST":
        return _render(request, solicitation, table)
    block = next((b for b in table if str(b["proposal"].pk) == request.POST.get("proposal", "")), None)
    if block is None:
        raise Http404
    proposal = block["proposal"]
    if solicitation.status != Solicitation.Status.CONSENSUS:
        messages.error(request, _("The consensus can no longer change: the price proposals are open."))
        return redirect("procurement:consensus", pk=solicitation.pk)
    bound, entries, invalid = {}, {}, []
    for row in block["rows"]:
        prefix = _prefix(proposal, row["criterion"])
        form = ScoreForm(request.POST, method=solicitation.rating_method, criterion=row["criterion"], prefix=prefix)
        bound[prefix] = form
        if form.is_blank():
            continue
        if form.is_valid():
            entries[row["criterion"]] = form.cleaned_data
        else:
            invalid.append(form)
    try:
        services.consensus_row_record(proposal=proposal, by=request.user, entries=entries)
    except ApplicationError as error:
        target = next((f for f in bound.values() if f.criterion == getattr(error, "criterion", None)), None)
        if target is None or error.field is None:
            messages.error(request, error.message)
        else:
            apply_error(target, error)
            invalid.append(target)
        entries = {}
    else:
        if entries:
            messages.success(request, _("Consensus for %(code)s saved (%(n)s of %(m)s criteria).") % {
                "code": proposal.code, "n": len(entries), "m": len(block["rows"])})
    typed = {}
    for other in table:
        if other is block:
            continue
        for row in other["rows"]:
            prefix = _prefix(other["proposal"], row["criterion"])
            posted = _posted(request.POST, prefix)
            if _changed(posted, _stored(row["consensus"])):
                typed[prefix] = posted
    if not invalid and not typed:
        return redirect(f"{reverse('procurement:consensus', args=[solicitation.pk])}#p{proposal.pk}")
    if invalid:
        messages.error(request, _("Some of %(code)s's ratings need attention: see the marked fields.")
                       % {"code": proposal.code})
    # The row just posted shows its errors, or what is now stored; other rows what was typed in them.
    return _render(request, solicitation, selectors.consensus_table(solicitation=solicitation),
                   bound=bound if invalid else {}, typed=typed)


@login_required
def consensus_record(request, pk: int, proposal_pk: int, criterion_pk: int):
    """One cell at a time (kept for clients that post a single criterion)."""
    solicitation = managed_solicitation_or_404(request.user, pk)
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
