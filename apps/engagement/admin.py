from django.contrib import admin

from apps.core.admin import StrictLookupsAdmin
from apps.core.translated import languages_offered_display, translated_model_form

from .models import AgendaItem, CommunitySession, Decision, FeedbackCoding, FeedbackItem, Registration, StaffTask, Theme


@admin.display(description="languages")
def languages(obj) -> str:
    return languages_offered_display(obj)


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    form = translated_model_form(AgendaItem, {"title": "Item"})
    extra = 0


@admin.register(CommunitySession)
class CommunitySessionAdmin(StrictLookupsAdmin):
    form = translated_model_form(CommunitySession, {"title": "Title", "description": "Description",
                                                    "transit_notes": "Transit"}, textareas=("description",))
    list_display = ["title", "kind", "status", "neighborhood", "starts_at", "capacity", languages]
    list_filter = ["status", "kind", "format", "neighborhood"]
    search_fields = ["title", "venue_name"]
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
    form = translated_model_form(Theme, {"name": "Name"})
    list_display = ["name", "parent", "is_active", languages]
    list_filter = ["is_active"]
    search_fields = ["name"]


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
    form = translated_model_form(Decision, {"title": "What residents said", "action": "What the city did"},
                                 textareas=("action",))
    list_display = ["title", "outcome", "progress", "decided_on", "is_published", languages]
    list_filter = ["outcome", "progress", "is_published"]
    filter_horizontal = ["themes"]
    raw_id_fields = ["feedback_items"]


admin.site.register(FeedbackCoding, StrictLookupsAdmin)
admin.site.register(AgendaItem, StrictLookupsAdmin)
