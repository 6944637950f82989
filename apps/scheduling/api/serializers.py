from rest_framework import serializers

from apps.core.api.fields import StrictCharField, StrictStringsMixin
from apps.core.api.serializers import ErrorSerializer
from apps.scheduling.eligibility import OVERRIDABLE
from apps.scheduling.models import Assignment, Position, Shift, SwapRequest, TimeOff


class PositionSerializer(serializers.ModelSerializer):
    # A plain string: "role" enums of other apps would otherwise collide in the schema.
    role = serializers.CharField(read_only=True, help_text="lead, responder, trainee, clinician, emt, police_officer")
    filled = serializers.IntegerField(read_only=True)

    class Meta:
        model = Position
        fields = ["id", "shift", "role", "count", "filled"]


class ShiftSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    team_type = serializers.CharField(source="team.team_type.key", read_only=True)
    zones = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    desired_languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "team", "team_name", "team_type", "organization", "starts_at", "ends_at", "status", "zones",
                  "desired_languages", "notes", "positions", "cancel_reason"]


class AssignmentSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="position.role", read_only=True)
    team_name = serializers.CharField(source="shift.team.name", read_only=True)
    responder_name = serializers.CharField(source="responder.__str__", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "shift", "position", "role", "team_name", "responder", "responder_name", "starts_at",
                  "ends_at", "status", "source", "overrides", "override_reason", "checked_in_at", "checked_out_at",
                  "cancelled_at", "cancel_reason"]


class AssignSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    responder = serializers.IntegerField()
    overrides = serializers.ListField(child=serializers.ChoiceField(choices=sorted(OVERRIDABLE)), required=False,
                                      default=list)
    override_reason = StrictCharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class AssignmentCancelSerializer(ReasonSerializer):
    no_lead_reason = StrictCharField(
        max_length=300, required=False, allow_blank=True, default="",
        help_text="Coordinators only: why the shift may go ahead without a team lead, when removing this "
                  "person leaves it without one (refused with code last_lead otherwise).")


class NoShowSerializer(serializers.Serializer):
    no_lead_reason = StrictCharField(
        max_length=300, required=False, allow_blank=True, default="",
        help_text="Why the shift goes ahead without a team lead, when this no-show leaves it without one.")


class HoursSerializer(serializers.Serializer):
    checked_in_at = serializers.DateTimeField(help_text="When the person started work (ISO 8601 with offset).")
    checked_out_at = serializers.DateTimeField(help_text="When they finished; not in the future.")
    reason = StrictCharField(max_length=300, help_text="Why the hours are recorded by hand (audited).")


class RescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = StrictCharField(max_length=300)
    overrides = serializers.ListField(child=serializers.ChoiceField(choices=sorted(OVERRIDABLE)), required=False,
                                      default=list)
    override_reason = StrictCharField(max_length=1000, required=False, allow_blank=True, default="")


class EligibilityQuerySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    user = serializers.IntegerField(required=False, help_text="Default: yourself.")


class EligibilityReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    overridable = serializers.BooleanField()
    details = serializers.ListField(child=serializers.CharField())


class EligibilitySerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    position = serializers.IntegerField(source="position_id")
    allowed = serializers.BooleanField()
    reason_codes = serializers.ListField(child=serializers.CharField())
    reasons = EligibilityReasonSerializer(many=True)


class RefusalSerializer(ErrorSerializer):
    """A 400 from the eligibility engine: the error body plus the reason code. Input that is not
    valid (before the engine is asked) gets the plain error body, without a code."""

    code = serializers.CharField(required=False)


class SwapSerializer(serializers.ModelSerializer):
    shift = serializers.IntegerField(source="assignment.shift_id", read_only=True)
    starts_at = serializers.DateTimeField(source="assignment.starts_at", read_only=True)
    role = serializers.CharField(source="assignment.position.role", read_only=True)

    class Meta:
        model = SwapRequest
        fields = ["id", "assignment", "shift", "starts_at", "role", "offered_by", "note", "status", "taken_by",
                  "taken_at", "decided_by", "decided_at", "new_assignment"]
        read_only_fields = fields


class SwapCreateSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class TimeOffSerializer(StrictStringsMixin, serializers.ModelSerializer):
    class Meta:
        model = TimeOff
        fields = ["id", "responder", "organization", "starts_at", "ends_at", "reason", "status", "decided_by",
                  "decided_at", "decision_note"]
        read_only_fields = ["id", "responder", "status", "decided_by", "decided_at", "decision_note"]


class DecisionSerializer(serializers.Serializer):
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
