from django.contrib import admin

from apps.core.admin import StrictLookupsAdmin

from .models import Course, Enrollment, FieldHours, RoleRequirement, TrainingRecord, TrainingSession


@admin.register(Course)
class CourseAdmin(StrictLookupsAdmin):
    list_display = ["code", "title", "category", "delivery", "hours", "renewal_months", "expires_end_of_month",
                    "recertification_window_days", "is_active"]
    list_filter = ["category", "delivery", "is_active"]
    search_fields = ["code", "title", "provider", "approval_number"]


@admin.register(RoleRequirement)
class RoleRequirementAdmin(StrictLookupsAdmin):
    """Read-only: requirements change through the service (a new dated version, audited)."""

    list_display = ["role", "organization", "effective_from", "min_field_hours", "created_by"]
    list_filter = ["role", "organization"]
    readonly_fields = ["role", "organization", "effective_from", "courses", "min_field_hours", "note", "created_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TrainingRecord)
class TrainingRecordAdmin(StrictLookupsAdmin):
    list_display = ["responder", "course", "organization", "completed_on", "expires_on", "source", "status"]
    list_filter = ["status", "source", "course", "organization"]
    search_fields = ["responder__email", "responder__full_name", "course__code", "certificate_number"]
    list_select_related = ["responder", "course", "organization"]
    raw_id_fields = ["responder", "submitted_by", "verified_by", "session"]
    readonly_fields = ["evidence", "evidence_content_type", "evidence_size", "expires_on", "status", "verified_by",
                       "verified_at"]


@admin.register(FieldHours)
class FieldHoursAdmin(StrictLookupsAdmin):
    list_display = ["responder", "organization", "worked_on", "hours", "preceptor", "status"]
    list_filter = ["status", "organization"]
    raw_id_fields = ["responder", "preceptor"]
    readonly_fields = ["status", "signed_off_at"]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ["responder", "record"]
    readonly_fields = ["status", "queued_at"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(StrictLookupsAdmin):
    list_display = ["course", "organization", "trainer", "starts_at", "location", "capacity", "status"]
    list_filter = ["status", "organization", "course"]
    raw_id_fields = ["trainer"]
    inlines = [EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(StrictLookupsAdmin):
    list_display = ["responder", "session", "status", "attendance", "assessment"]
    list_filter = ["status", "attendance", "assessment"]
    raw_id_fields = ["responder", "session", "record"]
    readonly_fields = ["status", "queued_at"]
