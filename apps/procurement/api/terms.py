"""A solicitation's terms, written by its officer as on the manage page (views/officer.solicitation_item_add
and solicitation_item_remove): criteria, the questions proposals answer and the required attachments
(drafts only), documents (until the deadline) and addenda (while published)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from .. import services
from .common import REFUSALS
from .inputs import (
    AddendumInputSerializer,
    CriterionInputSerializer,
    DocumentInputSerializer,
    ProposalQuestionInputSerializer,
    RequiredAttachmentInputSerializer,
)
from .serializers import (
    AddendumSerializer,
    CriterionSerializer,
    ProposalQuestionSerializer,
    RequiredAttachmentSerializer,
    SolicitationDocumentSerializer,
)

ITEM_ID = OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The item's id.")
REMOVED = {204: None, **REFUSALS}


class SolicitationTermsMixin:
    """For SolicitationViewSet: `self.managed()` is the solicitation behind the officer's gate."""

    def _add(self, request, serializer_class, service, output_class):
        solicitation = self.managed()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        item = service(solicitation=solicitation, by=request.user, **data.validated_data)
        return Response(output_class(item).data, status=status.HTTP_201_CREATED)

    def _remove(self, request, manager_name: str, item_id):
        solicitation = self.managed()
        item = get_object_or_404(getattr(solicitation, manager_name), pk=item_id)
        services.solicitation_item_remove(solicitation=solicitation, by=request.user, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CriterionInputSerializer, responses={201: CriterionSerializer, **REFUSALS}, examples=[
        OpenApiExample("A comparative criterion", request_only=True, value={
            "kind": "comparative", "title": "Training and supervision plan", "description": "", "max_points": 0}),
        OpenApiExample("Added", response_only=True, status_codes=["201"], value={
            "id": 88, "kind": "comparative", "title": "Training and supervision plan", "description": "",
            "max_points": 0, "order": 3})])
    @action(detail=True, methods=["post"], url_path="criteria")
    def criteria(self, request, reference=None):
        """Add an evaluation criterion to a draft: minimum (pass or fail) or comparative (rated; with
        weighted points, worth `max_points`)."""
        return self._add(request, CriterionInputSerializer, services.criterion_add, CriterionSerializer)

    @extend_schema(parameters=[ITEM_ID], request=None, responses=REMOVED)
    @action(detail=True, methods=["delete"], url_path=r"criteria/(?P<item_id>[0-9]+)")
    def criterion_remove(self, request, reference=None, item_id=None):
        """Remove a criterion from a draft."""
        return self._remove(request, "criteria", item_id)

    @extend_schema(request=ProposalQuestionInputSerializer, responses={201: ProposalQuestionSerializer, **REFUSALS},
                   examples=[OpenApiExample("A question", request_only=True, value={
                       "prompt": "How will you train, supervise and support responders?", "max_words": 800}),
                       OpenApiExample("Added", response_only=True, status_codes=["201"], value={
                           "id": 19, "prompt": "How will you train, supervise and support responders?",
                           "max_words": 800, "order": 2})])
    @action(detail=True, methods=["post"], url_path="questions")
    def questions_add(self, request, reference=None):
        """Add a question every technical proposal answers, with its word limit, to a draft."""
        return self._add(request, ProposalQuestionInputSerializer, services.proposal_question_add,
                         ProposalQuestionSerializer)

    @extend_schema(parameters=[ITEM_ID], request=None, responses=REMOVED)
    @action(detail=True, methods=["delete"], url_path=r"questions/(?P<item_id>[0-9]+)")
    def question_remove(self, request, reference=None, item_id=None):
        """Remove a question from a draft."""
        return self._remove(request, "questions", item_id)

    @extend_schema(request=RequiredAttachmentInputSerializer, responses={201: RequiredAttachmentSerializer,
                                                                          **REFUSALS},
                   examples=[OpenApiExample("A required attachment", request_only=True, value={
                       "name": "Certificate of non-collusion", "description": "Signed by an officer."}),
                       OpenApiExample("Added", response_only=True, status_codes=["201"], value={
                           "id": 5, "name": "Certificate of non-collusion", "description": "Signed by an officer.",
                           "order": 1})])
    @action(detail=True, methods=["post"], url_path="required-attachments")
    def required_attachments_add(self, request, reference=None):
        """Add an attachment every proposal must include to a draft."""
        return self._add(request, RequiredAttachmentInputSerializer, services.required_attachment_add,
                         RequiredAttachmentSerializer)

    @extend_schema(parameters=[ITEM_ID], request=None, responses=REMOVED)
    @action(detail=True, methods=["delete"], url_path=r"required-attachments/(?P<item_id>[0-9]+)")
    def required_attachment_remove(self, request, reference=None, item_id=None):
        """Remove a required attachment from a draft."""
        return self._remove(request, "required_attachments", item_id)

    @extend_schema(request={"multipart/form-data": DocumentInputSerializer},
                   responses={201: SolicitationDocumentSerializer, **REFUSALS},
                   examples=[OpenApiExample("Uploaded", response_only=True, status_codes=["201"], value={
                       "id": 3, "title": "Scope of services", "content_type": "application/pdf", "size": 183204,
                       "sha256": "9f2c6b1e0d4a7c3b5e8f1a2d4c6b8e0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b",
                       "uploaded_at": "2027-02-10T09:00:00-05:00"})])
    @action(detail=True, methods=["post"], url_path="documents", parser_classes=[MultiPartParser])
    def documents(self, request, reference=None):
        """Upload a public document of the solicitation (multipart), until the proposal deadline. The file
        is checked by its content and size, as on the page."""
        solicitation = self.managed()
        data = DocumentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_add(solicitation=solicitation, by=request.user,
                                         title=data.validated_data["title"], upload=data.validated_data["file"])
        return Response(SolicitationDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AddendumInputSerializer, responses={201: AddendumSerializer, **REFUSALS}, examples=[
        OpenApiExample("A later deadline", request_only=True, value={
            "title": "Deadline extended", "body": "Proposals are now due on **March 22**.",
            "new_proposals_due_at": "2027-03-22T14:00:00-04:00"}),
        OpenApiExample("Published", response_only=True, status_codes=["201"], value={
            "id": 9, "number": 1, "title": "Deadline extended", "body": "Proposals are now due on **March 22**.",
            "new_proposals_due_at": "2027-03-22T14:00:00-04:00", "published_at": "2027-02-20T10:00:00-05:00"})])
    @action(detail=True, methods=["post"], url_path="addenda")
    def addenda(self, request, reference=None):
        """Publish a numbered addendum (while published, before the deadline), optionally moving the
        deadline. Every organization that has shown interest is notified; each must acknowledge it
        before submitting."""
        return self._add(request, AddendumInputSerializer, services.addendum_publish, AddendumSerializer)
