"""Proposals: read as each user may (the proposer, the officer after the opening, the evaluators who
score them, by code only in blind review); written by the proposer as on the proposal editor (answers,
price, attachments, addenda acknowledged, submit, withdraw). The officer's and the committee's
operations on a proposal are in evaluation.py."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError

from .. import selectors, services
from ..models import PriceProposal, Proposal
from ..permissions import can_read_price, can_read_technical, is_assigned_evaluator, is_coordinator_of
from .common import REFUSALS, as_proposer
from .evaluation import ProposalEvaluationMixin
from .inputs import (
    AcknowledgementInputSerializer,
    AttachmentInputSerializer,
    PriceInputSerializer,
    ProposalAnswersSerializer,
    ProposalDraftSerializer,
)
from .serializers import (
    AcknowledgementSerializer,
    PriceSerializer,
    ProposalDetailSerializer,
    ProposalSerializer,
    SubmissionReceiptSerializer,
)

PROPOSAL_EXAMPLE = {
    "id": 41, "code": "P-7KQ2MX", "solicitation": "RFP-2027-003", "organization": "Harbor Peer Outreach",
    "status": "draft", "submitted_at": None, "responsive": None, "receipt": None,
    "technical": {"answers": [{"question_id": 19, "number": 1, "prompt": "Describe your experience.",
                               "text": "Our peer team has answered neighbors in crisis since 2015."}],
                  "attachments": []}}
ANSWERS_EXAMPLE = [{"question": 19, "text": "Our peer team has answered neighbors in crisis since 2015."}]
PRICE_EXAMPLE = {"personnel": "640000.00", "responder_stipends": "520000.00", "training": "180000.00",
                 "operations": "150000.00", "indirect": "120000.00", "notes": "Year one."}
ATTACHMENT_ID = OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                 description="The attachment's id.")


@extend_schema(tags=["procurement"])
class ProposalViewSet(ProposalEvaluationMixin, viewsets.ReadOnlyModelViewSet):
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

    def _proposal_response(self, proposal: Proposal) -> Response:
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(ProposalDetailSerializer(proposal, context={"request": self.request}).data)

    def _editable(self) -> Proposal:
        return as_proposer(self.request.user, self.get_object())

    @extend_schema(request=ProposalDraftSerializer, responses={200: ProposalDetailSerializer, **REFUSALS}, examples=[
        OpenApiExample("Answers and price together", request_only=True,
                       value={"answers": ANSWERS_EXAMPLE, "price": PRICE_EXAMPLE}),
        OpenApiExample("Saved", value=PROPOSAL_EXAMPLE, response_only=True)])
    def partial_update(self, request, *args, **kwargs):
        """The editor's save: the answers given and, when `price` is given, the whole price envelope, in one
        transaction (all or nothing). Unchanged sections are not written again."""
        proposal = self._editable()
        data = ProposalDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        price, answers = data.validated_data["price"], data.validated_data["answers"]
        services.proposal_draft_save(
            proposal=proposal, by=request.user, answers={a["question"]: a["text"] for a in answers},
            lines={line: price[line] for line in PriceProposal.LINES} if price else None,
            notes=price["notes"] if price else "")
        return self._proposal_response(proposal)

    @extend_schema(request=ProposalAnswersSerializer, responses={200: ProposalDetailSerializer, **REFUSALS}, examples=[
        OpenApiExample("An answer", value={"answers": ANSWERS_EXAMPLE}, request_only=True),
        OpenApiExample("Saved", value=PROPOSAL_EXAMPLE, response_only=True)])
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Save answers of the technical proposal (each held to its question's word limit), before the
        deadline. Questions left out keep their answer."""
        proposal = self._editable()
        data = ProposalAnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.proposal_answers_save(proposal=proposal, by=request.user,
                                       answers={a["question"]: a["text"] for a in data.validated_data["answers"]})
        return self._proposal_response(proposal)

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

    @extend_schema(request=PriceInputSerializer, responses={200: PriceSerializer, **REFUSALS}, examples=[
        OpenApiExample("The price envelope", value=PRICE_EXAMPLE, request_only=True),
        OpenApiExample("Saved", value={**PRICE_EXAMPLE, "total": "1610000.00"}, response_only=True)])
    @price.mapping.put
    def price_save(self, request, pk=None):
        """Write the price envelope (every line; the total within the budget ceiling), before the deadline.
        It stays sealed from the committee: evaluators never see it, the officer only after consensus."""
        proposal = self._editable()
        data = PriceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        price = services.price_proposal_save(proposal=proposal, by=request.user, lines=data.lines(),
                                             notes=data.validated_data["notes"])
        return Response(PriceSerializer(price).data)

    @extend_schema(request={"multipart/form-data": AttachmentInputSerializer},
                   responses={201: ProposalDetailSerializer, **REFUSALS},
                   examples=[OpenApiExample("Attached", value=PROPOSAL_EXAMPLE, response_only=True,
                                            status_codes=["201"])])
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """Attach a file for one of the required attachments (multipart), replacing the current one;
        checked by its content and size, as on the page."""
        proposal = self._editable()
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        requirement = proposal.solicitation.required_attachments.filter(
            pk=data.validated_data["required_attachment"]).first()
        if requirement is None:
            raise ApplicationError(_("That attachment is not asked for by this solicitation."),
                                   field="required_attachment")
        services.proposal_attachment_add(proposal=proposal, required_attachment=requirement,
                                         upload=data.validated_data["file"], by=request.user)
        response = self._proposal_response(proposal)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(parameters=[ATTACHMENT_ID], request=None, responses={204: None, **REFUSALS})
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>[0-9]+)")
    def attachment_remove(self, request, pk=None, attachment_id=None):
        """Remove a current attachment, before the deadline (one that was part of a submission stays on
        record)."""
        proposal = self._editable()
        attachment = get_object_or_404(proposal.attachments, pk=attachment_id, is_current=True)
        services.proposal_attachment_remove(attachment=attachment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=AcknowledgementInputSerializer, responses={200: AcknowledgementSerializer, **REFUSALS},
                   examples=[OpenApiExample("Acknowledge", value={"addendum": 9}, request_only=True),
                             OpenApiExample("Acknowledged", response_only=True, value={
                                 "addendum": 9, "number": 1, "acknowledged_at": "2027-02-21T08:30:00-05:00"})])
    @action(detail=True, methods=["post"])
    def acknowledgements(self, request, pk=None):
        """Acknowledge an addendum for the proposing organization (every addendum must be acknowledged
        before submitting). Acknowledging twice is harmless."""
        proposal = self._editable()
        data = AcknowledgementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        addendum = proposal.solicitation.addenda.filter(pk=data.validated_data["addendum"]).first()
        if addendum is None:
            raise ApplicationError(_("That addendum is not part of this solicitation."), field="addendum")
        acknowledgement = services.addendum_acknowledge(addendum=addendum, organization=proposal.organization,
                                                        by=request.user)
        return Response(AcknowledgementSerializer(acknowledgement).data)

    @extend_schema(request=None, responses={201: SubmissionReceiptSerializer, **REFUSALS}, examples=[
        OpenApiExample("The receipt", response_only=True, status_codes=["201"], value={
            "number": 1, "submitted_at": "2027-03-14T16:02:11-04:00",
            "receipt_hash": "5b1d0c9e7a3f2b4d6e8a0c2e4f6b8d0a2c4e6f8b0d2a4c6e8f0b2d4a6c8e0f2b"})])
    @action(detail=True, methods=["post"], serializer_class=SubmissionReceiptSerializer)
    def submit(self, request, pk=None):
        """Seal the current content as a new submission, with its SHA-256 receipt, before the deadline.
        Refused (400) with what is still missing."""
        proposal = self._editable()
        submission = services.proposal_submit(proposal=proposal, by=request.user)
        return Response(SubmissionReceiptSerializer(submission).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ProposalDetailSerializer, **REFUSALS}, examples=[
        OpenApiExample("Withdrawn", value={**PROPOSAL_EXAMPLE, "status": "withdrawn"}, response_only=True)])
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a submitted proposal before the deadline; it may be submitted again before then."""
        proposal = self._editable()
        services.proposal_withdraw(proposal=proposal, by=request.user)
        return self._proposal_response(proposal)
