"""The API's filter backend: django-filter's, except that a yes/no filter given a value that is
neither is a 400 like every other bad filter value. django-filter's own BooleanFilter reads any
other value as "not given" and answers the whole, unfiltered list."""

from copy import deepcopy

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget

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


class StrictFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = deepcopy(filters.FilterSet.FILTER_DEFAULTS)
    FILTER_DEFAULTS[models.BooleanField] = {"filter_class": StrictBooleanFilter}


class StrictDjangoFilterBackend(filters.DjangoFilterBackend):
    filterset_base = StrictFilterSet
