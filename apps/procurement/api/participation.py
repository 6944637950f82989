"""What proposers and evaluators do on a solicitation, as on the public page and the evaluation page:
a coordinator asks a question or starts their organization's proposal; an evaluator on the committee
reads the conflict-of-interest statement and signs it, declaring conflicts (which recuse them)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.accounts.models import Organization
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError

from .. import services
from ..models import Proposal
from ..permissions import assignment_for, can_participate
from .common import REFUSALS, as_evaluator
from .inputs import AttestationInputSerializer, ClarificationAskSerializer, ProposalStartSerializer
from .serializers import AttestationSerializer, ClarificationSerializer, ProposalDetailSerializer


class AttestationCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttestationStateSerializer(serializers.Serializer):
    statement = serializers.CharField()
    candidates = AttestationCandidateSerializer(
        many=True, help_text="The organizations you declare about (until you sign): in blind review every active "
                             "nonprofit, so the list does not tell you who proposed.")
    attestation = AttestationSerializer(allow_null=True, help_text="Your signed attestation, once signed.")


def _organization(user, organization_id: int) -> Organization:
    """One of the caller's own organizations (as the page's choice), or a 400 on `organization`."""
    organization = Organization.objects.filter(pk=organization_id, is_active=True,
                                               pk__in=user.organization_ids(Role.COORDINATOR)).first()
    if organization is None:
        raise ApplicationError(_("Choose an organization you coordinate."), field="organization")
    return organization


def _participant(user) -> None:
    if not can_participate(user):
        raise PermissionDenied(_("Only a nonprofit's coordinator can take part."))


class SolicitationParticipationMixin:
    """For SolicitationViewSet: `self.get_object()` is the solicitation the caller may know of."""

    @extend_schema(request=ClarificationAskSerializer, responses={201: ClarificationSerializer, **REFUSALS},
                   examples=[OpenApiExample("Ask", request_only=True,
                                            value={"organization": 4, "question": "May the pilot start in one zone?"}),
                             OpenApiExample("Asked", response_only=True, status_codes=["201"], value={
                                 "id": 15, "solicitation": "RFP-2027-003", "status": "pending",
                                 "question": "May the pilot start in one zone?",
                                 "asked_at": "2027-02-14T13:20:00-05:00", "answer": "", "answered_at": None})])
    @action(detail=True, methods=["post"], url_path="clarifications")
    def clarifications(self, request, reference=None):
        """Ask a question for your organization before the questions deadline. The answer is published
        for every proposer, without your name."""
        solicitation = self.get_object()
        _participant(request.user)
        data = ClarificationAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clarification = services.clarification_ask(
            solicitation=solicitation, organization=_organization(request.user, data.validated_data["organization"]),
            by=request.user, question=data.validated_data["question"])
        return Response(ClarificationSerializer(clarification).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProposalStartSerializer,
                   responses={201: ProposalDetailSerializer, 200: ProposalDetailSerializer, **REFUSALS},
                   examples=[OpenApiExample("Start", value={"organization": 4}, request_only=True),
                             OpenApiExample("Started", response_only=True, status_codes=["201"], value={
                                 "id": 41, "code": "P-7KQ2MX", "solicitation": "RFP-2027-003",
                                 "organization": "Harbor Peer Outreach", "status": "draft", "submitted_at": None,
                                 "responsive": None, "receipt": None,
                                 "technical": {"answers": [], "attachments": []}})])
    @action(detail=True, methods=["post"], url_path="proposals")
    def proposals(self, request, reference=None):
        """Start your organization's proposal (201), or get the one it has already started (200): one per
        organization, while the solicitation takes proposals."""
        solicitation = self.get_object()
        _participant(request.user)
        data = ProposalStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = _organization(request.user, data.validated_data["organization"])
        existed = Proposal.objects.filter(solicitation=solicitation, organization=organization).exists()
        proposal = services.proposal_start(solicitation=solicitation, organization=organization, by=request.user)
        proposal = Proposal.objects.select_related("solicitation", "organization").prefetch_related(
            "submissions").get(pk=proposal.pk)
        return Response(ProposalDetailSerializer(proposal, context={"request": request}).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def _seat(self, request):
        solicitation = as_evaluator(request.user, self.get_object())
        assignment = assignment_for(request.user, solicitation)
        if assignment is None or solicitation.status == solicitation.Status.CANCELLED:
            raise Http404  # as the evaluation page: a cancelled solicitation's seat is gone
        return solicitation, assignment

    @extend_schema(request=None, responses={200: AttestationStateSerializer, 403: REFUSALS[403], 404: REFUSALS[404]},
                   examples=[OpenApiExample("To sign", response_only=True, value={
                       "statement": services.ATTESTATION_STATEMENT,
                       "candidates": [{"id": 4, "name": "Harbor Peer Outreach"}], "attestation": None})])
    @action(detail=True, methods=["get"], url_path="attestation")
    def attestation(self, request, reference=None):
        """Your seat on the committee: the statement to sign and the organizations to declare about (after
        the opening, until you sign), or your signed attestation."""
        solicitation, assignment = self._seat(request)
        signed = getattr(assignment, "attestation", None)
        candidates = ([] if signed is not None or solicitation.opened_at is None
                      else services.attestation_candidates(solicitation=solicitation))
        return Response(AttestationStateSerializer({
            "statement": services.ATTESTATION_STATEMENT, "candidates": candidates, "attestation": signed}).data)

    @extend_schema(request=AttestationInputSerializer, responses={201: AttestationSerializer, **REFUSALS},
                   examples=[OpenApiExample("Sign, declaring one conflict", request_only=True, value={
                       "affirm": True, "signed_name": "Eve Evaluator",
                       "conflicts": [{"organization": 4, "description": "I sit on its board."}]}),
                       OpenApiExample("Signed", response_only=True, status_codes=["201"], value={
                           "id": 6, "solicitation": "RFP-2027-003", "statement": services.ATTESTATION_STATEMENT,
                           "signed_name": "Eve Evaluator", "signed_at": "2027-03-16T09:00:00-04:00"})])
    @attestation.mapping.post
    def attestation_sign(self, request, reference=None):
        """Sign the conflict-of-interest attestation (after the opening, once): confirm the statement and
        declare each organization you have a relationship with. A conflict with a proposer recuses you
        from its proposal; nothing of the proposals is yours to see before you sign."""
        solicitation, _assignment = self._seat(request)
        data = AttestationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        conflicts = {c["organization"]: c["description"] for c in values["conflicts"]}
        # Only once the proposers are known (as the GET lists candidates): before the opening, checking the
        # declared organizations against the proposers would tell the committee who submitted. The service
        # then refuses the signature as too early, whatever is declared.
        if solicitation.opened_at is not None and set(conflicts) - {
                organization.pk for organization in services.attestation_candidates(solicitation=solicitation)}:
            raise ApplicationError(_("Declare only organizations of the list of candidates."), field="conflicts")
        attestation = services.attestation_sign(solicitation=solicitation, by=request.user, conflicts=conflicts,
                                                affirmed=values["affirm"], signed_name=values["signed_name"])
        return Response(AttestationSerializer(attestation).data, status=status.HTTP_201_CREATED)
