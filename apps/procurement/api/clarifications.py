"""Proposers' questions (clarifications): the officer reads every question of the solicitations they act
on and publishes the answers, as on the manage page; a coordinator reads their own organizations'
questions. Who asked is never part of it (answers are published without the asker). Asking is on the
solicitation (participation.py)."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.roles import Role

from .. import services
from ..models import Clarification
from ..permissions import is_officer, officer_solicitations
from .common import REFUSALS, as_officer
from .inputs import ClarificationAnswerSerializer
from .serializers import ClarificationSerializer


def clarification_list(*, user):
    """The questions the user may know of: as officer, those of the solicitations they act on; as a
    coordinator, their own organizations'."""
    if not user.is_authenticated:
        return Clarification.objects.none()
    visible = Q(organization_id__in=user.organization_ids(Role.COORDINATOR))
    if is_officer(user):
        visible |= Q(solicitation__in=officer_solicitations(user))
    return Clarification.objects.filter(visible).select_related("solicitation").order_by("-asked_at", "-id")


@extend_schema(tags=["procurement"])
class ClarificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Questions from proposers, and their answers."""

    queryset = Clarification.objects.none()
    serializer_class = ClarificationSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return clarification_list(user=self.request.user)

    @extend_schema(request=ClarificationAnswerSerializer, responses={200: ClarificationSerializer, **REFUSALS},
                   examples=[OpenApiExample("Answer", request_only=True, value={
                       "answer": "Yes: the pilot may start in one zone and extend by month six.",
                       "question": "May the program start in one zone?"}),
                       OpenApiExample("Published", response_only=True, value={
                           "id": 15, "solicitation": "RFP-2027-003", "status": "answered",
                           "question": "May the program start in one zone?", "asked_at": "2027-02-14T13:20:00-05:00",
                           "answer": "Yes: the pilot may start in one zone and extend by month six.",
                           "answered_at": "2027-02-16T09:00:00-05:00"})])
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Publish the answer to every proposer (the officer), rewording the question if it identifies the
        asker. Answering again replaces the answer."""
        clarification = self.get_object()
        as_officer(request.user, clarification.solicitation)
        data = ClarificationAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clarification = services.clarification_answer(clarification=clarification, by=request.user,
                                                      **data.validated_data)
        return Response(ClarificationSerializer(clarification).data)
