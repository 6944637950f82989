"""The dispatch API's answers. First names and languages only: no email, no full name, no user id, no
phone, no address (tests/operations/test_dispatch_api.py sweeps every key and value)."""

from rest_framework import serializers

from apps.core.api.fields import StrictCharField
from apps.operations.models import TeamState

# Plain strings, the values listed: an enum named "state" would collide with other apps' in the schema.
STATES = "One of " + ", ".join(TeamState.values) + "."


class OnDutyQuerySerializer(serializers.Serializer):
    zone = StrictCharField(required=False, allow_blank=True, default="",
                           help_text="A neighborhood's slug (GET /api/v1/neighborhoods/). Empty, with no point: "
                                     "every zone.")
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90,
                                 help_text="The call's latitude (WGS 84), with `lon`, instead of `zone`: the "
                                           "neighborhood whose loaded outline holds the point.")
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180,
                                 help_text="The call's longitude (WGS 84), with `lat`.")



class StatusChangesQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**63 - 1,
                                     help_text="The cursor: the `next` of the previous answer (0 or absent: "
                                               "from the start).")


class DutyMemberSerializer(serializers.Serializer):
    first_name = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField(), help_text="BCP 47 codes, e.g. es, ht.")
    is_lead = serializers.BooleanField()
    checked_in = serializers.BooleanField()


class OnDutyTeamSerializer(serializers.Serializer):
    shift = serializers.IntegerField(help_text="The shift's id: the key of the status-changes feed.")
    team = serializers.CharField(help_text="The team's name.")
    organization = serializers.CharField(help_text="The nonprofit running the team.")
    state = serializers.CharField(help_text=STATES)
    since = serializers.DateTimeField(allow_null=True, help_text="When the team reported this state (null: it "
                                                                  "has not reported; taken as available once "
                                                                  "someone is checked in).")
    current_zone = serializers.CharField(allow_null=True, help_text="The zone the team last said it was in.")
    zones = serializers.ListField(child=serializers.CharField(), help_text="The slugs of the shift's zones.")
    ends_at = serializers.DateTimeField(help_text="When the shift ends.")
    members = DutyMemberSerializer(many=True)
    languages = serializers.ListField(child=serializers.CharField(), help_text="Every member's languages.")
    lead_present = serializers.BooleanField(help_text="A lead is assigned and checked in.")


class OnDutySerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="The instant the answer describes.")
    zone = serializers.CharField(allow_null=True)
    teams = OnDutyTeamSerializer(many=True)


class StatusChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shift = serializers.IntegerField()
    team = serializers.CharField()
    state = serializers.CharField(help_text=STATES)
    previous_state = serializers.CharField(help_text="Empty for a team's first report.")
    zone = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()


class StatusChangesSerializer(serializers.Serializer):
    results = StatusChangeSerializer(many=True)
    next = serializers.IntegerField(help_text="The cursor to send as `after` next time.")
    has_more = serializers.BooleanField(help_text="More changes wait after this page: ask again at once.")
