from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organization, User
from apps.accounts.permissions import is_program_admin
from apps.core.api.parsers import JSONParser
from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError
from apps.training import selectors, services
from apps.training.models import Enrollment, FieldHours, RoleRequirement, TrainingRecord, TrainingSession
from apps.training.permissions import can_verify_record, can_view_readiness
from apps.training.readiness import readiness_for

from .manage import FieldHoursManageMixin, RequirementManageMixin, SessionManageMixin
from .serializers import (
    CourseSerializer,
    EnrollmentSerializer,
    FieldHoursSerializer,
    ReadinessQuerySerializer,
    ReadinessSerializer,
    RejectSerializer,
    RequirementSerializer,
    TrainingRecordCreateSerializer,
    TrainingRecordSerializer,
    TrainingSessionSerializer,
)


@extend_schema(tags=["training"])
class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    """The course catalog (active courses)."""

    serializer_class = CourseSerializer
    queryset = selectors.course_list()
    lookup_field = "code"
    filterset_fields = ["category", "delivery"]

    def get_queryset(self):
        return selectors.course_list().order_by("code")


@extend_schema(tags=["training"])
class RequirementViewSet(RequirementManageMixin, viewsets.ReadOnlyModelViewSet):
    """Role requirements, every dated version: program-wide and your organizations' own."""

    serializer_class = RequirementSerializer
    queryset = RoleRequirement.objects.none()
    filterset_fields = ["role"]

    def get_queryset(self):
        return selectors.requirement_list(user=self.request.user)


@extend_schema(tags=["training"])
class TrainingRecordViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Your own training records, and your organizations' if you are a trainer or coordinator."""

    serializer_class = TrainingRecordSerializer
    queryset = TrainingRecord.objects.none()
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = ["status", "source", "responder"]
    ordering_fields = ["completed_on", "expires_on", "created_at"]

    def get_queryset(self):
        return selectors.record_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return TrainingRecordCreateSerializer
        if self.action == "reject":
            return RejectSerializer
        return TrainingRecordSerializer

    @extend_schema(request={"multipart/form-data": TrainingRecordCreateSerializer},
                   responses={201: TrainingRecordSerializer, 400: ErrorSerializer})
    def create(self, request, *args, **kwargs):
        """Upload an external certificate for yourself; it waits for verification."""
        serializer = TrainingRecordCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = services.record_submit(by=request.user, responder=request.user, organization=data["organization"],
                                        course=data["course"], completed_on=data["completed_on"],
                                        evidence=data["evidence"], certificate_number=data["certificate_number"])
        return Response(TrainingRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    def _check_verifier(self, record):
        # The services' own rule: a program admin sees every record but does not verify (403, not 400).
        if not can_verify_record(self.request.user, record):
            raise PermissionDenied("Only a trainer or coordinator of this organization can decide on this record.")

    @extend_schema(request=None, responses={200: TrainingRecordSerializer, 400: ErrorSerializer,
                                            403: OpenApiResponse(ErrorSerializer)})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        record = self.get_object()
        self._check_verifier(record)
        record = services.record_verify(record=record, by=request.user)
        return Response(TrainingRecordSerializer(record).data)

    @extend_schema(request=RejectSerializer, responses={200: TrainingRecordSerializer, 400: ErrorSerializer,
                                                        403: OpenApiResponse(ErrorSerializer)})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        record = self.get_object()
        self._check_verifier(record)
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.record_reject(record=record, by=request.user, reason=serializer.validated_data["reason"])
        return Response(TrainingRecordSerializer(record).data)


@extend_schema(tags=["training"])
class ReadinessView(APIView):
    """Readiness of one person for an organization: cleared, or the reasons why not.

    The same engine scheduling uses. You may ask about yourself; trainers and coordinators about
    their organization's responders.
    """

    @extend_schema(parameters=[ReadinessQuerySerializer],
                   responses={200: ReadinessSerializer, 400: ErrorSerializer, 403: OpenApiResponse(ErrorSerializer),
                              404: OpenApiResponse(ErrorSerializer)})
    def get(self, request):
        query = ReadinessQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        user = request.user
        organizations = Organization.objects.all() if is_program_admin(user) else Organization.objects.filter(
            pk__in=user.organization_ids())
        organization = get_object_or_404(organizations, slug=data["organization"])
        subject = user
        if data.get("user") and data["user"] != user.pk:
            # Someone outside the organization does not exist, for the asker.
            subject = get_object_or_404(User.objects.filter(memberships__organization=organization).distinct(),
                                        pk=data["user"])
        if not can_view_readiness(user, subject=subject, organization_id=organization.pk):
            raise PermissionDenied("Only trainers and coordinators of this organization can see others' readiness.")
        at = data.get("at") or timezone.now()
        through = data.get("through") or at
        if through < at:
            raise ApplicationError("`through` must not be before `at`.", field="through")
        readiness = readiness_for(user=subject, organization=organization, at=at, through=through, role=data["role"])
        return Response(ReadinessSerializer(readiness).data)


@extend_schema(tags=["training"])
class TrainingSessionViewSet(SessionManageMixin, viewsets.ReadOnlyModelViewSet):
    """Training sessions of your organizations, with places taken and the waitlist."""

    serializer_class = TrainingSessionSerializer
    queryset = TrainingSession.objects.none()
    filterset_fields = ["status", "organization"]
    ordering_fields = ["starts_at"]

    def get_queryset(self):
        return selectors.session_list(user=self.request.user)

    @extend_schema(request=None, responses={201: EnrollmentSerializer, 400: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def enroll(self, request, pk=None):
        """Enroll yourself: a place if one is free, otherwise the waitlist."""
        enrollment = services.enrollment_create(by=request.user, session=self.get_object(), responder=request.user)
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: EnrollmentSerializer, 400: ErrorSerializer,
                                            404: OpenApiResponse(ErrorSerializer)})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw yourself; the first person waiting takes the place."""
        session = self.get_object()
        enrollment = Enrollment.objects.filter(session=session, responder=request.user).first()
        if enrollment is None:
            raise NotFound("You are not enrolled in this session.")
        enrollment = services.enrollment_withdraw(by=request.user, enrollment=enrollment)
        return Response(EnrollmentSerializer(enrollment).data)


@extend_schema(tags=["training"])
class FieldHoursViewSet(FieldHoursManageMixin, viewsets.ReadOnlyModelViewSet):
    """Supervised field hours: your own, those you precept, your organizations' if you look after training."""

    serializer_class = FieldHoursSerializer
    queryset = FieldHours.objects.none()
    filterset_fields = ["status", "responder"]

    def get_queryset(self):
        return selectors.field_hours_list(user=self.request.user)
