from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.accounts.api.permissions import StaffMFARequired
from apps.core.api.serializers import ErrorSerializer

from .. import selectors, services
from ..models import Clarification, Criterion, Proposal, Score, Solicitation
from ..permissions import (
    can_edit_proposal,
    can_read_price,
    can_read_technical,
    is_assigned_evaluator,
    is_coordinator_of,
)
from .serializers import (
    PriceSerializer,
    ProposalDetailSerializer,
    ProposalSerializer,
    ScoreInputSerializer,
    ScoreSerializer,
    SolicitationDetailSerializer,
    SolicitationListSerializer,
    SubmissionReceiptSerializer,
)


@extend_schema(tags=["procurement"])
class SolicitationViewSet(viewsets.ReadOnlyModelViewSet):
    """Solicitations: published ones for everyone, no sign-in needed; drafts too for officers."""

    queryset = Solicitation.objects.none()
    # AllowAny changes nothing (permissions are all required) but tells the schema that no token is needed.
    permission_classes = [permissions.AllowAny, StaffMFARequired]
    lookup_field = "reference"
    filterset_fields = ["status", "procurement_type"]
    ordering_fields = ["proposals_due_at", "reference"]

    def get_queryset(self):
        qs = selectors.solicitation_list(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.select_related("awarded_proposal__organization").prefetch_related(
                "criteria", "questions", "required_attachments", "addenda",
                Prefetch("clarifications", queryset=Clarification.objects.order_by("asked_at")))
        return qs

    def get_serializer_class(self):
        return SolicitationDetailSerializer if self.action == "retrieve" else SolicitationListSerializer


@extend_schema(tags=["procurement"])
class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    """Proposals the user may know of: their organization's own; for officers the register after
    the opening; for evaluators the proposals they score (by code only in blind review)."""

    queryset = Proposal.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.proposal_list(user=self.request.user).prefetch_related("submissions")

    def get_serializer_class(self):
        return ProposalDetailSerializer if self.action == "retrieve" else ProposalSerializer

    def retrieve(self, request, *args, **kwargs):
        proposal = self.get_object()
        if not is_coordinator_of(request.user, proposal.organization_id) and can_read_technical(request.user, proposal):
            services.proposal_sealed_read_record(proposal=proposal, by=request.user, envelope="technical")
        return Response(self.get_serializer(proposal).data)

    @extend_schema(responses={
        200: PriceSerializer,
        403: OpenApiResponse(ErrorSerializer, description="A proposal you may read whose price envelope is not "
                                                          "yours to open: why, and when it opens."),
        404: OpenApiResponse(ErrorSerializer, description="Not found, or a proposal you may not know of.")})
    @action(detail=True, methods=["get"], serializer_class=PriceSerializer)
    def price(self, request, pk=None):
        """The price envelope: the proposer; the officer after the price opening; never an evaluator.

        A proposal you may not read is a 404; one you may read whose price is not yours a 403 saying
        why (the rule is in apps/core/permissions.py)."""
        proposal = self.get_object()
        if not can_read_price(request.user, proposal):
            if is_assigned_evaluator(request.user, proposal.solicitation):
                raise PermissionDenied(_("Evaluators never see the price envelope: the committee scores the "
                                         "technical proposal alone."))
            raise PermissionDenied(_("The price envelope opens at the price opening, after consensus scoring."))
        services.proposal_sealed_read_record(proposal=proposal, by=request.user, envelope="price")
        if is_coordinator_of(request.user, proposal.organization_id):
            return Response(PriceSerializer(proposal.price).data)
        latest = selectors.latest_submission(proposal=proposal)
        return Response(latest.price)

    @extend_schema(request=None, responses={201: SubmissionReceiptSerializer, 400: ErrorSerializer,
                                            403: OpenApiResponse(ErrorSerializer)})
    @action(detail=True, methods=["post"], serializer_class=SubmissionReceiptSerializer)
    def submit(self, request, pk=None):
        proposal = self.get_object()
        if not can_edit_proposal(request.user, proposal):
            raise PermissionDenied("Only a coordinator of the proposing organization can submit it.")
        submission = services.proposal_submit(proposal=proposal, by=request.user)
        return Response(SubmissionReceiptSerializer(submission).data, status=status.HTTP_201_CREATED)


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
        404: OpenApiResponse(ErrorSerializer, description="No such proposal or criterion that you may score.")})
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
