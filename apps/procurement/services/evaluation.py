"""The committee's work: appointment, conflict attestations, responsiveness, independent scoring,
consensus, price opening, recommendation and award."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.transitions import transition
from apps.notifications.services import notify

from ..models import (
    ConflictAttestation,
    ConflictDeclaration,
    ConsensusScore,
    Criterion,
    EvaluatorAssignment,
    Proposal,
    RatingMethod,
    ResponsivenessReview,
    Score,
    ScoreSheet,
    Solicitation,
)
from ..permissions import (
    assignment_for,
    can_appoint_evaluator,
    can_evaluate_proposal,
    is_officer,
    recused_proposal_ids,
)
from ._common import coordinators_of, lock_solicitation, require_status, require_text, site_path, status_refusal

S = Solicitation.Status
ATTESTATION_STATEMENT = (
    "I have no financial interest in, employment or business relationship with, or family tie to any proposer "
    "other than those I declare below. I will keep the proposals and the committee's deliberations confidential, "
    "score each proposal independently on the published criteria, and declare any conflict that arises."
)


def _require_officer(user) -> None:
    require(is_officer(user), _("Only a procurement officer can do this."))


def _submitted(solicitation: Solicitation):
    return solicitation.proposals.filter(status=Proposal.Status.SUBMITTED)


def _responsive(solicitation: Solicitation):
    return _submitted(solicitation).exclude(responsive=False)


def evaluator_assign(*, solicitation: Solicitation, evaluator, by: User) -> EvaluatorAssignment:
    _require_officer(by)
    if not evaluator.is_active or not evaluator.has_role(Role.RFP_EVALUATOR):
        raise ApplicationError(_("Only a city staff member with the RFP evaluator role can sit on the committee."),
                               field="evaluator")
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        if not can_appoint_evaluator(solicitation):
            raise ApplicationError(_("The committee can no longer change."), code="invalid_transition")
        assignment, created = EvaluatorAssignment.objects.get_or_create(
            solicitation=solicitation, evaluator=evaluator, defaults={"assigned_by": by})
        if created:
            audit(actor=by, action="procurement.evaluator.assigned", target=solicitation,
                  after={"evaluator": evaluator.email})
            notify(kind="procurement.evaluator_assigned", to=evaluator,
                   dedupe_key=f"procurement.evaluator_assigned:{assignment.pk}",
                   context={"solicitation": solicitation.title, "reference": solicitation.reference,
                            "scoring_due_at": solicitation.scoring_due_at},
                   target=solicitation, link=site_path("procurement:evaluation-detail", solicitation.pk))
    return assignment


def attestation_candidates(*, solicitation: Solicitation) -> list:
    """The organizations an evaluator declares about. In blind review every active nonprofit is
    listed, so the form itself does not reveal who proposed; otherwise the proposers."""
    from apps.accounts.models import Organization
    from apps.accounts.roles import OrganizationKind

    if solicitation.blind_review:
        return list(Organization.objects.filter(kind=OrganizationKind.NONPROFIT, is_active=True).order_by("name"))
    ids = _submitted(solicitation).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def attestation_sign(*, solicitation: Solicitation, by: User, signed_name: str,
                     conflicts: dict[int, str], affirmed: bool = True) -> ConflictAttestation:
    """Sign the attestation. `conflicts` maps each organization the evaluator has a relationship with
    to its description; a conflict with a proposer recuses the evaluator from that proposal.
    `affirmed`: the evaluator confirmed the statement (the page's checkbox, the API's `affirm`); callers
    that sign for a scene (seeders, tests) leave it out."""
    assignment = assignment_for(by, solicitation)
    if assignment is None:
        raise ApplicationError(_("You are not on this solicitation's committee."), code="forbidden")
    if not affirmed:
        raise ApplicationError(_("Confirm the statement to sign."), field="affirm")
    signed_name = require_text(signed_name, field="signed_name", message=_("Type your full name to sign."))
    conflicts = {int(k): (v or "").strip() for k, v in conflicts.items()}
    if any(not description for description in conflicts.values()):
        raise ApplicationError(_("Describe each relationship you declare."), field="conflicts")
    with transaction.atomic():
        solicitation = lock_solicitation(solicitation)
        if solicitation.opened_at is None or solicitation.status == S.CANCELLED:
            raise ApplicationError(_("The attestation is signed after the opening, once the proposers are known."),
                                   code="too_early")
        if ConflictAttestation.objects.filter(assignment=assignment).exists():
            raise ApplicationError(_("You have already signed the attestation for this solicitation."))
        attestation = ConflictAttestation.objects.create(assignment=assignment, statement=ATTESTATION_STATEMENT,
                                                         signed_name=signed_name)
        recusals = 0
        for proposal in _submitted(solicitation):
            description = conflicts.get(proposal.organization_id)
            ConflictDeclaration.objects.create(attestation=attestation, proposal=proposal,
                                               has_conflict=description is not None, description=description or "")
            recusals += description is not None
        assignment.attestation = attestation
        audit(actor=by, action="procurement.attestation.signed", target=solicitation,
              after={"declared": len(conflicts), "recusals": recusals})
    return attestation


def responsiveness_record(*, proposal: Proposal, criterion: Criterion, by: User, passed: bool,
                          reason: str) -> ResponsivenessReview:
    _require_officer(by)
    reason = require_text(reason, field="reason", message=_("Give the reason for the decision."))
    if criterion.solicitation_id != proposal.solicitation_id or criterion.kind != Criterion.Kind.MINIMUM:
        raise ApplicationError(_("Choose a minimum criterion of this solicitation."), field="criterion")
    with transaction.atomic():
        solicitation = lock_solicitation(proposal.solicitation)
        require_status(solicitation, S.OPENED, action=_("record responsiveness"))
        if proposal.status != Proposal.Status.SUBMITTED:
            raise ApplicationError(_("Only a submitted proposal is reviewed."))
        review, _created = ResponsivenessReview.objects.update_or_create(
            proposal=proposal, criterion=criterion,
            defaults={"passed": passed, "reason": reason, "reviewed_by": by, "reviewed_at": timezone.now()})
        reviews = list(proposal.responsiveness.all())
        minimum = solicitation.criteria.filter(kind=Criterion.Kind.MINIMUM).count()
        failed = [r for r in reviews if not r.passed]
        responsive = False if failed else (True if len(reviews) == minimum else None)
        proposal.responsive = responsive
        proposal.save(update_fields=["responsive", "updated_at"])
        audit(actor=by, action="procurement.responsiveness.recorded", target=proposal,
              organization=proposal.organization,
              after={"criterion": criterion.pk, "passed": passed, "reason": reason})
        if responsive is False:
            for user in coordinators_of([proposal.organization_id]):
                notify(kind="procurement.non_responsive", to=user,
                       dedupe_key=f"procurement.non_responsive:{proposal.pk}:{user.pk}",
                       context={"solicitation": solicitation.title, "reference": solicitation.reference,
                                "reasons": [{"criterion": r.criterion.title, "reason": r.reason} for r in failed]},
                       target=proposal, link=site_path("procurement:proposal-detail", proposal.pk))
    return review


def solicitation_evaluation_start(*, solicitation: Solicitation, by: User) -> Solicitation:
    _require_officer(by)

    def start(row: Solicitation) -> list[str]:
        if not row.assignments.exists():
            raise ApplicationError(_("Appoint at least one evaluator first."))
        if _submitted(row).filter(responsive__isnull=True).exists():
            raise ApplicationError(_("Record responsiveness on every minimum criterion for every proposal first."))
        row.evaluation_started_at = timezone.now()
        return ["evaluation_started_at"]

    return transition(solicitation, from_states={S.OPENED}, to_state=S.EVALUATION,
                      refused=status_refusal(S.OPENED, action=_("start the evaluation")), apply=start, actor=by,
                      action="procurement.solicitation.evaluation_started",
                      after=lambda row: {"responsive": _responsive(row).count()})


def _check_value(solicitation: Solicitation, criterion: Criterion, points, rating: str):
    if solicitation.rating_method == RatingMethod.POINTS:
        if points is None or not 0 <= int(points) <= criterion.max_points:
            raise ApplicationError(_("Give between 0 and %(max)s points.") % {"max": criterion.max_points},
                                   field="points")
        return int(points), ""
    from ..models import Rating

    if rating not in Rating.values:
        raise ApplicationError(_("Choose a rating."), field="rating")
    return None, rating


def _scorer_assignment(*, proposal: Proposal, criterion: Criterion, by: User):
    """Who may touch a score of this proposal on this criterion: a committee member who attested and is not
    recused, on one of the solicitation's comparative criteria."""
    solicitation = proposal.solicitation
    assignment = assignment_for(by, solicitation)
    if assignment is None:
        raise ApplicationError(_("You are not on this solicitation's committee."), code="forbidden")
    if not hasattr(assignment, "attestation"):
        raise ApplicationError(_("Sign the conflict-of-interest attestation before scoring."), code="attestation")
    if proposal.pk in recused_proposal_ids(assignment):
        raise ApplicationError(_("You are recused from this proposal."), code="recused")
    if criterion.solicitation_id != solicitation.pk or criterion.kind != Criterion.Kind.COMPARATIVE:
        raise ApplicationError(_("Choose a comparative criterion of this solicitation."), field="criterion")
    return assignment


def _lock_for_scoring(*, proposal: Proposal, by: User) -> Solicitation:
    """Inside a transaction: the solicitation locked and still in evaluation, the proposal one `by` may score."""
    solicitation = lock_solicitation(proposal.solicitation)
    if solicitation.status != S.EVALUATION:
        raise ApplicationError(_("Individual scores are locked: scoring happens only during evaluation."),
                               code="locked")
    require(can_evaluate_proposal(by, proposal), _("You may not score this proposal."))
    return solicitation


def _open_sheet(*, proposal: Proposal, assignment) -> ScoreSheet:
    """Inside a transaction: the evaluator's sheet for the proposal, locked and not yet submitted."""
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(assignment=assignment, proposal=proposal)
    if sheet.submitted_at is not None:
        raise ApplicationError(_("You have submitted your scores for this proposal."), code="locked")
    return sheet


def score_save(*, proposal: Proposal, criterion: Criterion, by: User, rationale: str, points: int | None = None,
               rating: str = "") -> Score:
    assignment = _scorer_assignment(proposal=proposal, criterion=criterion, by=by)
    rationale = require_text(rationale, field="rationale", message=_("A written rationale is required."))
    with transaction.atomic():
        solicitation = _lock_for_scoring(proposal=proposal, by=by)
        points, rating = _check_value(solicitation, criterion, points, rating)
        sheet = _open_sheet(proposal=proposal, assignment=assignment)
        score, _created = Score.objects.update_or_create(
            sheet=sheet, criterion=criterion, defaults={"points": points, "rating": rating, "rationale": rationale})
        audit(actor=by, action="procurement.score.saved", target=proposal,
              after={"criterion": criterion.pk, "points": points, "rating": rating})
    return score


def score_clear(*, proposal: Proposal, criterion: Criterion, by: User) -> bool:
    """Take back a draft score (its rating or points and rationale) while the sheet is not submitted, under the
    same rules as saving one. Returns whether there was a score to clear."""
    assignment = _scorer_assignment(proposal=proposal, criterion=criterion, by=by)
    with transaction.atomic():
        _lock_for_scoring(proposal=proposal, by=by)
        sheet = _open_sheet(proposal=proposal, assignment=assignment)
        score = Score.objects.filter(sheet=sheet, criterion=criterion).first()
        if score is None:
            return False
        before = {"criterion": criterion.pk, "points": score.points, "rating": score.rating}
        score.delete()
        audit(actor=by, action="procurement.score.cleared", target=proposal, before=before)
    return True


def scoresheet_submit(*, proposal: Proposal, by: User) -> ScoreSheet:
    assignment = assignment_for(by, proposal.solicitation)
    if assignment is None or not can_evaluate_proposal(by, proposal):
        raise ApplicationError(_("You may not score this proposal."), code="forbidden")
    with transaction.atomic():
        solicitation = lock_solicitation(proposal.solicitation)
        if solicitation.status != S.EVALUATION:
            raise ApplicationError(_("Individual scores are locked."), code="locked")
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(assignment=assignment, proposal=proposal)
        if sheet.submitted_at is not None:
            return sheet
        scored = set(sheet.scores.values_list("criterion_id", flat=True))
        needed = set(solicitation.criteria.filter(kind=Criterion.Kind.COMPARATIVE).values_list("pk", flat=True))
        if needed - scored:
            raise ApplicationError(_("Score every criterion before submitting."), code="incomplete")
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["submitted_at"])
        audit(actor=by, action="procurement.scoresheet.submitted", target=proposal)
    return sheet


def scoresheet_save(*, proposal: Proposal, by: User, entries: dict[Criterion, dict],
                    submit: bool = False) -> ScoreSheet | None:
    """Save several criteria's scores of one sheet at once (an entry {"clear": True} takes a draft score
    back), and submit it if asked: every score goes through score_save or score_clear and the submission
    through scoresheet_submit, in one transaction, so either
    all of it is recorded or none (the rules stay in those two functions). An ApplicationError from a
    score carries `criterion` so the page can mark that criterion's field."""
    with transaction.atomic():
        for criterion, value in entries.items():
            try:
                if value.get("clear"):
                    score_clear(proposal=proposal, criterion=criterion, by=by)
                    continue
                score_save(proposal=proposal, criterion=criterion, by=by, rationale=value.get("rationale", ""),
                           points=value.get("points"), rating=value.get("rating") or "")
            except ApplicationError as error:
                error.criterion = criterion
                raise
        if submit:
            return scoresheet_submit(proposal=proposal, by=by)
    return ScoreSheet.objects.filter(assignment__evaluator=by, proposal=proposal).first()


def solicitation_consensus_start(*, solicitation: Solicitation, by: User) -> Solicitation:
    """Starting consensus locks every individual score, submitted or not."""
    _require_officer(by)

    def start(row: Solicitation) -> list[str]:
        if not ScoreSheet.objects.filter(assignment__solicitation=row, submitted_at__isnull=False).exists():
            raise ApplicationError(_("No evaluator has submitted scores yet."))
        row.consensus_started_at = timezone.now()
        return ["consensus_started_at"]

    return transition(solicitation, from_states={S.EVALUATION}, to_state=S.CONSENSUS,
                      refused=status_refusal(S.EVALUATION, action=_("start consensus")), apply=start, actor=by,
                      action="procurement.solicitation.consensus_started")


def consensus_score_record(*, proposal: Proposal, criterion: Criterion, by: User, rationale: str,
                           points: int | None = None, rating: str = "") -> ConsensusScore:
    _require_officer(by)
    rationale = require_text(rationale, field="rationale", message=_("A written rationale is required."))
    if criterion.solicitation_id != proposal.solicitation_id or criterion.kind != Criterion.Kind.COMPARATIVE:
        raise ApplicationError(_("Choose a comparative criterion of this solicitation."), field="criterion")
    with transaction.atomic():
        solicitation = lock_solicitation(proposal.solicitation)
        require_status(solicitation, S.CONSENSUS, action=_("record a consensus score"))
        if proposal.status != Proposal.Status.SUBMITTED or proposal.responsive is False:
            raise ApplicationError(_("Only responsive proposals are rated."))
        points, rating = _check_value(solicitation, criterion, points, rating)
        consensus, _created = ConsensusScore.objects.update_or_create(
            proposal=proposal, criterion=criterion,
            defaults={"points": points, "rating": rating, "rationale": rationale, "recorded_by": by,
                      "recorded_at": timezone.now()})
        audit(actor=by, action="procurement.consensus.recorded", target=proposal,
              after={"criterion": criterion.pk, "points": points, "rating": rating})
    return consensus


def consensus_row_record(*, proposal: Proposal, by: User, entries: dict[Criterion, dict]) -> list[ConsensusScore]:
    """Record the consensus on several criteria of one proposal (a row of the consensus grid): each
    through consensus_score_record, in one transaction. An ApplicationError carries `criterion`."""
    recorded = []
    with transaction.atomic():
        for criterion, value in entries.items():
            try:
                recorded.append(consensus_score_record(
                    proposal=proposal, criterion=criterion, by=by, rationale=value.get("rationale", ""),
                    points=value.get("points"), rating=value.get("rating") or ""))
            except ApplicationError as error:
                error.criterion = criterion
                raise
    return recorded


def solicitation_price_open(*, solicitation: Solicitation, by: User) -> Solicitation:
    """Only after the technical consensus is complete: the price cannot sway the technical ratings."""
    _require_officer(by)

    def open_prices(row: Solicitation) -> list[str]:
        criteria = row.criteria.filter(kind=Criterion.Kind.COMPARATIVE).count()
        for proposal in _responsive(row):
            if proposal.consensus_scores.count() < criteria:
                raise ApplicationError(_("Record a consensus rating on every criterion for every proposal first."),
                                       code="incomplete")
        row.price_opened_at = timezone.now()
        return ["price_opened_at"]

    return transition(solicitation, from_states={S.CONSENSUS}, to_state=S.PRICE_OPENED,
                      refused=status_refusal(S.CONSENSUS, action=_("open the price proposals")), apply=open_prices,
                      actor=by, action="procurement.solicitation.price_opened",
                      after=lambda row: {"prices": {p.code: str(p.price.total)
                                                    for p in _responsive(row).select_related("price")}})


def solicitation_award_recommend(*, solicitation: Solicitation, proposal: Proposal, by: User,
                                 reasons: str) -> Solicitation:
    _require_officer(by)
    reasons = require_text(reasons, field="reasons", message=_("Write the reasons for the recommendation."))
    if proposal.solicitation_id != solicitation.pk:
        raise ApplicationError(_("Choose a proposal of this solicitation."), field="proposal")

    def recommend(row: Solicitation) -> list[str]:
        if proposal.status != Proposal.Status.SUBMITTED or proposal.responsive is False:
            raise ApplicationError(_("Only a responsive proposal can be recommended."), field="proposal")
        row.recommended_proposal, row.recommendation_reasons, row.recommended_at = proposal, reasons, timezone.now()
        return ["recommended_proposal", "recommendation_reasons", "recommended_at"]

    return transition(solicitation, from_states={S.PRICE_OPENED}, to_state=S.AWARD_RECOMMENDED,
                      refused=status_refusal(S.PRICE_OPENED, action=_("recommend an award")), apply=recommend,
                      actor=by, action="procurement.solicitation.award_recommended",
                      after={"proposal": proposal.code, "reasons": reasons})


def solicitation_award(*, solicitation: Solicitation, by: User, justification: str = "") -> Solicitation:
    """Award to the recommended proposal; notices go to every proposer with the consensus feedback."""
    from ..selectors import solicitation_ranking

    _require_officer(by)
    justification = (justification or "").strip()

    def award(row: Solicitation) -> list[str]:
        winner = row.recommended_proposal
        ranking = solicitation_ranking(solicitation=row)
        lowest = min((r["price"] for r in ranking if r["price"] is not None), default=None)
        winner_row = next(r for r in ranking if r["proposal"].pk == winner.pk)
        if lowest is not None and winner_row["price"] > lowest and not justification:
            raise ApplicationError(_("The award is not to the lowest price: write the justification."),
                                   field="justification")
        row.awarded_proposal = winner
        row.award_justification = justification or row.recommendation_reasons
        row.awarded_at = timezone.now()
        return ["awarded_proposal", "award_justification", "awarded_at"]

    def tell_proposers(row: Solicitation) -> None:
        winner = row.awarded_proposal
        link = site_path("procurement:solicitation-detail", row.reference)
        for proposal in _submitted(row).select_related("organization").prefetch_related(
                "consensus_scores__criterion"):
            won = proposal.pk == winner.pk
            feedback = [{"criterion": c.criterion.title, "rating": c.get_rating_display() if c.rating else "",
                         "points": c.points, "rationale": c.rationale} for c in proposal.consensus_scores.all()]
            for user in coordinators_of([proposal.organization_id]):
                notify(kind="procurement.award" if won else "procurement.non_award", to=user,
                       dedupe_key=f"procurement.award_notice:{proposal.pk}:{user.pk}",
                       context={"solicitation": row.title, "reference": row.reference,
                                "organization": proposal.organization.name, "winner": winner.organization.name,
                                "feedback": feedback, "responsive": proposal.responsive is not False},
                       target=proposal, link=link)

    return transition(solicitation, from_states={S.AWARD_RECOMMENDED}, to_state=S.AWARDED,
                      refused=status_refusal(S.AWARD_RECOMMENDED, action=_("award")), apply=award, actor=by,
                      action="procurement.solicitation.awarded",
                      organization=lambda row: row.awarded_proposal.organization,
                      after=lambda row: {"proposal": row.awarded_proposal.code,
                                         "justification": row.award_justification},
                      select_related=("recommended_proposal__organization",), then=tell_proposers)


def scoring_reminders_scan(*, now: datetime) -> int:
    """The scanner: remind evaluators with unsubmitted sheets when scoring is due within 48 hours."""
    sent = 0
    solicitations = Solicitation.objects.filter(status=S.EVALUATION, scoring_due_at__gt=now,
                                                scoring_due_at__lte=now + timedelta(hours=48))
    for solicitation in solicitations:
        for assignment in solicitation.assignments.select_related("evaluator"):
            pending = _responsive(solicitation).exclude(pk__in=recused_proposal_ids(assignment)).exclude(
                sheets__assignment=assignment, sheets__submitted_at__isnull=False).count()
            if not pending:
                continue
            sent += bool(notify(
                kind="procurement.scoring_reminder", to=assignment.evaluator,
                dedupe_key=f"procurement.scoring_reminder:{assignment.pk}:{solicitation.scoring_due_at:%Y%m%d%H%M}",
                context={"solicitation": solicitation.title, "reference": solicitation.reference,
                         "pending": pending, "scoring_due_at": solicitation.scoring_due_at},
                target=solicitation, link=site_path("procurement:evaluation-detail", solicitation.pk)))
    return sent
