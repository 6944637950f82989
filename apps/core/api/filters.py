"""The API's filter backend: django-filter's, with two changes.

- A yes/no filter given a value that is neither is a 400 like every other bad filter value.
  django-filter's own BooleanFilter reads any other value as "not given" and answers the whole,
  unfiltered list.
- A filter on another object (`?team=`, `?responder=`, `?organization=`) takes any integer id and
  answers what matches it: an id that does not exist, or that is not yours to see, is an empty list,
  as the schema (an integer) promises. django-filter's ModelChoiceFilter checks the id against every
  row of the table and answers 400 for an unknown one, which contradicts the schema and tells a
  caller which ids exist in other organizations (a 400 for a missing team, an empty list for
  someone else's).
"""

from copy import deepcopy

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.filters import AuditEventFilter

TRUE_FALSE = {"true": True, "1": True, "false": False, "0": False}


class StrictBooleanWidget(BooleanWidget):
    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value is None or value == "":
            return None
        # The raw value is kept when it is neither, so the field can refuse it.
        return TRUE_FALSE.get(value.lower(), value) if isinstance(value, str) else value


class StrictBooleanField(forms.NullBooleanField):
    widget = StrictBooleanWidget

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        raise forms.ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value):
        """Any of true, false or nothing is valid; to_python has refused the rest."""


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", StrictBooleanWidget)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class ReferenceFilter(filters.NumberFilter):
    """Another object by its id: any integer, never checked against the table (see the module docstring)."""

    field_class = forms.IntegerField

    def filter(self, qs, value):
        # No id lies outside a 64-bit integer, and the database cannot take one (SQLite overflows).
        if value is not None and not -(2**63) <= value < 2**63:
            return qs.none()
        return super().filter(qs, value)


class StrictFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = deepcopy(filters.FilterSet.FILTER_DEFAULTS)
    FILTER_DEFAULTS[models.BooleanField] = {"filter_class": StrictBooleanFilter}
    FILTER_DEFAULTS[models.ForeignKey] = {"filter_class": ReferenceFilter}
    FILTER_DEFAULTS[models.OneToOneField] = {"filter_class": ReferenceFilter}


class StrictDjangoFilterBackend(filters.DjangoFilterBackend):
    filterset_base = StrictFilterSet


class AuditEventApiFilter(AuditEventFilter):
    """The audit page's filters; the record type and the organization by id, as every API filter."""

    target_type = ReferenceFilter(label=_("Record type"))
    organization = ReferenceFilter()
