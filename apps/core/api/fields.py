"""Input fields that take only what the schema documents.

DRF's CharField turns a number into its text (`{"reason": 0}` is read as "0"), so a request the
schema calls invalid (a string is documented) is accepted. Every text field of an input
serializer is a StrictCharField: anything but a string is refused with DRF's own "Not a valid
string." on that field.
"""

from django.db import models
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictStringsMixin:
    """For a model serializer that takes input: its text model fields become StrictCharFields."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A SlugRelatedField whose lookup never reaches the database with a NUL character: PostgreSQL
    refuses to compare text holding one, and the DataError was a 500 on any body naming an object
    by its slug (`{"language": "en\\u0000"}` to the residents' feedback). Refused as an invalid value
    of that field instead."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
