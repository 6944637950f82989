"""The officer's and the committee's operations on proposals, as on the register, the scoring page and
the consensus grid: responsiveness, an evaluator's score sheet (never another's, never a price, by code
only in blind review), the consensus; and the evaluators' and officers' score list."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError

from .. import selectors, services
from ..models import Criterion, Proposal, Score
from .common import REFUSALS, as_evaluator, as_officer_of_proposal
from .inputs import ConsensusInputSerializer, ResponsivenessInputSerializer, ScoreSheetInputSerializer
from .serializers import (
    ConsensusRowSerializer,
    ResponsivenessSerializer,
    ScoreInputSerializer,
    ScoreSerializer,
    ScoreSheetSerializer,
)

SHEET_EXAMPLE = {"proposal": 41, "proposal_code": "P-7KQ2MX", "submitted_at": None, "scores": [
    {"criterion": 88, "points": None, "rating": "highly_advantageous",
     "rationale": "A peer model with supervision built in.", "updated_at": "2027-03-20T10:00:00-04:00"}]}
SCORE_IN_EXAMPLE = {"criterion": 88, "rating": "highly_advantageous",
                    "rationale": "A peer model with supervision built in."}


def _criterion(proposal: Proposal, pk: int) -> Criterion:
    criterion = proposal.solicitation.criteria.filter(pk=pk).first()
    if criterion is None:
        raise ApplicationError(_("Choose a criterion of this solicitation."), field="criterion")
    return criterion


def _entries(proposal: Proposal, scores: list[dict]) -> dict:
    return {_criterion(proposal, entry["criterion"]): entry for entry in scores}


class ProposalEvaluationMixin:
    """For ProposalViewSet: `self.get_object()` is a proposal the caller may know of."""

    @extend_schema(request=ResponsivenessInputSerializer, responses={200: ResponsivenessSerializer, **REFUSALS},
                   examples=[OpenApiExample("Pass", request_only=True, value={
                       "criterion": 87, "passed": True, "reason": "Certificate of good standing on file."}),
                       OpenApiExample("Recorded", response_only=True, value={
                           "id": 3, "proposal": 41, "criterion": 87, "passed": True,
                           "reason": "Certificate of good standing on file.",
                           "reviewed_at": "2027-03-16T10:00:00-04:00", "proposal_responsive": True})])
    @action(detail=True, methods=["post"])
    def responsiveness(self, request, pk=None):
        """The officer's pass or fail on one minimum criterion, with the reason (after the opening, before
        the evaluation). A proposal failing one is not responsive: its proposer is told why."""
        proposal = as_officer_of_proposal(request.user, self.get_object())
        data = ResponsivenessInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        review = services.responsiveness_record(proposal=proposal, criterion=_criterion(proposal, values["criterion"]),
                                                by=request.user, passed=values["passed"], reason=values["reason"])
        return Response(ResponsivenessSerializer(review).data)

    def _sheet_response(self, request, proposal: Proposal, code: int = status.HTTP_200_OK) -> Response:
        sheet = selectors.evaluator_sheet(user=request.user, proposal=proposal)
        data = ScoreSheetSerializer(sheet).data if sheet else {
            "proposal": proposal.pk, "proposal_code": proposal.code, "submitted_at": None, "scores": []}
        return Response(data, status=code)

    def _scorer(self, request) -> Proposal:
        proposal = self.get_object()
        as_evaluator(request.user, proposal.solicitation)
        return proposal

    @extend_schema(request=ScoreSheetInputSerializer, responses={200: ScoreSheetSerializer, **REFUSALS}, examples=[
        OpenApiExample("Save a draft", request_only=True, value={"scores": [SCORE_IN_EXAMPLE], "submit": False}),
        OpenApiExample("Saved", response_only=True, value=SHEET_EXAMPLE)])
    @action(detail=True, methods=["post"])
    def scoresheet(self, request, pk=None):
        """Your score sheet for this proposal, as the scoring page saves it: several criteria at once
        (`clear` takes a draft score back) and, with `submit`, the submission; all or nothing. Only during
        the evaluation, after your attestation, and not on a proposal you are recused from."""
        proposal = self._scorer(request)
        data = ScoreSheetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entries = _entries(proposal, data.validated_data["scores"])
        services.scoresheet_save(proposal=proposal, by=request.user, submit=data.validated_data["submit"],
                                 entries={c: {"clear": True} if e["clear"] else e for c, e in entries.items()})
        return self._sheet_response(request, proposal)

    @extend_schema(request=None, responses={200: ScoreSheetSerializer, **REFUSALS}, examples=[
        OpenApiExample("Submitted", response_only=True,
                       value={**SHEET_EXAMPLE, "submitted_at": "2027-03-21T17:00:00-04:00"})])
    @action(detail=True, methods=["post"], url_path="scoresheet/submit")
    def scoresheet_submit(self, request, pk=None):
        """Submit your score sheet for this proposal: every comparative criterion must be scored. It cannot
        be changed after."""
        proposal = self._scorer(request)
        services.scoresheet_submit(proposal=proposal, by=request.user)
        return self._sheet_response(request, proposal)

    @extend_schema(request=ConsensusInputSerializer, responses={200: ConsensusRowSerializer, **REFUSALS}, examples=[
        OpenApiExample("The committee's ratings", request_only=True, value={"scores": [SCORE_IN_EXAMPLE]}),
        OpenApiExample("Recorded", response_only=True, value={"proposal": 41, "proposal_code": "P-7KQ2MX", "scores": [
            {"criterion": 88, "points": None, "rating": "highly_advantageous",
             "rationale": "A peer model with supervision built in.", "recorded_at": "2027-04-02T15:00:00-04:00"}]})])
    @action(detail=True, methods=["post"])
    def consensus(self, request, pk=None):
        """The officer records the committee's agreed rating of this proposal on one or more criteria, each
        with its rationale (during consensus; all or nothing)."""
        proposal = as_officer_of_proposal(request.user, self.get_object())
        data = ConsensusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.consensus_row_record(proposal=proposal, by=request.user,
                                      entries=_entries(proposal, data.validated_data["scores"]))
        proposal = Proposal.objects.prefetch_related("consensus_scores").get(pk=proposal.pk)
        return Response(ConsensusRowSerializer(proposal).data)


@extend_schema(tags=["procurement"])
class ScoreViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """An evaluator's own scores (create or update one with POST); officers read every submitted
    score once consensus has started."""

    queryset = Score.objects.none()
    serializer_class = ScoreSerializer

    def get_queryset(self):
        return selectors.score_list(user=self.request.user)

    @extend_schema(request=ScoreInputSerializer, responses={
        201: ScoreSerializer, 400: ErrorSerializer,
        404: OpenApiResponse(ErrorSerializer, description="No such proposal or criterion that you may score.")},
        examples=[OpenApiExample("Score one criterion", request_only=True, value={"proposal": 41, **SCORE_IN_EXAMPLE}),
                  OpenApiExample("Saved", response_only=True, status_codes=["201"], value={
                      "id": 301, "proposal": 41, "proposal_code": "P-7KQ2MX", "criterion": 88, "points": None,
                      "rating": "highly_advantageous", "rationale": "A peer model with supervision built in.",
                      "submitted": False, "updated_at": "2027-03-20T10:00:00-04:00"})])
    def create(self, request, *args, **kwargs):
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        proposal = selectors.proposal_list(user=request.user).filter(pk=values["proposal"]).first()
        if proposal is None:
            raise Http404
        criterion = Criterion.objects.filter(pk=values["criterion"], solicitation=proposal.solicitation).first()
        if criterion is None:
            raise Http404
        score = services.score_save(proposal=proposal, criterion=criterion, by=request.user,
                                    rationale=values["rationale"], points=values.get("points"),
                                    rating=values.get("rating", ""))
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)
