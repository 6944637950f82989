from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import Organization
from apps.core.api.fields import StrictCharField, StrictSlugRelatedField
from apps.training.models import (
    Course,
    Enrollment,
    FieldHours,
    RequirementRole,
    RoleRequirement,
    TrainingRecord,
    TrainingSession,
)


# A pattern, not an enum: accounts' `role` enum owns that component name, and resolving the clash
# needs ENUM_NAME_OVERRIDES in settings (see the report of issue 5).
@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(RequirementRole.values) + ")$",
                      "description": "The readiness role: " + ", ".join(RequirementRole.values) + "."})
class RequirementRoleField(serializers.ChoiceField):
    """The readiness role (trainee, responder, team_lead)."""

    def __init__(self, **kwargs):
        super().__init__(choices=RequirementRole.choices, **kwargs)


class CourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "code", "title", "category", "provider", "hours", "delivery", "renewal_months",
                  "expires_end_of_month", "recertification_window_days", "approval_number", "description",
                  "is_active"]


class RequirementSerializer(serializers.ModelSerializer):
    # None for a program-wide requirement.
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    courses = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    role = RequirementRoleField(read_only=True)

    class Meta:
        model = RoleRequirement
        fields = ["id", "role", "organization", "effective_from", "courses", "min_field_hours", "note"]


class TrainingRecordSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    course = serializers.SlugRelatedField(slug_field="code", read_only=True)
    responder_name = serializers.CharField(source="responder.get_full_name", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = TrainingRecord
        fields = ["id", "responder", "responder_name", "organization", "course", "completed_on", "expires_on",
                  "source", "session", "certificate_number", "status", "rejection_reason", "verified_by",
                  "verified_at", "has_evidence", "created_at"]
        read_only_fields = fields

    def get_has_evidence(self, record) -> bool:
        return bool(record.evidence)


class TrainingRecordCreateSerializer(serializers.Serializer):
    organization = StrictSlugRelatedField(slug_field="slug", queryset=Organization.objects.none())
    course = StrictSlugRelatedField(slug_field="code", queryset=Course.objects.filter(is_active=True))
    completed_on = serializers.DateField()
    certificate_number = StrictCharField(max_length=64, required=False, allow_blank=True, default="")
    evidence = serializers.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # Another organization's slug is "does not exist", never "not allowed".
            self.fields["organization"].queryset = Organization.objects.filter(
                pk__in=request.user.organization_ids(), is_active=True)


class RejectSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    course_id = serializers.IntegerField(allow_null=True)
    course_code = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    recertify_until = serializers.DateField(allow_null=True)
    full_course_required = serializers.BooleanField(allow_null=True)
    hours_signed = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    hours_required = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)


class CourseStatusSerializer(serializers.Serializer):
    course_id = serializers.IntegerField()
    course_code = serializers.CharField()
    course_title = serializers.CharField()
    state = serializers.CharField()
    record_id = serializers.IntegerField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    within_days = serializers.IntegerField(allow_null=True)


class ReadinessSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    organization_id = serializers.IntegerField()
    role = RequirementRoleField()
    at = serializers.DateTimeField()
    through = serializers.DateTimeField()
    cleared = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)
    courses = CourseStatusSerializer(many=True)
    expiring = CourseStatusSerializer(many=True)
    field_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    field_hours_required = serializers.DecimalField(max_digits=8, decimal_places=2)
    requirement_id = serializers.IntegerField(allow_null=True)


class ReadinessQuerySerializer(serializers.Serializer):
    organization = serializers.SlugField(help_text="The organization's slug.")
    user = serializers.IntegerField(required=False, help_text="Whose readiness (default: yourself).")
    at = serializers.DateTimeField(required=False, help_text="The moment (default: now).")
    through = serializers.DateTimeField(required=False, help_text="Cleared through this moment (default: at).")
    role = RequirementRoleField(default=RequirementRole.RESPONDER)


class TrainingSessionSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    course = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enrolled_count = serializers.IntegerField(read_only=True)
    waitlist_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "organization", "course", "trainer", "starts_at", "ends_at", "location", "capacity",
                  "status", "enrolled_count", "waitlist_count"]
        read_only_fields = fields


class EnrollmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrollment
        fields = ["id", "session", "responder", "status", "queued_at", "attendance", "hours_attended", "assessment",
                  "record"]
        read_only_fields = fields


class FieldHoursSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = FieldHours
        fields = ["id", "responder", "organization", "worked_on", "hours", "shift_reference", "activity",
                  "preceptor", "status", "signed_off_at"]
        read_only_fields = fields
