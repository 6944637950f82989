"""The OpenAPI schema's view of our views: drf-spectacular's AutoSchema, plus the refusals that
every operation can answer with, documented once here rather than on each view.

- 400 where there is input (a body or query parameters): the error body names each bad field;
- 401 on every operation: no token where one is needed, or a token that is invalid or expired
  (a bad token is refused even on public reference data);
- 403 where a permission beyond "anyone" applies (city staff need a second factor for the whole API);
- 404 where a path names an object (someone else's is "not found" too) or a list has pages;
- 415 where there is a body: one in a media type the operation does not read;
- 429 on every operation: the API is throttled per user and per address.

Filter, ordering and paging parameters are documented with `allowEmptyValue`: `?status=` is the
same as leaving the parameter out (django-filter and DRF read it so; HTML forms send it so).

Codes a view declares itself (extend_schema) are left as the view wrote them.
"""

import re

from django.utils.translation import gettext as _
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .serializers import ErrorSerializer


class AutoSchema(openapi.AutoSchema):
    def _get_filter_parameters(self):
        return _empty_means_absent(super()._get_filter_parameters())

    def _get_pagination_parameters(self):
        return _empty_means_absent(super()._get_pagination_parameters())

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = {"content": {"application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}}}
        parameters = operation.get("parameters", [])
        locations = {parameter["in"] for parameter in parameters}
        refusals = {}
        if "requestBody" in operation or "query" in locations:
            refusals["400"] = "Invalid input: `errors` lists the messages for each field."
        refusals["401"] = "No token where one is needed, or an invalid or expired token."
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            refusals["403"] = ("Too few rights for this, or a city staff account without two-factor "
                               "authentication.")
        if "path" in locations or any(parameter["name"] == "page" for parameter in parameters):
            refusals["404"] = "No such object (or not yours to see), or no such page."
        if "requestBody" in operation:
            refusals["415"] = "The body is not in a media type this operation reads."
        refusals["429"] = "Too many requests: wait and try again."
        responses = operation.setdefault("responses", {})
        for code, description in refusals.items():
            responses.setdefault(code, {**error, "description": description})
        return operation


def _empty_means_absent(parameters: list[dict]) -> list[dict]:
    for parameter in parameters:
        if parameter.get("in") == "query" and not parameter.get("required"):
            parameter["allowEmptyValue"] = True
    return parameters


class KeyField(serializers.CharField):
    """A string that must be one of a registry's keys (`keys` is called when needed: registries fill
    up as the apps load). Documented as a pattern, not an enum, so the schema gets no enum component
    whose name ("kind") would collide with other apps' enums."""

    def __init__(self, *, keys, message=None, **kwargs):
        self.keys, self.message = keys, message
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in self.keys():
            raise serializers.ValidationError(self.message or _("Unknown value: choose one of %(keys)s.")
                                              % {"keys": ", ".join(sorted(self.keys()))})
        return value


class KeyFieldExtension(OpenApiSerializerFieldExtension):
    target_class = KeyField

    def map_serializer_field(self, auto_schema, direction):
        keys = sorted(self.target.keys())
        return {"type": "string", "pattern": "^(" + "|".join(re.escape(key) for key in keys) + ")$",
                "description": ", ".join(keys)}
