"""Serializers of scheduling's planning API: availability, the calendar feed, teams, shift templates,
new shifts and publishing a week. Input serializers take what the pages' forms take."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import StrictCharField, StrictSlugRelatedField
from apps.core.models import Language, Neighborhood
from apps.scheduling.models import Availability, ShiftTemplate, Team, TeamType

WEEKDAY_HELP = "0 Monday ... 6 Sunday"


@extend_schema_field({"type": "string", "pattern": r"^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$", "example": "17:00:00"})
class WallTimeField(serializers.TimeField):
    """A time of day on the wall clock (no date, no offset), as HH:MM:SS."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M:%S", **kwargs)


class AvailabilitySerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(read_only=True, help_text=WEEKDAY_HELP)
    start_time = WallTimeField(read_only=True)
    end_time = WallTimeField(read_only=True)

    class Meta:
        model = Availability
        fields = ["id", "weekday", "start_time", "end_time"]
        read_only_fields = fields


class AvailabilityInputSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text=WEEKDAY_HELP)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField(help_text="At or before the start: the window runs past midnight.")


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The new private iCal address; the old one no longer works.")


class TeamSerializer(serializers.ModelSerializer):
    team_type = serializers.SlugRelatedField(slug_field="key", read_only=True)
    zones = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "organization", "name", "team_type", "zones", "is_active"]


class TeamInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(help_text="An organization you coordinate")
    name = StrictCharField(max_length=120)
    team_type = StrictSlugRelatedField(slug_field="key", queryset=TeamType.objects.all())
    zones = StrictSlugRelatedField(slug_field="slug", many=True, queryset=Neighborhood.objects.filter(
        is_active=True), required=False, default=list)


class ShiftTemplateSerializer(serializers.ModelSerializer):
    weekdays = serializers.ListField(child=serializers.IntegerField(), help_text=WEEKDAY_HELP)
    start_time = WallTimeField(read_only=True)
    end_time = WallTimeField(read_only=True)

    class Meta:
        model = ShiftTemplate
        fields = ["id", "team", "name", "start_time", "end_time", "weekdays", "is_active"]


class ShiftTemplateInputSerializer(serializers.Serializer):
    team = serializers.IntegerField(help_text="A team of an organization you coordinate")
    name = StrictCharField(max_length=120)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField(help_text="At or before the start time: the shift ends the next day.")
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6), min_length=1,
                                     max_length=7, help_text=WEEKDAY_HELP)


class GenerateInputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Through this day; at most three months after `start`.")


class GenerateResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.IntegerField(), help_text="The new draft shifts' ids")


class ShiftInputSerializer(serializers.Serializer):
    team = serializers.IntegerField(help_text="A team of an organization you coordinate")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    leads = serializers.IntegerField(min_value=0, max_value=10, default=1)
    responders = serializers.IntegerField(min_value=0, max_value=20, default=1)
    trainees = serializers.IntegerField(min_value=0, max_value=10, default=0)
    desired_languages = StrictSlugRelatedField(slug_field="code", many=True, queryset=Language.objects.filter(
        is_active=True), required=False, default=list)
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)


class PublishWeekInputSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    week = serializers.DateField(help_text="Any day of the week to publish (Monday to Sunday, local time)")


class PublishWeekResultSerializer(serializers.Serializer):
    published = serializers.IntegerField(help_text="Draft shifts of that team and week now published")
