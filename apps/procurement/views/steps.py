"""The irreversible steps of a solicitation (open, start consensus, open prices, recommend, award):
a page that says what each does, then the POST that does it, refused without the page's confirmation."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error

from .. import selectors, services
from ..forms import (
    AwardForm,
    RecommendForm,
)
from ..models import Solicitation
from ..permissions import (
    can_open_proposals,
)
from ._common import back_to_manage, managed_solicitation_or_404, recommendable_proposals, run_and_back

S = Solicitation.Status


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


def confirm_form(solicitation: Solicitation, action: str, data=None):
    if action == "recommend":
        return RecommendForm(data, proposals=recommendable_proposals(solicitation))
    if action == "award":
        return AwardForm(data)
    return None


@login_required
def solicitation_confirm(request, pk: int, action: str):
    """What an irreversible step will do, and the button that does it (the action view refuses a
    POST that did not come from here)."""
    solicitation = managed_solicitation_or_404(request.user, pk)
    if action not in CONFIRMATIONS:
        raise Http404
    if solicitation.status not in CONFIRMATIONS[action].statuses:
        messages.error(request, _("That step is not available now: the solicitation is %(status)s.")
                       % {"status": solicitation.get_status_display().lower()})
        return back_to_manage(solicitation)
    if action == "open" and not can_open_proposals(solicitation, timezone.now()):
        messages.error(request, _("The proposals can be opened only after the deadline and the scheduled opening."))
        return back_to_manage(solicitation)
    return _confirm_page(request, solicitation, action, form=confirm_form(solicitation, action))


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
    solicitation = managed_solicitation_or_404(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404
    if action in CONFIRMATIONS and (refused := _not_confirmed(request, solicitation, action)):
        return refused
    service, success = TRANSITIONS[action]
    return run_and_back(request, solicitation, lambda: service(solicitation=solicitation, by=request.user), _(success))


def _confirmed_step(request, pk: int, action: str, perform: Callable, success: str):
    """The POST of the recommendation or the award: confirmed, its form valid, then one service call.
    A form error or a refusal shows the confirmation page again with what was typed."""
    solicitation = managed_solicitation_or_404(request.user, pk)
    if refused := _not_confirmed(request, solicitation, action):
        return refused
    form = confirm_form(solicitation, action, request.POST)
    if form.is_valid():
        try:
            perform(solicitation, form)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, success)
            return back_to_manage(solicitation)
    return _confirm_page(request, solicitation, action, form=form, status=400)


@login_required
@require_POST
def award_recommend(request, pk: int):
    def recommend(solicitation, form):
        proposal = next(p for p in recommendable_proposals(solicitation) if p.pk == form.cleaned_data["proposal"])
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
