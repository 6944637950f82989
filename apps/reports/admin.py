from django.contrib import admin

from apps.core.admin import StrictLookupsAdmin

from .models import ReportRequest, ReportSubscription


@admin.register(ReportRequest)
class ReportRequestAdmin(StrictLookupsAdmin):
    list_display = ["id", "kind", "title", "requested_by", "status", "progress", "page_count", "created_at",
                    "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "requested_by__email"]
    raw_id_fields = ["requested_by"]
    readonly_fields = ["file", "sha256", "page_count", "size", "started_at", "finished_at", "attempts", "error"]


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(StrictLookupsAdmin):
    list_display = ["user", "kind", "is_active", "created_at"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["user"]
