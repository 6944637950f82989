from django.contrib import admin

from apps.core.admin import StrictLookupsAdmin

from .models import Notification, NotificationPreference, ResidentOptOut


@admin.register(Notification)
class NotificationAdmin(StrictLookupsAdmin):
    list_display = ("created_at", "kind", "channel", "recipient_label", "status", "attempts", "scheduled_for",
                    "sent_at")
    list_filter = ("status", "channel", "kind")
    # Not by recipient_email/phone/name: for a resident those are contact details (matching reads them).
    search_fields = ("dedupe_key", "recipient_user__email", "subject")
    list_select_related = ("recipient_user",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(StrictLookupsAdmin):
    list_display = ("user", "kind", "channel", "enabled", "updated_at")
    list_filter = ("channel", "enabled")
    list_select_related = ("user",)


@admin.register(ResidentOptOut)
class ResidentOptOutAdmin(StrictLookupsAdmin):
    list_display = ("contact_hash", "kind", "created_at")
    readonly_fields = ("contact_hash", "kind", "created_at")
