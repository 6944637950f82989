"""Solicitations: read by anyone (drafts by officers only); written by the procurement officer through the
same services and gates as the officer's pages: create, edit a draft, its terms (terms.py), the steps,
cancellation, the committee, the recommendation and the award. Proposers' and evaluators' operations on a
solicitation are in participation.py."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.api.permissions import StaffMFARequired
from apps.core.errors import ApplicationError

from .. import selectors, services
from ..forms import EvaluatorAssignForm
from ..models import Clarification, Solicitation
from .common import REFUSALS, as_officer, officer_or_403
from .inputs import (
    AwardRecommendationSerializer,
    EvaluatorAppointSerializer,
    SolicitationAwardSerializer,
    SolicitationCancelSerializer,
    SolicitationCreateSerializer,
    SolicitationStepSerializer,
    SolicitationUpdateSerializer,
)
from .participation import SolicitationParticipationMixin
from .serializers import (
    EvaluatorAssignmentSerializer,
    SolicitationDetailSerializer,
    SolicitationListSerializer,
    SolicitationOfficerSerializer,
)
from .terms import SolicitationTermsMixin

SOLICITATION_EXAMPLE = {
    "reference": "RFP-2027-003", "title": "Community responder program facilitator",
    "summary": "The city seeks a nonprofit to **facilitate** its community-responder program.",
    "scope": "## Scope of services\n\n- Recruit and employ community responders", "procurement_type": "contract_30b",
    "rating_method": "adjectival", "price_points": 0, "budget_ceiling": "1750000.00",
    "questions_due_at": "2027-03-01T16:00:00-05:00", "proposals_due_at": "2027-03-15T14:00:00-04:00",
    "opening_at": "2027-03-15T15:00:00-04:00", "scoring_due_at": "2027-04-01T17:00:00-04:00",
    "blind_review": True, "two_envelopes": True}
OFFICER_EXAMPLE = {
    "id": 12, **SOLICITATION_EXAMPLE, "status": "published", "criteria": [], "questions": [],
    "required_attachments": [], "addenda": [], "answered_questions": [], "awarded_to": None,
    "award_justification": "", "awarded_at": None, "cancel_reason": "", "published_at": "2027-02-10T09:30:00-05:00",
    "closed_at": None, "opened_at": None, "evaluation_started_at": None, "consensus_started_at": None,
    "price_opened_at": None, "recommended_proposal": None, "recommendation_reasons": "", "recommended_at": None,
    "cancelled_at": None}


def officer_detail(solicitation: Solicitation) -> dict:
    """The solicitation as its officer sees it, read again after the service's change."""
    solicitation = (Solicitation.objects.select_related("awarded_proposal__organization", "recommended_proposal")
                    .prefetch_related("criteria", "questions", "required_attachments", "addenda",
                                      Prefetch("clarifications", queryset=Clarification.objects.order_by("asked_at")))
                    .get(pk=solicitation.pk))
    return SolicitationOfficerSerializer(solicitation).data


def _officer_response(solicitation: Solicitation, code: int = status.HTTP_200_OK) -> Response:
    return Response(officer_detail(solicitation), status=code)


@extend_schema(tags=["procurement"])
class SolicitationViewSet(SolicitationTermsMixin, SolicitationParticipationMixin, viewsets.ReadOnlyModelViewSet):
    """Solicitations: published ones for everyone, no sign-in needed; drafts too for officers."""

    queryset = Solicitation.objects.none()
    lookup_field = "reference"
    # A reference holding a NUL character matches no route (a 404): looked up, PostgreSQL refuses to compare
    # text holding one and every operation on /solicitations/{reference}/ answered a 500.
    lookup_value_regex = r"[^/.\x00]+"
    filterset_fields = ["status", "procurement_type"]
    ordering_fields = ["proposals_due_at", "reference"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            # AllowAny changes nothing (permissions are all required) but tells the schema no token is needed.
            return [permissions.AllowAny(), StaffMFARequired()]
        return [permissions.IsAuthenticated(), StaffMFARequired()]

    def get_queryset(self):
        qs = selectors.solicitation_list(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.select_related("awarded_proposal__organization").prefetch_related(
                "criteria", "questions", "required_attachments", "addenda",
                Prefetch("clarifications", queryset=Clarification.objects.order_by("asked_at")))
        return qs

    def get_serializer_class(self):
        return SolicitationDetailSerializer if self.action == "retrieve" else SolicitationListSerializer

    def managed(self) -> Solicitation:
        """The solicitation of the URL, behind the officer's gate (common.as_officer)."""
        return as_officer(self.request.user, self.get_object())

    @extend_schema(request=SolicitationCreateSerializer, responses={201: SolicitationOfficerSerializer, **REFUSALS},
                   examples=[OpenApiExample("A new draft", value=SOLICITATION_EXAMPLE, request_only=True),
                             OpenApiExample("Created", value={**OFFICER_EXAMPLE, "status": "draft",
                                                              "published_at": None},
                                            response_only=True, status_codes=["201"])])
    def create(self, request, *args, **kwargs):
        """Draft a solicitation (procurement officers). Add its criteria, questions and required
        attachments, then publish it with the `publish` step."""
        officer_or_403(request.user)
        data = SolicitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        solicitation = services.solicitation_create(by=request.user, **data.validated_data)
        return _officer_response(solicitation, status.HTTP_201_CREATED)

    @extend_schema(request=SolicitationUpdateSerializer, responses={200: SolicitationOfficerSerializer, **REFUSALS},
                   examples=[OpenApiExample("A later deadline", request_only=True,
                                            value={"proposals_due_at": "2027-03-22T14:00:00-04:00"}),
                             OpenApiExample("Saved", value={**OFFICER_EXAMPLE, "status": "draft",
                                                            "published_at": None}, response_only=True)])
    def partial_update(self, request, *args, **kwargs):
        """Change a draft's terms; fields left out keep their value. A published solicitation changes only
        through an addendum."""
        solicitation = self.managed()
        data = SolicitationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        solicitation = services.solicitation_update(solicitation=solicitation, by=request.user, **data.validated_data)
        return _officer_response(solicitation)

    @extend_schema(request=SolicitationStepSerializer, responses={200: SolicitationOfficerSerializer, **REFUSALS},
                   examples=[OpenApiExample("Publish", value={"step": "publish"}, request_only=True),
                             OpenApiExample("Published", value=OFFICER_EXAMPLE, response_only=True)])
    @action(detail=True, methods=["post"])
    def steps(self, request, reference=None):
        """Take the solicitation's next step: publish, open the proposals, start the evaluation, start
        consensus, open the price proposals. None can be undone; each refuses (400) when its time or
        its conditions have not come."""
        solicitation = self.managed()
        data = SolicitationStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = services.SOLICITATION_STEPS[data.validated_data["step"]]
        return _officer_response(step(solicitation=solicitation, by=request.user))

    @extend_schema(request=SolicitationCancelSerializer, responses={200: SolicitationOfficerSerializer, **REFUSALS},
                   examples=[OpenApiExample("Funding withdrawn", request_only=True,
                                            value={"reason": "The program's funding was withdrawn."}),
                             OpenApiExample("Cancelled", response_only=True, value={
                                 **OFFICER_EXAMPLE, "status": "cancelled",
                                 "cancel_reason": "The program's funding was withdrawn.",
                                 "cancelled_at": "2027-02-20T10:00:00-05:00"})])
    @action(detail=True, methods=["post"])
    def cancel(self, request, reference=None):
        """Cancel the solicitation (not once awarded); every proposer is told why."""
        solicitation = self.managed()
        data = SolicitationCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _officer_response(services.solicitation_cancel(solicitation=solicitation, by=request.user,
                                                              reason=data.validated_data["reason"]))

    @extend_schema(request=EvaluatorAppointSerializer, responses={201: EvaluatorAssignmentSerializer, **REFUSALS},
                   examples=[OpenApiExample("Appoint", value={"evaluator": 31}, request_only=True),
                             OpenApiExample("Appointed", response_only=True, status_codes=["201"], value={
                                 "id": 7, "solicitation": "RFP-2027-003", "evaluator": 31,
                                 "evaluator_name": "Eve Evaluator", "assigned_at": "2027-02-11T09:00:00-05:00"})])
    @action(detail=True, methods=["post"])
    def evaluators(self, request, reference=None):
        """Appoint an evaluator to the committee (until consensus starts); they are notified."""
        solicitation = self.managed()
        data = EvaluatorAppointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The page's choice of candidates: active RFP evaluators not on this committee yet.
        evaluator = EvaluatorAssignForm(solicitation=solicitation).fields["evaluator"].queryset.filter(
            pk=data.validated_data["evaluator"]).first()
        if evaluator is None:
            raise ApplicationError(_("Choose an RFP evaluator who is not on the committee yet."), field="evaluator")
        assignment = services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=request.user)
        return Response(EvaluatorAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AwardRecommendationSerializer, responses={200: SolicitationOfficerSerializer, **REFUSALS},
                   examples=[OpenApiExample("Recommend", request_only=True, value={
                       "proposal": 41, "reasons": "Highest consensus ratings at a price within the budget."}),
                       OpenApiExample("Recommended", response_only=True, value={
                           **OFFICER_EXAMPLE, "status": "award_recommended", "recommended_proposal": "P-7KQ2MX",
                           "recommendation_reasons": "Highest consensus ratings at a price within the budget.",
                           "recommended_at": "2027-04-10T11:00:00-04:00"})])
    @action(detail=True, methods=["post"])
    def recommendation(self, request, reference=None):
        """Recommend the award to one submitted, responsive proposal, with the reasons (after the price
        opening). It cannot be changed; the award follows."""
        solicitation = self.managed()
        data = AwardRecommendationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = solicitation.proposals.filter(pk=data.validated_data["proposal"]).first()
        if proposal is None:
            raise ApplicationError(_("Choose a proposal of this solicitation."), field="proposal")
        return _officer_response(services.solicitation_award_recommend(
            solicitation=solicitation, proposal=proposal, by=request.user, reasons=data.validated_data["reasons"]))

    @extend_schema(request=SolicitationAwardSerializer, responses={200: SolicitationOfficerSerializer, **REFUSALS},
                   examples=[OpenApiExample("Award", value={"justification": ""}, request_only=True),
                             OpenApiExample("Awarded", response_only=True, value={
                                 **OFFICER_EXAMPLE, "status": "awarded", "awarded_to": "Harbor Peer Outreach",
                                 "award_justification": "Highest consensus ratings.",
                                 "awarded_at": "2027-04-15T10:00:00-04:00"})])
    @action(detail=True, methods=["post"])
    def award(self, request, reference=None):
        """Award to the recommended proposal: every proposer is sent its notice with the committee's
        feedback and the public notice of award is published. Not to the lowest price: write why."""
        solicitation = self.managed()
        data = SolicitationAwardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return _officer_response(services.solicitation_award(
            solicitation=solicitation, by=request.user, justification=data.validated_data["justification"]))

