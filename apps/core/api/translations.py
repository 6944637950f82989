"""`translations` in the API: content in every language besides English, as
{"es": {"title": "...", "description": "..."}, "ht": {...}} (apps/core/translated.py). The schema
names each offered language (settings.LANGUAGES) and each translatable field with its length."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from apps.core.translated import clean_translations, translation_languages


class TranslationsField(serializers.Field):
    """Write it whole: languages left out have no text (the page falls back to English)."""

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", dict)
        kwargs.setdefault("help_text", "Text in other languages, by language code then field "
                          f"({', '.join(model.TRANSLATED_FIELDS)}); English is in the fields themselves. "
                          "A language without text is shown in English with a note.")
        super().__init__(**kwargs)

    def limits(self) -> dict:
        return {f: self.model._meta.get_field(f).max_length for f in self.model.TRANSLATED_FIELDS}

    def to_representation(self, value):
        return value or {}

    def to_internal_value(self, data):
        try:
            return clean_translations(data, self.model.TRANSLATED_FIELDS, max_lengths=self.limits())
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error


class TranslationsFieldExtension(OpenApiSerializerFieldExtension):
    target_class = TranslationsField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        texts = {}
        for name, limit in field.limits().items():
            schema = build_basic_type(OpenApiTypes.STR)
            if limit:
                schema["maxLength"] = limit
            texts[name] = schema
        language = {"type": "object", "properties": texts, "additionalProperties": False}
        return {"type": "object", "description": str(field.help_text),
                "properties": {code: language for code, _name in translation_languages()},
                "additionalProperties": False,
                "example": {"es": dict.fromkeys(field.model.TRANSLATED_FIELDS, "…")}}

