from rest_framework import serializers

from apps.core.api.fields import StrictCharField, StrictSlugRelatedField
from apps.core.api.translations import TranslationsField
from apps.core.models import Language, Neighborhood

from ..forms import EMAIL_MAX_LENGTH, validate_phone
from ..models import AgendaItem, CommunitySession, FeedbackItem, Registration, Theme
from ..services import registration_consent_problem


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["order", "title", "translations", "minutes"]

    translations = TranslationsField(AgendaItem, read_only=True)


class PublicSessionSerializer(serializers.ModelSerializer):
    neighborhood = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    interpretation_languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    facilitating_organization = serializers.StringRelatedField(allow_null=True)
    open_seats = serializers.IntegerField(read_only=True)
    registered_count = serializers.IntegerField(read_only=True)
    places_left = serializers.IntegerField(read_only=True, help_text="Places residents can still register for "
                                           "(0 when full): the figure the public pages show.")
    is_full = serializers.SerializerMethodField()
    translations = TranslationsField(CommunitySession, read_only=True)
    languages = serializers.ListField(
        child=serializers.CharField(), source="offered_languages", read_only=True,
        help_text="Languages the session's text is offered in (English always); others show English with a note.")
    # Plain strings: these choice sets share their field names with other apps' enums.
    kind = serializers.CharField(read_only=True, help_text="listening, design or report_back")
    status = serializers.CharField(read_only=True, help_text="published, completed or cancelled")

    class Meta:
        model = CommunitySession
        fields = ["id", "kind", "status", "title", "description", "translations", "languages", "neighborhood",
                  "format", "venue_name", "venue_address", "online_link", "step_free_access", "quiet_room",
                  "transit_notes", "parking_notes", "accessibility_notes", "starts_at", "ends_at",
                  "capacity",
                  "open_seats", "registered_count", "places_left", "is_full", "interpretation_languages", "captioning",
                  "childcare", "food", "facilitating_organization", "materials_url"]

    def get_is_full(self, obj) -> bool:
        return obj.registered_count >= obj.open_seats


class PublicSessionDetailSerializer(PublicSessionSerializer):
    agenda_items = AgendaItemSerializer(many=True, read_only=True)

    class Meta(PublicSessionSerializer.Meta):
        fields = [*PublicSessionSerializer.Meta.fields, "agenda_items"]


class CodeRelatedField(serializers.SlugRelatedField):
    """A lookup by code that answers a NUL byte (which PostgreSQL refuses in a query) as an invalid value."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class RegistrationInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100)
    language = CodeRelatedField(slug_field="code", queryset=Language.objects.filter(is_active=True))
    email = serializers.EmailField(required=False, allow_blank=True, default="", max_length=EMAIL_MAX_LENGTH)
    phone = StrictCharField(required=False, allow_blank=True, default="", max_length=32,
                                  validators=[validate_phone])
    contact_consent = serializers.BooleanField(required=False, default=False)
    interpretation_language = CodeRelatedField(
        slug_field="code", queryset=Language.objects.filter(is_active=True), required=False, allow_null=True,
        default=None)
    access_needs = StrictCharField(required=False, allow_blank=True, default="", max_length=1000)

    def validate(self, attrs):
        problem = registration_consent_problem(email=attrs.get("email"), phone=attrs.get("phone"),
                                               contact_consent=attrs.get("contact_consent"))
        if problem:
            raise serializers.ValidationError({"contact_consent": [problem]})
        return attrs


class RegistrationResultSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="registered or waitlisted")
    manage_url = serializers.CharField()
    cancel_url = serializers.CharField()

    class Meta:
        model = Registration
        fields = ["id", "status", "code", "manage_url", "cancel_url"]


class FeedbackItemSerializer(serializers.ModelSerializer):
    language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    neighborhood = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    themes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    entered_by = serializers.StringRelatedField(allow_null=True)
    status = serializers.CharField(read_only=True, help_text="pending, approved or rejected")
    reject_reason = serializers.CharField(read_only=True)
    detected_language = serializers.CharField(
        read_only=True, help_text="The language the text is written in (ISO 639-1), as the detector reads it; "
                                  "empty while not yet read or when it cannot tell. `language` is the form's.")

    class Meta:
        model = FeedbackItem
        fields = ["id", "created_at", "channel", "session", "text", "language", "detected_language", "neighborhood",
                  "is_translation_feedback",
                  "contact_consent", "contact_name", "contact_email", "contact_phone", "entered_by", "status",
                  "reject_reason", "moderator_note", "moderated_at", "safety_flag", "themes"]


class FeedbackEntrySerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=[FeedbackItem.Channel.PAPER_CARD, FeedbackItem.Channel.TABLE_NOTES,
                                               FeedbackItem.Channel.API])
    text = StrictCharField(max_length=5000)
    language = StrictSlugRelatedField(slug_field="code", queryset=Language.objects.filter(is_active=True))
    neighborhood = StrictSlugRelatedField(slug_field="slug", queryset=Neighborhood.objects.all(),
                                                required=False, allow_null=True, default=None)
    session = serializers.PrimaryKeyRelatedField(queryset=CommunitySession.objects.all(), required=False,
                                                 allow_null=True, default=None)
    contact_consent = serializers.BooleanField(required=False, default=False)
    contact_name = StrictCharField(required=False, allow_blank=True, default="", max_length=100)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_phone = StrictCharField(required=False, allow_blank=True, default="", max_length=32)
    is_translation_feedback = serializers.BooleanField(required=False, default=False)


class ModerationSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.ChoiceField(choices=FeedbackItem.RejectReason.choices, required=False, allow_blank=True,
                                     default="")
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=1000)
    themes = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Theme.objects.filter(is_active=True), required=False,
        help_text="Also code the item with these themes in the same step, as the moderation page does "
                  "(left out: its coding is not touched)")


class BulkModerationSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), min_length=1, max_length=100,
        help_text="Feedback numbers, at most 100. Numbers outside your queue are reported as not_found.")
    approve = serializers.BooleanField(help_text="true publishes, false rejects with `reason`")
    reason = serializers.ChoiceField(choices=FeedbackItem.RejectReason.choices, required=False, allow_blank=True,
                                     default="", help_text="Required when rejecting")
    # A rejection without a reason is refused by the service (as for one item), with the field named.
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=1000)


class BulkModerationItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    result = serializers.ChoiceField(
        choices=["approved", "rejected", "skipped_crisis", "not_found"],
        help_text="skipped_crisis: a crisis message is never published (left pending for staff); "
                  "not_found: no such item in your queue")


class BulkModerationResultSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    skipped_crisis = serializers.IntegerField()
    not_found = serializers.IntegerField()
    results = BulkModerationItemSerializer(many=True)


class CodingSerializer(serializers.Serializer):
    themes = serializers.PrimaryKeyRelatedField(many=True, queryset=Theme.objects.filter(is_active=True))
