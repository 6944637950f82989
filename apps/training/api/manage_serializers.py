"""Input serializers of training's management API: they take what the pages' forms take."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import StrictCharField
from apps.training.models import Enrollment

from .serializers import RequirementRoleField


class HoursField(serializers.DecimalField):
    """Hours as a string of up to `whole` digits and two decimals ("6.50"); the services check the range and
    name the field."""

    def __init__(self, *, whole: int = 3, **kwargs):
        super().__init__(max_digits=whole + 2, decimal_places=2, **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^[0-9]{1,3}(\.[0-9]{1,2})?$", "example": "6.50"})
class SessionHoursField(HoursField):
    pass


@extend_schema_field({"type": "string", "pattern": r"^[0-9]{1,4}(\.[0-9]{1,2})?$", "example": "40.00"})
class RequirementHoursField(HoursField):
    def __init__(self, **kwargs):
        super().__init__(whole=4, **kwargs)


class SessionInputSerializer(serializers.Serializer):
    organization = serializers.SlugField(max_length=200, help_text="The slug of an organization whose training "
                                                                   "you look after")
    course = serializers.SlugField(max_length=200, help_text="The course's code")
    trainer = serializers.IntegerField(help_text="A trainer of that organization (their user id)")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = StrictCharField(max_length=300)
    capacity = serializers.IntegerField(min_value=1, max_value=500)
    notes = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)


class AttendanceInputSerializer(serializers.Serializer):
    attendance = serializers.ChoiceField(choices=[c for c in Enrollment.Attendance.values
                                                  if c != Enrollment.Attendance.UNKNOWN],
                                         help_text="present, absent or partial")
    hours = SessionHoursField(required=False, default=None, help_text="Hours attended (partial only)")


class AssessInputSerializer(serializers.Serializer):
    passed = serializers.BooleanField(help_text="A pass by someone who attended creates the verified record.")


class FieldHoursInputSerializer(serializers.Serializer):
    organization = serializers.SlugField(max_length=200, help_text="The slug of an organization you serve in")
    worked_on = serializers.DateField()
    hours = SessionHoursField(help_text="More than 0, at most 24")
    preceptor = serializers.IntegerField(help_text="Who supervised you and signs the hours off (their user id)")
    shift_reference = StrictCharField(max_length=64, required=False, allow_blank=True, default="")
    activity = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class SignOffInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="",
                           help_text="Required when not signing off")


class RequirementInputSerializer(serializers.Serializer):
    role = RequirementRoleField()
    organization = serializers.SlugField(max_length=200, required=False, allow_null=True, default=None,
                                         help_text="An organization's slug; null for program-wide")
    effective_from = serializers.DateField(help_text="Today or later: a change never rewrites the past")
    courses = serializers.ListField(child=serializers.SlugField(max_length=200), required=False, default=list,
                                    help_text="Course codes")
    min_field_hours = RequirementHoursField(default=Decimal("0"))
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
