from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError
from apps.reports import selectors, services
from apps.reports.kinds import get_report_kind
from apps.reports.models import ReportRequest
from apps.reports.permissions import can_download_report, can_run_kind
from apps.reports.views import pdf_response

from .serializers import (
    ReportRequestCreateSerializer,
    ReportRequestSerializer,
    SubscriptionInputSerializer,
    SubscriptionSerializer,
)


@extend_schema(tags=["reports"])
class ReportRequestViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """Your report requests: ask for a PDF report, poll its status, download it when it is ready."""

    serializer_class = ReportRequestSerializer
    queryset = ReportRequest.objects.none()
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    @extend_schema(request=ReportRequestCreateSerializer,
                   responses={201: ReportRequestSerializer, 400: ErrorSerializer,
                              403: OpenApiResponse(ErrorSerializer, description="You may not run this kind.")})
    def create(self, request, *args, **kwargs):
        data = ReportRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = data.validated_data["kind"]
        if not can_run_kind(request.user, kind):
            raise PermissionDenied("You may not run this kind of report.")
        try:
            report = services.report_request(by=request.user, kind=kind,
                                             parameters=data.validated_data["parameters"])
        except services.ParameterError as error:
            raise ValidationError({f"parameters.{field}" if field != "__all__" else "parameters": messages
                                   for field, messages in error.errors.items()}) from None
        except ApplicationError as error:
            if error.code == "forbidden":
                raise PermissionDenied(error.message) from None
            raise
        report.refresh_from_db()
        return Response(ReportRequestSerializer(report, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, 403: ErrorSerializer,
                              404: ErrorSerializer})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The PDF, once the report has succeeded."""
        report = self.get_object()
        if not can_download_report(request.user, report):
            raise PermissionDenied("You no longer have the rights to this report.")
        if report.status != ReportRequest.Status.SUCCEEDED or not report.file:
            raise Http404
        return pdf_response(report)

    @extend_schema(request=None, responses={201: ReportRequestSerializer, 400: ErrorSerializer,
                                            403: OpenApiResponse(ErrorSerializer, description="Not your report, "
                                                                 "or you may no longer run this kind."),
                                            404: ErrorSerializer},
                   examples=[OpenApiExample("Queued again", response_only=True, status_codes=["201"],
                                            value={"id": 58, "kind": "training_transcript", "status": "queued",
                                                   "parameters": {"responder": 12}})])
    @action(detail=True, methods=["post"])
    def rerun(self, request, pk=None):
        """The same kind and parameters as a new request, checked again for you (your own reports only)."""
        report = self.get_object()
        if not can_run_kind(request.user, report.kind):
            raise PermissionDenied("You may not run this kind of report.")
        try:
            again = services.report_rerun(report=report, by=request.user)
        except ApplicationError as error:
            if error.code == "forbidden":
                raise PermissionDenied(error.message) from None
            raise
        again.refresh_from_db()
        return Response(ReportRequestSerializer(again, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["reports"])
class SubscriptionView(APIView):
    """Receive a kind of report every month (the program monthly report, on the 1st), or stop."""

    @extend_schema(request=SubscriptionInputSerializer,
                   responses={200: SubscriptionSerializer, 400: ErrorSerializer,
                              403: OpenApiResponse(ErrorSerializer, description="You may not run this kind."),
                              404: OpenApiResponse(ErrorSerializer, description="No monthly report of this kind.")},
                   examples=[OpenApiExample("Subscribe", request_only=True, value={"active": True})])
    def put(self, request, kind: str):
        try:
            spec = get_report_kind(kind)
        except LookupError:
            raise Http404 from None
        if spec.key != services.PROGRAM_MONTHLY:
            raise Http404
        if not can_run_kind(request.user, spec):
            raise PermissionDenied("You may not receive this kind of report.")
        data = SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_set(user=request.user, kind=spec.key,
                                                 active=data.validated_data["active"])
        return Response({"kind": subscription.kind, "active": subscription.is_active})
