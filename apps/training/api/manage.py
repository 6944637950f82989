"""Training's management API: scheduling and cancelling sessions, the roll (withdraw, attendance,
assessment), logging and signing off field hours, and role requirements. The same selectors,
predicates and services as the pages (views/sessions.py, views/field_hours.py)."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from apps.accounts.models import Organization, User
from apps.accounts.roles import Role
from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError
from apps.training import selectors, services
from apps.training.models import Enrollment
from apps.training.permissions import can_edit_requirements, can_manage_session, managed_organization_ids

from .manage_serializers import (
    AssessInputSerializer,
    AttendanceInputSerializer,
    FieldHoursInputSerializer,
    RequirementInputSerializer,
    SessionInputSerializer,
    SignOffInputSerializer,
)
from .serializers import EnrollmentSerializer, FieldHoursSerializer, RequirementSerializer, TrainingSessionSerializer

BAD = OpenApiResponse(ErrorSerializer, description="A field is invalid (named), or a rule refused the action.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Too few rights on a visible object.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or not yours to see.")
WRITE = {400: BAD, 403: FORBIDDEN, 404: NOT_FOUND}
CHOICE = "Select a valid choice. That choice is not one of the available choices."


def _choice(queryset, field: str, **lookup):
    """An object named in the body: one the caller may not use is that field's error, as on the page's form."""
    row = queryset.filter(**lookup).first()
    if row is None:
        raise ApplicationError(CHOICE, field=field)
    return row


class SessionManageMixin:
    """For TrainingSessionViewSet: schedule a session, cancel one."""

    @extend_schema(request=SessionInputSerializer, responses={201: TrainingSessionSerializer, **WRITE},
                   examples=[OpenApiExample("De-escalation, May", request_only=True,
                                            value={"organization": "harbor-health", "course": "DEESC-101",
                                                   "trainer": 12, "starts_at": "2026-05-20T09:00:00-04:00",
                                                   "ends_at": "2026-05-20T17:00:00-04:00",
                                                   "location": "Harbor Health, room 2", "capacity": 16})])
    def create(self, request, *args, **kwargs):
        """Schedule a training session for an organization whose training you look after."""
        user = request.user
        organizations = Organization.objects.filter(pk__in=managed_organization_ids(user), is_active=True)
        if not organizations.exists():
            raise PermissionDenied("Only a trainer or coordinator schedules training.")
        data = SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        organization = _choice(organizations, "organization", slug=v.pop("organization"))
        course = _choice(selectors.course_list(), "course", code=v.pop("course"))
        trainers = User.objects.filter(memberships__organization__in=organizations, memberships__role=Role.TRAINER,
                                       memberships__is_active=True).distinct()
        trainer = _choice(trainers, "trainer", pk=v.pop("trainer"))
        session = services.session_create(by=user, organization=organization, course=course, trainer=trainer, **v)
        return Response(TrainingSessionSerializer(self.get_queryset().get(pk=session.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TrainingSessionSerializer, **WRITE},
                   examples=[OpenApiExample("Cancelled", response_only=True, value={"id": 31, "status": "cancelled"})])
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a scheduled session (its trainer, a coordinator, a program admin); the enrolled are told."""
        session = self.get_object()
        if not can_manage_session(request.user, session):
            raise PermissionDenied("Only the trainer or a coordinator can cancel this session.")
        session = services.session_cancel(by=request.user, session=session)
        return Response(TrainingSessionSerializer(self.get_queryset().get(pk=session.pk)).data)


@extend_schema(tags=["training"])
class EnrollmentViewSet(viewsets.GenericViewSet):
    """One place on a session's roll: withdraw it, take attendance, record the assessment."""

    serializer_class = EnrollmentSerializer
    queryset = Enrollment.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return (Enrollment.objects.select_related("session__course", "session__organization", "responder")
                .filter(session__in=selectors.session_list(user=self.request.user)))

    def _managed(self) -> Enrollment:
        enrollment = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not can_manage_session(self.request.user, enrollment.session):
            raise PermissionDenied("Only the trainer or a coordinator can do this.")
        return enrollment

    @extend_schema(request=None, responses={200: EnrollmentSerializer, **WRITE},
                   examples=[OpenApiExample("Withdrawn", response_only=True,
                                            value={"id": 77, "session": 31, "responder": 40, "status": "withdrawn"})])
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw this enrollment (your own, or as the session's trainer or coordinator); the first person
        waiting takes the place."""
        enrollment = get_object_or_404(self.get_queryset(), pk=pk)
        if not (enrollment.responder_id == request.user.pk or can_manage_session(request.user, enrollment.session)):
            raise PermissionDenied("You cannot withdraw this enrollment.")
        return Response(EnrollmentSerializer(services.enrollment_withdraw(by=request.user,
                                                                          enrollment=enrollment)).data)

    @extend_schema(request=AttendanceInputSerializer, responses={200: EnrollmentSerializer, **WRITE},
                   examples=[OpenApiExample("Left at noon", request_only=True,
                                            value={"attendance": "partial", "hours": "3.50"})])
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        enrollment = self._managed()
        data = AttendanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_mark_attendance(by=request.user, enrollment=enrollment,
                                                         attendance=data.validated_data["attendance"],
                                                         hours=data.validated_data["hours"])
        return Response(EnrollmentSerializer(enrollment).data)

    @extend_schema(request=AssessInputSerializer, responses={200: EnrollmentSerializer, **WRITE},
                   examples=[OpenApiExample("Passed", request_only=True, value={"passed": True})])
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        enrollment = self._managed()
        data = AssessInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_assess(by=request.user, enrollment=enrollment,
                                                passed=data.validated_data["passed"])
        return Response(EnrollmentSerializer(enrollment).data)


class FieldHoursManageMixin:
    """For FieldHoursViewSet: log your hours, sign off hours you precept."""

    @extend_schema(request=FieldHoursInputSerializer, responses={201: FieldHoursSerializer, **WRITE},
                   examples=[OpenApiExample("A ride-along", request_only=True,
                                            value={"organization": "harbor-health", "worked_on": "2026-05-02",
                                                   "hours": "6.00", "preceptor": 12, "shift_reference": "S-1042",
                                                   "activity": "Ride-along with the night team"})])
    def create(self, request, *args, **kwargs):
        user = request.user
        organizations = selectors.responder_organizations(user=user)
        if not organizations.exists():
            raise PermissionDenied("Only responders log field hours.")
        data = FieldHoursInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        organization = _choice(organizations, "organization", slug=v.pop("organization"))
        preceptor = _choice(selectors.preceptor_choices(organizations=organizations, exclude=user), "preceptor",
                            pk=v.pop("preceptor"))
        entry = services.field_hours_log(by=user, organization=organization, preceptor=preceptor, **v)
        return Response(FieldHoursSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignOffInputSerializer, responses={200: FieldHoursSerializer, **WRITE},
                   examples=[OpenApiExample("Signed off", request_only=True, value={"approve": True, "note": ""})])
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """The named preceptor signs the hours off, or declines with a note."""
        entry = self.get_object()
        if entry.preceptor_id != request.user.pk:
            raise PermissionDenied("Only the named preceptor can sign off these hours.")
        data = SignOffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.field_hours_sign_off(by=request.user, entry=entry, **data.validated_data)
        return Response(FieldHoursSerializer(entry).data)


class RequirementManageMixin:
    """For RequirementViewSet: set what a role needs from a date on."""

    @extend_schema(request=RequirementInputSerializer, responses={201: RequirementSerializer, **WRITE},
                   examples=[OpenApiExample("Leads from July", request_only=True,
                                            value={"role": "team_lead", "organization": None,
                                                   "effective_from": "2026-07-01",
                                                   "courses": ["DEESC-101", "CPR-AHA"], "min_field_hours": "40.00",
                                                   "note": "Council resolution 2026-14"})])
    def create(self, request, *args, **kwargs):
        """Program admins set requirements (program-wide, or one organization's); a date today or later."""
        if not can_edit_requirements(request.user):
            raise PermissionDenied("Only a program admin sets role requirements.")
        data = RequirementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        slug = v.pop("organization")
        organization = None if slug is None else _choice(
            Organization.objects.filter(is_active=True, kind="nonprofit"), "organization", slug=slug)
        codes = v.pop("courses")
        courses = list(selectors.course_list().filter(code__in=codes))
        if len(courses) != len(set(codes)):
            raise ApplicationError(CHOICE, field="courses")
        requirement = services.requirement_set(by=request.user, organization=organization, courses=courses, **v)
        return Response(RequirementSerializer(requirement).data, status=status.HTTP_201_CREATED)
