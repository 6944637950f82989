"""Serializers of the staff side of engagement's API: the codebook, decisions ("you said, we did"),
staff sessions and their tasks. Input serializers take what the staff pages' forms take."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import Organization
from apps.core.api.fields import StrictCharField, StrictSlugRelatedField, StrictStringsMixin
from apps.core.api.translations import TranslationsField
from apps.core.models import Language, Neighborhood

from ..models import AgendaItem, CommunitySession, Decision, FeedbackItem, StaffTask, Theme
from ..services import SESSION_FIELDS


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "parent", "name", "translations", "description", "is_active"]

    translations = TranslationsField(Theme, read_only=True)


class ThemeInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=120)
    translations = TranslationsField(Theme)
    parent = serializers.PrimaryKeyRelatedField(queryset=Theme.objects.filter(parent__isnull=True), required=False,
                                                allow_null=True, default=None,
                                                help_text="A top-level theme (the codebook has two levels)")
    description = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.ModelSerializer):
    translations = TranslationsField(Decision, read_only=True)
    themes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    feedback_items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "title", "action", "translations", "outcome", "reason", "progress",
                  "decided_on", "themes", "feedback_items", "is_published", "published_at"]


class DecisionInputSerializer(StrictStringsMixin, serializers.ModelSerializer):
    """Every field of the decision page's form; `feedback_items` are published feedback you handle."""

    translations = TranslationsField(Decision)
    themes = serializers.PrimaryKeyRelatedField(many=True, queryset=Theme.objects.all(), required=False,
                                                default=list)
    feedback_items = serializers.PrimaryKeyRelatedField(many=True, queryset=FeedbackItem.objects.none(),
                                                        required=False, default=list)

    class Meta:
        model = Decision
        fields = ["title", "action", "translations", "outcome", "reason", "progress", "decided_on",
                  "themes", "feedback_items"]
        extra_kwargs = {"reason": {"default": ""}, "progress": {"default": Decision.Progress.PLANNED}}

    def __init__(self, *args, linkable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if linkable is not None:
            self.fields["feedback_items"].child_relation.queryset = linkable


class AgendaLineSerializer(serializers.ModelSerializer):
    translations = TranslationsField(AgendaItem)

    class Meta:
        model = AgendaItem
        fields = ["title", "translations", "minutes"]
        extra_kwargs = {"minutes": {"default": None}}


class StaffSessionSerializer(serializers.ModelSerializer):
    neighborhood = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    interpretation_languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    agenda_items = AgendaLineSerializer(many=True, read_only=True)
    translations = TranslationsField(CommunitySession, read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft, published, completed or cancelled")
    kind = serializers.CharField(read_only=True, help_text="listening, design or report_back")

    class Meta:
        model = CommunitySession
        fields = ["id", "organization", "status", *[f for f in SESSION_FIELDS if f not in ("kind", "neighborhood")],
                  "kind", "neighborhood", "interpretation_languages", "agenda_items", "published_at", "cancelled_at",
                  "cancellation_reason", "walk_in_count", "attendance_count", "summary_notes", "closed_at"]


# The links a session carries, as a pattern the schema can state: an http(s) address with a domain name
# (a subset of what the page's URL field accepts).
WEB_ADDRESS = RegexValidator(r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
                             r"(?::[0-9]{1,5})?(?:/[!-~]*)?$", message="Enter a valid URL (http or https).")


def web_address(**kwargs) -> StrictCharField:
    return StrictCharField(max_length=200, required=False, allow_blank=True, default="", validators=[WEB_ADDRESS],
                           **kwargs)


@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(CommunitySession.Kind.values) + ")$",
                      "description": "listening, design or report_back"})
class SessionKindField(serializers.ChoiceField):
    """The kind as a pattern, not an enum: "kind" names other choice sets in other components."""

    def __init__(self, **kwargs):
        super().__init__(choices=CommunitySession.Kind.choices, **kwargs)


class StaffSessionInputSerializer(StrictStringsMixin, serializers.ModelSerializer):
    """A session's fields as the staff page's form takes them (the department is fixed once created)."""

    kind = SessionKindField(required=False, default=CommunitySession.Kind.LISTENING)

    neighborhood = StrictSlugRelatedField(slug_field="slug", queryset=Neighborhood.objects.filter(
        is_active=True))
    interpretation_languages = StrictSlugRelatedField(
        slug_field="code", many=True, queryset=Language.objects.filter(is_active=True), required=False, default=list)
    facilitating_organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(is_active=True), required=False, allow_null=True, default=None)
    agenda = AgendaLineSerializer(many=True, required=False, default=list)
    translations = TranslationsField(CommunitySession)
    online_link = web_address(help_text="Needed for an online or hybrid session")
    materials_url = web_address()

    class Meta:
        model = CommunitySession
        fields = [*SESSION_FIELDS, "interpretation_languages", "agenda"]

    def validated_values(self) -> dict:
        values = dict(self.validated_data)
        values["agenda"] = [(a["title"], a.get("translations") or {}, a.get("minutes"))
                            for a in values.get("agenda", [])]
        return values


class StaffSessionCreateSerializer(StaffSessionInputSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none(),
                                                      help_text="One of your departments")

    class Meta(StaffSessionInputSerializer.Meta):
        fields = ["organization", *StaffSessionInputSerializer.Meta.fields]

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class ReasonInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500, help_text="Sent to registrants")


class CheckInInputSerializer(serializers.Serializer):
    code = StrictCharField(max_length=8, help_text="The registration's check-in code")


class CheckInResultSerializer(serializers.Serializer):
    registration = serializers.IntegerField()
    name = serializers.CharField()
    checked_in_at = serializers.DateTimeField()


class WalkInInputSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0, max_value=10000)


class CloseInputSerializer(serializers.Serializer):
    summary_notes = StrictCharField(max_length=10000)
    materials_url = web_address()


class StaffTaskSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="open or done")

    class Meta:
        model = StaffTask
        fields = ["id", "session", "registration", "kind", "details", "status", "done_by", "done_at"]
