from django.contrib import admin

from apps.core.admin import StrictLookupsAdmin

from .models import (
    Assignment,
    Availability,
    CalendarFeed,
    Position,
    SchedulingPolicy,
    Shift,
    ShiftTemplate,
    SwapRequest,
    Team,
    TeamType,
    TeamTypePosition,
    TimeOff,
)


class TeamTypePositionInline(admin.TabularInline):
    model = TeamTypePosition
    extra = 0


@admin.register(TeamType)
class TeamTypeAdmin(StrictLookupsAdmin):
    list_display = ["name", "key", "min_size", "requires_lead", "allow_all_trainees"]
    inlines = [TeamTypePositionInline]


@admin.register(SchedulingPolicy)
class SchedulingPolicyAdmin(StrictLookupsAdmin):
    list_display = ["organization", "min_rest_hours", "max_daily_hours", "max_weekly_hours", "swap_requires_approval"]


@admin.register(Team)
class TeamAdmin(StrictLookupsAdmin):
    list_display = ["name", "organization", "team_type", "is_active"]
    list_filter = ["team_type", "is_active"]
    filter_horizontal = ["zones"]


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(StrictLookupsAdmin):
    list_display = ["name", "team", "start_time", "end_time", "is_active"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


@admin.register(Shift)
class ShiftAdmin(StrictLookupsAdmin):
    list_display = ["team", "starts_at", "ends_at", "status"]
    list_filter = ["status", "organization"]
    date_hierarchy = "starts_at"
    inlines = [PositionInline]
    raw_id_fields = ["template", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(StrictLookupsAdmin):
    """Read-mostly: assignments change through the services, which check eligibility and audit."""

    list_display = ["responder", "position", "starts_at", "status", "source"]
    list_filter = ["status", "source"]
    raw_id_fields = ["position", "shift", "responder", "assigned_by"]

    def has_add_permission(self, request):
        return False


@admin.register(Availability)
class AvailabilityAdmin(StrictLookupsAdmin):
    list_display = ["responder", "weekday", "start_time", "end_time"]
    raw_id_fields = ["responder"]


@admin.register(TimeOff)
class TimeOffAdmin(StrictLookupsAdmin):
    list_display = ["responder", "organization", "starts_at", "ends_at", "status"]
    list_filter = ["status"]
    raw_id_fields = ["responder", "decided_by"]


@admin.register(SwapRequest)
class SwapRequestAdmin(StrictLookupsAdmin):
    list_display = ["assignment", "offered_by", "status", "taken_by"]
    list_filter = ["status"]
    raw_id_fields = ["assignment", "offered_by", "taken_by", "decided_by", "new_assignment"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(StrictLookupsAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["token"]
