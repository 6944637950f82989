"""The scheduling API: the same services, selectors and permissions as the pages."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organization, User
from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError
from apps.scheduling import selectors, services
from apps.scheduling.eligibility import check_eligibility
from apps.scheduling.models import Assignment, Position, Shift, SwapRequest, TimeOff
from apps.scheduling.permissions import (
    can_act_on_assignment,
    can_decide_swap,
    can_decide_time_off,
    can_manage_schedule,
    can_offer_swap,
    can_sign_up,
    can_take_swap,
    can_withdraw_swap,
    can_withdraw_time_off,
    responder_organization_ids,
)

from .common import FORBIDDEN, NOT_FOUND, refusal
from .planning import ShiftPlanningMixin
from .roster import RepairActionMixin
from .serializers import (
    AssignmentCancelSerializer,
    AssignmentSerializer,
    AssignSerializer,
    DecisionSerializer,
    EligibilityQuerySerializer,
    EligibilitySerializer,
    HoursSerializer,
    NoShowSerializer,
    PositionSerializer,
    ReasonSerializer,
    RefusalSerializer,
    RescheduleSerializer,
    ShiftSerializer,
    SwapCreateSerializer,
    SwapSerializer,
    TimeOffSerializer,
)


@extend_schema(tags=["scheduling"])
class ShiftViewSet(ShiftPlanningMixin, viewsets.ReadOnlyModelViewSet):
    """Shifts: coordinators see all of their organizations'; responders only published ones."""

    serializer_class = ShiftSerializer
    queryset = Shift.objects.none()
    filterset_fields = ["status", "team"]
    ordering_fields = ["starts_at"]

    def get_queryset(self):
        return selectors.shift_list(user=self.request.user).order_by("starts_at", "id")

    def _managed(self) -> Shift:
        shift = self.get_object()
        if not can_manage_schedule(self.request.user, shift.organization_id):
            raise PermissionDenied("Only a coordinator of this organization can change shifts.")
        return shift

    @extend_schema(request=None, responses={200: ShiftSerializer, 400: ErrorSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        shift = services.shift_publish(by=request.user, shift=self._managed())
        return Response(ShiftSerializer(self.get_queryset().get(pk=shift.pk)).data)

    @extend_schema(request=ReasonSerializer, responses={200: ShiftSerializer, 400: ErrorSerializer,
                                                        403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        shift = self._managed()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.shift_cancel(by=request.user, shift=shift, reason=data.validated_data["reason"])
        return Response(ShiftSerializer(self.get_queryset().get(pk=shift.pk)).data)

    @extend_schema(request=RescheduleSerializer, responses={
        200: ShiftSerializer,
        400: OpenApiResponse(RefusalSerializer, description="Invalid times, or someone on the shift would no "
                                                            "longer be eligible at the new times (each named)."),
        403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Move the shift to new times. Everyone on it is checked again by the eligibility engine;
        rest, hours and availability may be overridden with a written reason."""
        shift = self._managed()
        data = RescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            services.shift_reschedule(by=request.user, shift=shift, starts_at=values["starts_at"],
                                      ends_at=values["ends_at"], reason=values["reason"],
                                      overrides=values["overrides"], override_reason=values["override_reason"])
        except ApplicationError as error:
            return refusal(error)
        return Response(ShiftSerializer(self.get_queryset().get(pk=shift.pk)).data)


@extend_schema(tags=["scheduling"])
class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    """Positions of the shifts you can see, with places taken."""

    serializer_class = PositionSerializer
    queryset = Position.objects.none()
    filterset_fields = ["shift", "role"]

    def get_queryset(self):
        return selectors.position_list(user=self.request.user)

    @extend_schema(request=None, responses={201: AssignmentSerializer, 400: RefusalSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request, pk=None):
        """Take an open place on a published shift yourself. Refusals carry the engine's reason code."""
        position = self.get_object()
        if not can_sign_up(request.user, position.shift):
            raise PermissionDenied("Only responders of this organization can sign up.")
        try:
            assignment = services.assignment_sign_up(by=request.user, position=position)
        except ApplicationError as error:
            return refusal(error)
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["scheduling"])
class AssignmentViewSet(RepairActionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Your own assignments, and those of the organizations you coordinate."""

    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()
    filterset_fields = ["status", "shift", "responder"]

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user)

    @extend_schema(request=AssignSerializer, responses={201: AssignmentSerializer, 400: RefusalSerializer,
                                                        403: FORBIDDEN, 404: NOT_FOUND})
    def create(self, request, *args, **kwargs):
        """A coordinator assigns someone; overrides (rest, hours, availability) need a reason."""
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        position = get_object_or_404(selectors.position_list(user=request.user), pk=values["position"])
        if not can_manage_schedule(request.user, position.shift.organization_id):
            raise PermissionDenied("Only a coordinator of this organization can assign people.")
        responder = get_object_or_404(selectors.responder_candidates(organization_id=position.shift.organization_id),
                                      pk=values["responder"])
        try:
            assignment = services.assignment_create(by=request.user, position=position, responder=responder,
                                                    overrides=values["overrides"],
                                                    override_reason=values["override_reason"])
        except ApplicationError as error:
            return refusal(error)
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    def _acting(self) -> Assignment:
        assignment = self.get_object()
        if not can_act_on_assignment(self.request.user, assignment):
            raise PermissionDenied("You cannot act on this assignment.")
        return assignment

    @extend_schema(request=AssignmentCancelSerializer, responses={200: AssignmentSerializer,
                                                                  400: RefusalSerializer, 403: FORBIDDEN,
                                                                  404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Drop your shift, or (a coordinator) remove someone. The last team lead of a shift with others
        on it cannot drop it; a coordinator may remove them with `no_lead_reason` (code last_lead)."""
        data = AssignmentCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assignment = services.assignment_cancel(by=request.user, assignment=self._acting(),
                                                    reason=data.validated_data["reason"],
                                                    no_lead_reason=data.validated_data["no_lead_reason"])
        except ApplicationError as error:
            return refusal(error)
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer, 400: ErrorSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        assignment = services.assignment_check_in(by=request.user, assignment=self._acting())
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(request=None, responses={200: AssignmentSerializer, 400: ErrorSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request, pk=None):
        assignment = services.assignment_check_out(by=request.user, assignment=self._acting())
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(request=HoursSerializer, responses={200: AssignmentSerializer, 400: ErrorSerializer,
                                                       403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def hours(self, request, pk=None):
        """A coordinator records or corrects when someone worked a shift that has started (they forgot to check
        in or out); the assignment is completed with those times, and the change is audited with the reason."""
        assignment = self.get_object()
        if not can_manage_schedule(request.user, assignment.shift.organization_id):
            raise PermissionDenied("Only a coordinator of this organization can record hours.")
        data = HoursSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.assignment_record_hours(by=request.user, assignment=assignment,
                                                      **data.validated_data)
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(request=NoShowSerializer, responses={200: AssignmentSerializer, 400: RefusalSerializer,
                                                        403: FORBIDDEN, 404: NOT_FOUND},
                   examples=[OpenApiExample("Lead absent", request_only=True,
                                            value={"no_lead_reason": "Second lead is on call nearby"})])
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        """A coordinator records that nobody checked into a started shift. If that leaves the shift without a team
        lead, `no_lead_reason` says why it goes ahead (refused with code last_lead otherwise)."""
        assignment = self.get_object()
        if not can_manage_schedule(request.user, assignment.shift.organization_id):
            raise PermissionDenied("Only a coordinator of this organization can record a no-show.")
        data = NoShowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assignment = services.assignment_mark_no_show(by=request.user, assignment=assignment,
                                                          no_lead_reason=data.validated_data["no_lead_reason"])
        except ApplicationError as error:
            return refusal(error)
        return Response(AssignmentSerializer(assignment).data)


@extend_schema(tags=["scheduling"])
class MyShiftsView(generics.ListAPIView):
    """Your upcoming active assignments, soonest first."""

    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return (selectors.my_assignments(user=self.request.user, upcoming_from=timezone.now())
                .filter(status__in=Assignment.ACTIVE))


@extend_schema(tags=["scheduling"])
class EligibilityView(APIView):
    """May this person fill this position? `allowed`, or the reason codes and messages.

    Ask about yourself, or, as a coordinator of the shift's organization, about its responders."""

    @extend_schema(parameters=[EligibilityQuerySerializer],
                   responses={200: EligibilitySerializer, 400: ErrorSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request):
        query = EligibilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        position = get_object_or_404(selectors.position_list(user=request.user), pk=data["position"])
        organization_id = position.shift.organization_id
        subject = request.user
        if data.get("user") and data["user"] != request.user.pk:
            if not can_manage_schedule(request.user, organization_id):
                raise PermissionDenied("Only a coordinator of this organization can ask about others.")
            subject = get_object_or_404(User.objects.filter(memberships__organization_id=organization_id).distinct(),
                                        pk=data["user"])
        return Response(EligibilitySerializer(check_eligibility(user=subject, position=position)).data)


@extend_schema(tags=["scheduling"])
class SwapViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Swap offers: your own, your organizations' open offers, and those waiting for your approval."""

    serializer_class = SwapSerializer
    queryset = SwapRequest.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.swap_list(user=self.request.user)

    @extend_schema(request=SwapCreateSerializer, responses={201: SwapSerializer, 400: ErrorSerializer,
                                                            403: FORBIDDEN, 404: NOT_FOUND})
    def create(self, request, *args, **kwargs):
        """Offer one of your upcoming assignments to your colleagues."""
        data = SwapCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = get_object_or_404(selectors.assignment_list(user=request.user),
                                       pk=data.validated_data["assignment"])
        if not can_offer_swap(request.user, assignment):
            raise PermissionDenied("Only the person on the shift can offer it.")
        swap = services.swap_offer(by=request.user, assignment=assignment, note=data.validated_data["note"])
        return Response(SwapSerializer(swap).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SwapSerializer, 400: RefusalSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Take the offered shift; the engine must allow you."""
        swap = self.get_object()
        if not can_take_swap(request.user, swap):
            raise PermissionDenied("Only a colleague in this organization can take the shift.")
        try:
            swap = services.swap_accept(by=request.user, swap=swap)
        except ApplicationError as error:
            return refusal(error)
        return Response(SwapSerializer(swap).data)

    def _decide(self, request, approve: bool) -> Response:
        swap = self.get_object()
        if not can_decide_swap(request.user, swap):
            raise PermissionDenied("Only a coordinator of this organization can decide on swaps.")
        try:
            swap = services.swap_decide(by=request.user, swap=swap, approve=approve)
        except ApplicationError as error:
            return refusal(error)
        return Response(SwapSerializer(swap).data)

    @extend_schema(request=None, responses={200: SwapSerializer, 400: RefusalSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=None, responses={200: SwapSerializer, 400: RefusalSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._decide(request, False)

    @extend_schema(request=None, responses={200: SwapSerializer, 400: ErrorSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND},
                   examples=[OpenApiExample("Withdrawn", response_only=True,
                                            value={"id": 8, "assignment": 120, "status": "withdrawn"})])
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back your offer while it is open or waiting for approval."""
        swap = self.get_object()
        if not can_withdraw_swap(request.user, swap):
            raise PermissionDenied("Only the person who offered the shift can withdraw the offer.")
        return Response(SwapSerializer(services.swap_withdraw(by=request.user, swap=swap)).data)


@extend_schema(tags=["scheduling"])
class TimeOffViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Time-off requests: your own, and those of the organizations you coordinate."""

    serializer_class = TimeOffSerializer
    queryset = TimeOff.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.time_off_list(user=self.request.user)

    @extend_schema(request=TimeOffSerializer, responses={201: TimeOffSerializer, 400: ErrorSerializer})
    def create(self, request, *args, **kwargs):
        """Ask your organization's coordinator for time off."""
        data = TimeOffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organization = values["organization"]
        if organization.pk not in responder_organization_ids(request.user):
            raise ApplicationError("You are not a responder of this organization.", field="organization")
        row = services.time_off_request(by=request.user, organization=Organization.objects.get(pk=organization.pk),
                                        starts_at=values["starts_at"], ends_at=values["ends_at"],
                                        reason=values.get("reason", ""))
        return Response(TimeOffSerializer(row).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, approve: bool) -> Response:
        row = self.get_object()
        if not can_decide_time_off(request.user, row):
            raise PermissionDenied("Only a coordinator of this organization can decide.")
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.time_off_decide(by=request.user, time_off=row, approve=approve,
                                       note=data.validated_data["note"])
        return Response(TimeOffSerializer(row).data)

    @extend_schema(request=DecisionSerializer, responses={200: TimeOffSerializer, 400: ErrorSerializer,
                                                          403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=DecisionSerializer, responses={200: TimeOffSerializer, 400: ErrorSerializer,
                                                          403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def deny(self, request, pk=None):
        return self._decide(request, False)

    @extend_schema(request=None, responses={200: TimeOffSerializer, 400: ErrorSerializer, 403: FORBIDDEN,
                                            404: NOT_FOUND},
                   examples=[OpenApiExample("Withdrawn", response_only=True,
                                            value={"id": 3, "status": "withdrawn"})])
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take back your request, pending or approved."""
        row = self.get_object()
        if not can_withdraw_time_off(request.user, row):
            raise PermissionDenied("This is not your request.")
        return Response(TimeOffSerializer(services.time_off_withdraw(by=request.user, time_off=row)).data)
