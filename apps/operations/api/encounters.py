"""The encounter API: POST /api/v1/encounters/ (idempotent: an `Idempotency-Key` header or an
`idempotency_key` field) and GET /api/v1/encounters/[<id>/], with the same service, reads and rules as the
phone form."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError
from apps.core.models import Neighborhood
from apps.scheduling.models import Shift

from ..encounters import NOTE_MAX, can_list_encounters, can_record_encounter, encounter_list, encounter_record
from ..models import Encounter, EncounterOutcome, EncounterSource, ReferralKind, UnservedReason

IDEMPOTENCY_HEADER = "Idempotency-Key"


class EncounterSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Encounter
        fields = ["id", "organization", "shift", "zone", "source", "received_at", "dispatched_at", "arrived_at",
                  "cleared_at", "outcome", "referral_kind", "unserved_reason", "follow_up_needed", "note",
                  "idempotency_key", "created_at"]
        read_only_fields = fields


class EncounterCreateSerializer(serializers.Serializer):
    """Input only: the service validates the rules between fields (times in order, a referral's kind, an
    unserved call's reason) and answers 400 naming the field."""

    idempotency_key = serializers.UUIDField(required=False, help_text=(
        "A UUID the client makes once per encounter and sends again on every retry. Or the Idempotency-Key "
        "header."))
    shift = serializers.IntegerField(required=False, allow_null=True, help_text="The shift the call came in on "
                                     "(required for a responder; a coordinator may leave it out).")
    organization = serializers.IntegerField(required=False, allow_null=True,
                                            help_text="For a coordinator of several organizations, without a shift.")
    zone = serializers.SlugRelatedField(slug_field="slug", queryset=Neighborhood.objects.filter(is_active=True))
    source = serializers.ChoiceField(choices=EncounterSource.choices)
    outcome = serializers.ChoiceField(choices=EncounterOutcome.choices)
    received_at = serializers.DateTimeField()
    dispatched_at = serializers.DateTimeField(required=False, allow_null=True)
    arrived_at = serializers.DateTimeField(required=False, allow_null=True)
    cleared_at = serializers.DateTimeField(required=False, allow_null=True)
    referral_kind = serializers.ChoiceField(choices=ReferralKind.choices, required=False, allow_blank=True)
    unserved_reason = serializers.ChoiceField(choices=UnservedReason.choices, required=False, allow_blank=True)
    follow_up_needed = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)


@extend_schema(tags=["operations"])
class EncounterListCreateView(generics.ListCreateAPIView):
    """The encounter log. GET: a coordinator's organizations' encounters, or the ones a responder recorded,
    newest first. POST: record one; a retry with the same idempotency key answers 200 with the encounter the
    first attempt wrote (header `Idempotent-Replayed: true`), never a second row."""

    serializer_class = EncounterSerializer
    queryset = Encounter.objects.none()
    filterset_fields = ["source", "outcome", "zone"]
    ordering_fields = ["received_at"]

    def get_queryset(self):
        if not can_list_encounters(self.request.user):
            raise PermissionDenied("Only coordinators and responders keep an encounter log.")
        return encounter_list(user=self.request.user)

    @extend_schema(
        request=EncounterCreateSerializer,
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, OpenApiTypes.UUID, OpenApiParameter.HEADER,
                                     description="The encounter's idempotency key (or the idempotency_key field).")],
        responses={201: EncounterSerializer, 200: OpenApiResponse(EncounterSerializer, description="A retry: the "
                   "encounter the first attempt with this key wrote."), 400: ErrorSerializer})
    def post(self, request, *args, **kwargs):
        if not can_record_encounter(request.user):
            raise PermissionDenied("Only a member of a shift (during it or up to 12 hours after) or a coordinator "
                                   "can record an encounter.")
        data = EncounterCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        header = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        key = fields.pop("idempotency_key", None)
        # Refusals of the rule between the header and the field (the schema cannot say "one of the two").
        if header and key and header != str(key):
            raise ApplicationError("The field and the Idempotency-Key header differ.", field="idempotency_key")
        if not (header or key):
            raise ApplicationError(f"Send an {IDEMPOTENCY_HEADER} header or an idempotency_key field (a UUID).",
                                   field="idempotency_key")
        shift_id = fields.pop("shift", None)
        shift = Shift.objects.filter(pk=shift_id).first() if shift_id is not None else None
        if shift_id is not None and shift is None:
            raise ValidationError({"shift": ["No such shift."]})
        encounter, created = encounter_record(
            by=request.user, idempotency_key=key or header, shift=shift,
            organization_id=fields.pop("organization", None), **fields)
        response = Response(EncounterSerializer(encounter).data,
                            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


@extend_schema(tags=["operations"])
class EncounterDetailView(generics.RetrieveAPIView):
    """One encounter of the log (another organization's is a 404)."""

    serializer_class = EncounterSerializer
    queryset = Encounter.objects.none()

    def get_queryset(self):
        return encounter_list(user=self.request.user)
