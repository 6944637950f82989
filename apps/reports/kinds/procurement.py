"""Procurement reports: the procurement file and the RFP evaluation summary (officer only), and a
proposal packet (its organization and the officer).

The walls are procurement's own predicates: nothing sealed before the opening, no price before
the price opening, and an officer who sits on a solicitation's committee is treated as an
evaluator there — the selectors do not offer it, so they cannot print it.
"""

from decimal import Decimal
from statistics import mean

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.procurement import selectors as procurement
from apps.procurement.models import RATING_VALUES, Proposal, RatingMethod, Solicitation
from apps.procurement.permissions import can_read_price, can_see_identity, is_coordinator_of
from apps.procurement.procurement_file import procurement_file
from apps.procurement.services import proposal_sealed_read_record

from ..charts import bar_chart
from . import ReportForm, ReportKind, register_report_kind


class SolicitationForm(ReportForm):
    solicitation = forms.ModelChoiceField(label=_("Solicitation"), queryset=Solicitation.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solicitation"].queryset = procurement.officer_solicitation_list(user=self.user)
        self.fields["solicitation"].label_from_instance = lambda s: f"{s.reference} — {s.title}"

    def describe(self) -> str:
        return self.cleaned_data["solicitation"].reference


class EvaluationForm(SolicitationForm):
    def clean_solicitation(self):
        solicitation = self.cleaned_data["solicitation"]
        if solicitation.consensus_started_at is None:
            raise forms.ValidationError(_("The evaluation summary is available once consensus has started."))
        return solicitation


def gather_file(*, user, data, progress) -> dict:
    solicitation = data["solicitation"]
    record = procurement_file(solicitation=solicitation, by=user)
    progress(50)
    return {"solicitation": solicitation, "file": record}


def _value(solicitation, points, rating) -> Decimal | None:
    if solicitation.rating_method == RatingMethod.POINTS:
        return Decimal(points) if points is not None else None
    return Decimal(RATING_VALUES[rating]) if rating else None


def gather_evaluation(*, user, data, progress) -> dict:
    solicitation = data["solicitation"]
    ranking = procurement.solicitation_ranking(solicitation=solicitation)
    progress(30)
    table = procurement.consensus_table(solicitation=solicitation)
    progress(50)
    # Each evaluator's distance from the consensus, criterion by criterion.
    per_evaluator: dict[str, dict] = {}
    for block in table:
        for row in block["rows"]:
            consensus = row["consensus"]
            target = _value(solicitation, consensus.points, consensus.rating) if consensus else None
            for score in row["scores"]:
                who = score.sheet.assignment.evaluator
                entry = per_evaluator.setdefault(who.email, {"name": who.full_name or who.email, "scores": 0,
                                                             "deltas": [], "outliers": 0})
                entry["scores"] += 1
                value = _value(solicitation, score.points, score.rating)
                if target is not None and value is not None:
                    entry["deltas"].append(abs(value - target))
                if score.pk in row["outliers"]:
                    entry["outliers"] += 1
    evaluators = [{"name": e["name"], "scores": e["scores"], "outliers": e["outliers"],
                   "mean_delta": (Decimal(mean(e["deltas"])).quantize(Decimal("0.01")) if e["deltas"] else None)}
                  for _email, e in sorted(per_evaluator.items())]
    for row in ranking:
        proposal = row["proposal"]
        row["name"] = proposal.organization.name if can_see_identity(user, proposal) else ""
        if not can_read_price(user, proposal):
            row["price"] = row["price_points"] = None
    chart_rows = [(f"{r['proposal'].code}" + (f" {r['name']}" if r["name"] else ""), float(r["technical"] or 0))
                  for r in ranking]
    return {
        "solicitation": solicitation, "ranking": ranking, "table": table, "evaluators": evaluators,
        "points": solicitation.rating_method == RatingMethod.POINTS,
        "price_open": solicitation.price_opened_at is not None,
        "chart": bar_chart(chart_rows, title=str(_("Technical composite by proposal")),
                           axis_label=str(_("points") if solicitation.rating_method == RatingMethod.POINTS
                                          else _("rating value"))) if chart_rows else "",
    }


PRICE_LINES = [("personnel", _("Personnel")), ("responder_stipends", _("Responder stipends")),
               ("training", _("Training")), ("operations", _("Operations")), ("indirect", _("Indirect costs"))]


class ProposalForm(ReportForm):
    proposal = forms.ModelChoiceField(label=_("Proposal"), queryset=Proposal.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = procurement.proposal_packet_list(user=self.user)
        self.fields["proposal"].label_from_instance = (
            lambda p: f"{p.solicitation.reference} · {p.code} — {p.organization.name}")

    def describe(self) -> str:
        proposal = self.cleaned_data["proposal"]
        return f"{proposal.solicitation.reference} · {proposal.code}"


def gather_packet(*, user, data, progress) -> dict:
    proposal = data["proposal"]
    submissions = list(proposal.submissions.order_by("-number"))
    latest = submissions[0]
    show_price = can_read_price(user, proposal)
    # Staff reads of sealed material are on the record, as on the pages.
    proposal_sealed_read_record(proposal=proposal, by=user, envelope="technical")
    if show_price:
        proposal_sealed_read_record(proposal=proposal, by=user, envelope="price")
    progress(50)
    price_lines = [(label, latest.price.get(key)) for key, label in PRICE_LINES] if show_price else []
    return {
        "proposal": proposal, "solicitation": proposal.solicitation, "submission": latest,
        "earlier": submissions[1:], "technical": latest.technical,
        "price": latest.price if show_price else None, "price_lines": price_lines,
        "identity": can_see_identity(user, proposal), "own": is_coordinator_of(user, proposal.organization_id),
    }


register_report_kind(ReportKind(
    key="procurement_file", label=_("Procurement file"), order=40,
    description=_("The complete record of one solicitation, within the sealing and price-envelope rules."),
    template="reports/pdf/procurement_file.html", form_class=SolicitationForm, gather=gather_file,
    roles=frozenset({Role.PROCUREMENT_OFFICER}),
))
register_report_kind(ReportKind(
    key="rfp_evaluation", label=_("RFP evaluation summary"), order=45,
    description=_("Ranking, consensus per criterion and each evaluator's spread."),
    template="reports/pdf/rfp_evaluation.html", form_class=EvaluationForm, gather=gather_evaluation,
    roles=frozenset({Role.PROCUREMENT_OFFICER}),
))
register_report_kind(ReportKind(
    key="proposal_packet", label=_("Proposal packet"), order=50,
    description=_("One proposal as submitted, with its receipt hash."),
    template="reports/pdf/proposal_packet.html", form_class=ProposalForm, gather=gather_packet,
    roles=frozenset({Role.COORDINATOR, Role.PROCUREMENT_OFFICER}),
))
