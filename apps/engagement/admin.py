from django.contrib import admin

from apps.core.admin import StrictLookupsAdmin

from .models import AgendaItem, CommunitySession, Decision, FeedbackCoding, FeedbackItem, Registration, StaffTask, Theme


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(CommunitySession)
class CommunitySessionAdmin(StrictLookupsAdmin):
    list_display = ["title_en", "kind", "status", "neighborhood", "starts_at", "capacity"]
    list_filter = ["status", "kind", "format", "neighborhood"]
    search_fields = ["title_en", "title_es", "venue_name"]
    filter_horizontal = ["interpretation_languages"]
    inlines = [AgendaItemInline]
    list_select_related = ["neighborhood"]


@admin.register(Registration)
class RegistrationAdmin(StrictLookupsAdmin):
    list_display = ["name", "session", "status", "code", "created_at", "checked_in_at"]
    list_filter = ["status"]
    # By the registration's code only: searching a resident's name, e-mail or phone would read them.
    search_fields = ["code"]
    list_select_related = ["session"]
    raw_id_fields = ["session"]


@admin.register(StaffTask)
class StaffTaskAdmin(StrictLookupsAdmin):
    list_display = ["kind", "session", "status", "created_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["session", "registration"]


@admin.register(Theme)
class ThemeAdmin(StrictLookupsAdmin):
    list_display = ["name_en", "name_es", "parent", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_en", "name_es"]


class FeedbackCodingInline(admin.TabularInline):
    model = FeedbackCoding
    extra = 0
    raw_id_fields = ["theme"]


@admin.register(FeedbackItem)
class FeedbackItemAdmin(StrictLookupsAdmin):
    list_display = ["id", "channel", "status", "safety_flag", "language", "created_at"]
    list_filter = ["status", "channel", "safety_flag", "language"]
    search_fields = ["text"]
    raw_id_fields = ["session"]
    inlines = [FeedbackCodingInline]


@admin.register(Decision)
class DecisionAdmin(StrictLookupsAdmin):
    list_display = ["title_en", "outcome", "progress", "decided_on", "is_published"]
    list_filter = ["outcome", "progress", "is_published"]
    filter_horizontal = ["themes"]
    raw_id_fields = ["feedback_items"]


admin.site.register(FeedbackCoding, StrictLookupsAdmin)
admin.site.register(AgendaItem, StrictLookupsAdmin)
