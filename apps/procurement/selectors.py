"""Reads of procurement data, already scoped to what the user may see."""

from decimal import ROUND_HALF_UP, Decimal
from statistics import mean

from django.db.models import Count, Prefetch, Q, QuerySet

from apps.accounts.roles import Role

from .models import (
    RATING_VALUES,
    Clarification,
    ConflictDeclaration,
    ConsensusScore,
    Criterion,
    EvaluatorAssignment,
    Proposal,
    Rating,
    RatingMethod,
    Score,
    ScoreSheet,
    Solicitation,
)
from .permissions import EVALUATION_STATUSES, committee_solicitation_ids, is_officer, officer_solicitations

S = Solicitation.Status
PAST_STATUSES = [s for s in S.values if s not in (S.DRAFT, S.PUBLISHED)]


# --- solicitations -------------------------------------------------------------------------------

def solicitation_public_list(*, past: bool = False) -> QuerySet[Solicitation]:
    """What anyone may see: open solicitations, or past ones (closed through awarded or cancelled)."""
    qs = Solicitation.objects.filter(status__in=PAST_STATUSES if past else [S.PUBLISHED])
    return qs.order_by("-proposals_due_at" if past else "proposals_due_at", "reference")


def solicitation_list(*, user) -> QuerySet[Solicitation]:
    """Officers see every solicitation, drafts too; everyone else the public ones."""
    qs = Solicitation.objects.all()
    if not is_officer(user):
        qs = qs.exclude(status=S.DRAFT)
    return qs.annotate(
        proposal_count=Count("proposals", filter=Q(proposals__status=Proposal.Status.SUBMITTED), distinct=True),
    ).order_by("-created_at", "reference")


def officer_solicitation_list(*, user) -> QuerySet[Solicitation]:
    """The solicitations the user acts on as officer: not those whose committee they sit on."""
    return solicitation_list(user=user).filter(pk__in=officer_solicitations(user).values("pk"))


def solicitation_public_detail(*, solicitation: Solicitation) -> dict:
    """Everything the public page shows, loaded in a fixed number of queries."""
    return {
        "criteria": list(solicitation.criteria.all()),
        "questions": list(solicitation.questions.all()),
        "required_attachments": list(solicitation.required_attachments.all()),
        "documents": list(solicitation.documents.all()),
        "addenda": list(solicitation.addenda.all()),
        "answered": list(solicitation.clarifications.filter(status=Clarification.Status.ANSWERED)
                         .only("question", "answer", "answered_at", "solicitation_id")),
    }


# --- proposals -----------------------------------------------------------------------------------

def _recused_ids(user):
    return ConflictDeclaration.objects.filter(has_conflict=True, attestation__assignment__evaluator=user).values(
        "proposal_id")


def proposal_list(*, user) -> QuerySet[Proposal]:
    """Proposals the user may know of.

    Coordinators: their organizations' own. Officers: submitted proposals once opened (not on a
    committee they sit on). Evaluators: submitted, responsive proposals of a solicitation in
    evaluation where they have attested, minus those they are recused from.
    """
    if not user.is_authenticated:
        return Proposal.objects.none()
    visible = Q(pk__in=[])
    coordinator_orgs = user.organization_ids(Role.COORDINATOR)
    if coordinator_orgs:
        visible |= Q(organization_id__in=coordinator_orgs)
    if is_officer(user):
        visible |= (Q(solicitation__opened_at__isnull=False, status=Proposal.Status.SUBMITTED)
                    & ~Q(solicitation_id__in=committee_solicitation_ids(user)))
    if user.has_role(Role.RFP_EVALUATOR):
        attested = EvaluatorAssignment.objects.filter(
            evaluator=user, attestation__isnull=False, solicitation__status__in=EVALUATION_STATUSES,
        ).values("solicitation_id")
        visible |= (Q(solicitation_id__in=attested, status=Proposal.Status.SUBMITTED)
                    & ~Q(responsive=False) & ~Q(pk__in=_recused_ids(user)))
    return (Proposal.objects.filter(visible).select_related("solicitation", "organization")
            .order_by("solicitation__reference", "code"))


def proposal_get(*, user, pk: int) -> Proposal:
    """Raises Proposal.DoesNotExist for one the user may not see (a 404)."""
    return proposal_list(user=user).get(pk=pk)


def proposal_packet_list(*, user) -> QuerySet[Proposal]:
    """Submitted proposals whose packet the user may print: their organization's own, and those an
    officer sees as officer (not on a committee they sit on)."""
    qs = proposal_list(user=user).filter(status=Proposal.Status.SUBMITTED)
    if not user.is_authenticated:
        return qs
    allowed = Q(organization_id__in=user.organization_ids(Role.COORDINATOR))
    if is_officer(user):
        allowed |= ~Q(solicitation_id__in=committee_solicitation_ids(user))
    return qs.filter(allowed)


def coordinator_proposal_list(*, user) -> QuerySet[Proposal]:
    orgs = user.organization_ids(Role.COORDINATOR) if user.is_authenticated else set()
    return (Proposal.objects.filter(organization_id__in=orgs).select_related("solicitation", "organization")
            .order_by("-solicitation__proposals_due_at", "code"))


def proposal_workspace(*, proposal: Proposal) -> dict:
    """The proposer's edit page: questions with answers, attachments, addenda with acknowledgement."""
    solicitation = proposal.solicitation
    answers = {a.question_id: a.text for a in proposal.answers.all()}
    current = {a.required_attachment_id: a for a in proposal.attachments.filter(is_current=True)}
    acknowledged = set(solicitation.addenda.filter(acknowledgements__organization_id=proposal.organization_id)
                       .values_list("pk", flat=True))
    return {
        "questions": [(q, answers.get(q.pk, "")) for q in solicitation.questions.all()],
        "attachments": [(r, current.get(r.pk)) for r in solicitation.required_attachments.all()],
        "addenda": [(a, a.pk in acknowledged) for a in solicitation.addenda.all()],
        "submissions": list(proposal.submissions.all()),
    }


def latest_submission(*, proposal: Proposal):
    return proposal.submissions.order_by("-number").first()


# --- officer -------------------------------------------------------------------------------------

def register_list(*, solicitation: Solicitation) -> QuerySet[Proposal]:
    """The register of proposals: every submitted proposal, with its latest receipt."""
    return (solicitation.proposals.filter(status=Proposal.Status.SUBMITTED).select_related("organization")
            .prefetch_related("submissions", "responsiveness").order_by("submitted_at", "code"))


def clarification_list(*, solicitation: Solicitation) -> QuerySet[Clarification]:
    return solicitation.clarifications.order_by("status", "asked_at")


def evaluator_progress_list(*, solicitation: Solicitation) -> list[dict]:
    """The committee and how far each member has got: attested, scores entered of those due
    (responsive proposals not recused from × comparative criteria), proposals submitted of those due.

    Five queries whatever the committee's size: counts, never the scores themselves (the officer
    sees those only on the consensus page, after the individual scores are locked)."""
    proposal_ids = set(solicitation.proposals.filter(status=Proposal.Status.SUBMITTED).exclude(responsive=False)
                       .values_list("pk", flat=True))
    criteria_count = solicitation.criteria.filter(kind=Criterion.Kind.COMPARATIVE).count()
    assignments = list(solicitation.assignments.select_related("evaluator", "attestation")
                   .order_by("assigned_at", "pk"))
    recused: dict[int, set[int]] = {}
    for assignment_id, proposal_id in ConflictDeclaration.objects.filter(
            attestation__assignment__solicitation=solicitation, has_conflict=True).values_list(
            "attestation__assignment_id", "proposal_id"):
        recused.setdefault(assignment_id, set()).add(proposal_id)
    sheets = (ScoreSheet.objects.filter(assignment__solicitation=solicitation, proposal_id__in=proposal_ids)
              .annotate(scored=Count("scores", filter=Q(scores__criterion__kind=Criterion.Kind.COMPARATIVE)))
              .values_list("assignment_id", "proposal_id", "scored", "submitted_at"))
    by_assignment: dict[int, list[tuple]] = {}
    for assignment_id, proposal_id, scored, submitted_at in sheets:
        by_assignment.setdefault(assignment_id, []).append((proposal_id, scored, submitted_at))
    rows = []
    for assignment in assignments:
        attestation = getattr(assignment, "attestation", None)  # None when not signed
        own_recusals = recused.get(assignment.pk, set()) & proposal_ids
        due = proposal_ids - own_recusals
        own = [sheet for sheet in by_assignment.get(assignment.pk, []) if sheet[0] in due]
        rows.append({
            "assignment": assignment, "evaluator": assignment.evaluator, "attestation": attestation,
            "attested": attestation is not None, "recused": len(own_recusals),
            "scores_entered": sum(scored for _pk, scored, _at in own), "scores_due": len(due) * criteria_count,
            "submitted": sum(1 for _pk, _scored, at in own if at is not None), "proposals_due": len(due),
        })
    return rows


def _value(solicitation: Solicitation, points, rating) -> Decimal | None:
    if solicitation.rating_method == RatingMethod.POINTS:
        return Decimal(points) if points is not None else None
    return Decimal(RATING_VALUES[rating]) if rating else None


def spread_level(solicitation: Solicitation, criterion: Criterion, spread: Decimal | None) -> str:
    """How far apart the evaluators are: "agree" (no spread), "close" (one rating step, or up to a fifth
    of the points) or "apart" (more). The grid shades the cell by it and says it in words."""
    if spread is None:
        return ""
    if spread == 0:
        return "agree"
    near = Decimal(1) if solicitation.rating_method == RatingMethod.ADJECTIVAL else Decimal(criterion.max_points) / 5
    return "close" if spread <= near else "apart"


def consensus_table(*, solicitation: Solicitation) -> list[dict]:
    """Per proposal and criterion: each evaluator's rating, the spread, the outliers, the consensus.

    Four queries whatever the numbers of proposals, criteria and evaluators. Each row also has
    `by_evaluator`: one entry per committee member in `consensus_committee` order (None where they
    submitted no score: recused, or not submitted), so the grid's columns line up."""
    criteria = list(solicitation.criteria.filter(kind=Criterion.Kind.COMPARATIVE))
    committee = consensus_committee(solicitation=solicitation)
    proposals = list(solicitation.proposals.filter(status=Proposal.Status.SUBMITTED).exclude(responsive=False)
                     .order_by("code").prefetch_related("consensus_scores"))
    scores = (Score.objects.filter(sheet__proposal__in=proposals, sheet__submitted_at__isnull=False)
              .select_related("sheet__assignment__evaluator"))
    by_cell: dict[tuple[int, int], list[Score]] = {}
    for score in scores:
        by_cell.setdefault((score.sheet.proposal_id, score.criterion_id), []).append(score)
    table = []
    for proposal in proposals:
        consensus = {c.criterion_id: c for c in proposal.consensus_scores.all()}
        rows = []
        for criterion in criteria:
            cell = by_cell.get((proposal.pk, criterion.pk), [])
            values = [_value(solicitation, s.points, s.rating) for s in cell]
            spread = (max(values) - min(values)) if values else None
            average = Decimal(mean(values)) if values else None
            # An outlier is more than one rating step (or 20% of the points) away from the others' mean.
            threshold = Decimal(1) if solicitation.rating_method == RatingMethod.ADJECTIVAL \
                else Decimal(criterion.max_points) / 5
            outliers = []
            for index, (score, value) in enumerate(zip(cell, values, strict=True)):
                others = values[:index] + values[index + 1:]
                if len(values) > 2 and others and abs(value - Decimal(mean(others))) > threshold:
                    outliers.append(score.pk)
            own = {s.sheet.assignment_id: s for s in cell}
            rows.append({"criterion": criterion, "scores": cell, "spread": spread,
                         "spread_level": spread_level(solicitation, criterion, spread),
                         "spread_steps": int(spread) if spread is not None else 0,
                         "by_evaluator": [{"member": m, "score": own.get(m["assignment"].pk)} for m in committee],
                         "average": average.quantize(Decimal("0.01")) if average is not None else None,
                         "outliers": outliers, "consensus": consensus.get(criterion.pk)})
        table.append({"proposal": proposal, "rows": rows})
    return table


def consensus_committee(*, solicitation: Solicitation) -> list[dict]:
    """The committee as the officer's consensus grid labels it: E1, E2… in order of appointment, with
    the name (the officer knows who sits on the committee; evaluators never see each other's scores)."""
    assignments = solicitation.assignments.select_related("evaluator").order_by("assigned_at", "pk")
    return [{"assignment": a, "label": f"E{n}", "name": a.evaluator.get_full_name()}
            for n, a in enumerate(assignments, start=1)]


def _composite(solicitation: Solicitation, consensus: list[ConsensusScore]) -> Decimal | None:
    values = [_value(solicitation, c.points, c.rating) for c in consensus]
    if not values:
        return None
    if solicitation.rating_method == RatingMethod.POINTS:
        return sum(values, Decimal(0))
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def composite_label(value: Decimal | None) -> str:
    if value is None:
        return ""
    nearest = min(RATING_VALUES.items(), key=lambda kv: abs(Decimal(kv[1]) - value))[0]
    return str(Rating(nearest).label)


def solicitation_ranking(*, solicitation: Solicitation) -> list[dict]:
    """Responsive proposals ranked on the technical composite, combined with price once opened.

    Weighted points: the lowest price earns all the price points, others in proportion
    (lowest / theirs). Adjectival: the composite rating first, the lower price breaks ties.
    """
    proposals = list(solicitation.proposals.filter(status=Proposal.Status.SUBMITTED).exclude(responsive=False)
                     .select_related("organization", "price").prefetch_related("consensus_scores"))
    price_open = solicitation.price_opened_at is not None
    rows = []
    for proposal in proposals:
        technical = _composite(solicitation, list(proposal.consensus_scores.all()))
        price = proposal.price.total if price_open and hasattr(proposal, "price") else None
        rows.append({"proposal": proposal, "technical": technical, "technical_label": composite_label(technical)
                     if solicitation.rating_method == RatingMethod.ADJECTIVAL else "", "price": price,
                     "price_points": None, "total": technical})
    prices = [r["price"] for r in rows if r["price"]]
    lowest = min(prices) if prices else None
    for row in rows:
        row["lowest_price"] = lowest is not None and row["price"] == lowest
        if solicitation.rating_method == RatingMethod.POINTS and lowest and row["price"]:
            row["price_points"] = (Decimal(solicitation.price_points) * lowest / row["price"]).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP)
            row["total"] = (row["technical"] or Decimal(0)) + row["price_points"]
    if solicitation.rating_method == RatingMethod.POINTS:
        rows.sort(key=lambda r: (-(r["total"] or 0), r["proposal"].code))
    else:
        rows.sort(key=lambda r: (-(r["technical"] or 0), r["price"] if r["price"] is not None else 0,
                                 r["proposal"].code))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


# --- evaluators ----------------------------------------------------------------------------------

def evaluator_assignment_list(*, user) -> QuerySet[EvaluatorAssignment]:
    if not user.is_authenticated:
        return EvaluatorAssignment.objects.none()
    return (EvaluatorAssignment.objects.filter(evaluator=user).exclude(solicitation__status=S.CANCELLED)
            .select_related("solicitation", "attestation").order_by("-assigned_at"))


def evaluator_proposal_list(*, user, solicitation: Solicitation) -> list[dict]:
    """The proposals this evaluator scores, each with their own sheet (never another's)."""
    proposals = list(proposal_list(user=user).filter(solicitation=solicitation).exclude(
        organization_id__in=user.organization_ids(Role.COORDINATOR)))
    sheets = {s.proposal_id: s for s in ScoreSheet.objects.filter(
        assignment__solicitation=solicitation, assignment__evaluator=user).prefetch_related("scores")}
    return [{"proposal": p, "sheet": sheets.get(p.pk)} for p in proposals]


def evaluator_sheet(*, user, proposal: Proposal) -> ScoreSheet | None:
    return (ScoreSheet.objects.filter(assignment__evaluator=user, proposal=proposal)
            .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion"))).first())


def score_list(*, user) -> QuerySet[Score]:
    """An evaluator's own scores; an officer's view of every submitted score once consensus began."""
    if not user.is_authenticated:
        return Score.objects.none()
    visible = Q(sheet__assignment__evaluator=user)
    if is_officer(user):
        visible |= (Q(sheet__submitted_at__isnull=False,
                      sheet__proposal__solicitation__consensus_started_at__isnull=False)
                    & ~Q(sheet__proposal__solicitation_id__in=EvaluatorAssignment.objects.filter(
                        evaluator=user).values("solicitation_id")))
    return (Score.objects.filter(visible).select_related("sheet__proposal", "sheet__assignment__evaluator",
                                                         "criterion").distinct().order_by("sheet__proposal__code",
                                                                                          "criterion__order", "pk"))
