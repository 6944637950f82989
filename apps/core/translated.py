"""Content in many languages: the one lookup and the one fallback rule.

Translatable content keeps its English text in an ordinary column (`title`, `name`, ...: what lists
order, filter, search and keep unique by) and every other language in one JSON column,
`translations = {"es": {"title": "...", "description": "..."}, "ht": {...}}`. Adding a language is a
line in settings.LANGUAGES and its text — never a migration.

The rule, kept here only: a field reads in the asked language when that language has text for it,
else in English (`Localized.fell_back` says so, so that pages can mark the text `lang="en"` and show
the note). Templates, emails, SMS, PDFs and exports all go through `localize`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import get_language

SOURCE_LANGUAGE = "en"


def content_languages() -> list[tuple[str, str]]:
    """Every language content can be offered in (the interface languages), English first."""
    return list(settings.LANGUAGES)


def translation_languages() -> list[tuple[str, str]]:
    """The languages besides English that content can be translated into."""
    return [(code, name) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def content_language(code: str | None = None) -> str:
    """The content language for an interface language code (the active one by default): the code
    itself when content can be in it (zh-hant), else its base (es-419 → es), else English."""
    code = (code or get_language() or SOURCE_LANGUAGE).lower()
    known = {c for c, _name in settings.LANGUAGES}
    for candidate in (code, code.split("-")[0]):
        if candidate in known:
            return candidate
    return SOURCE_LANGUAGE


@dataclass(frozen=True)
class Localized:
    text: str
    language: str          # the language the text is in
    asked: str             # the language that was asked for
    fell_back: bool        # True when `asked` had no text and English is shown

    def __str__(self) -> str:
        return self.text


def translation_of(obj, field: str, language: str) -> str:
    """The stored text of `field` in `language` ("" when none): English is the column itself."""
    if language == SOURCE_LANGUAGE:
        return getattr(obj, field) or ""
    value = ((getattr(obj, "translations", None) or {}).get(language) or {}).get(field) or ""
    return value.strip() and value


def localize(obj, field: str, language: str | None = None) -> Localized:
    """`field` of `obj` in `language` (the active language by default), falling back to English."""
    asked = content_language(language)
    text = translation_of(obj, field, asked)
    if text or asked == SOURCE_LANGUAGE:
        return Localized(text, asked, asked, False)
    english = getattr(obj, field) or ""
    # Nothing to fall back to is not a fallback: an empty optional field stays empty in every language.
    return Localized(english, SOURCE_LANGUAGE, asked, bool(english))


def offered_languages(obj, fields=None) -> list[str]:
    """The languages `obj` is offered in: English and every language with text for all its
    translatable fields that have English text."""
    fields = [f for f in (fields or obj.TRANSLATED_FIELDS) if getattr(obj, f)]
    return [code for code, _name in settings.LANGUAGES
            if all(translation_of(obj, f, code) for f in fields)]


def missing_languages(obj, fields=None) -> list[str]:
    offered = set(offered_languages(obj, fields))
    return [code for code, _name in settings.LANGUAGES if code not in offered]


def clean_translations(value, fields, *, max_lengths=None) -> dict:
    """A `translations` value normalised: known languages and fields only, text stripped, empty
    entries dropped. Raises ValueError naming what is wrong (a services' ApplicationError wraps it)."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValueError("translations: expected an object keyed by language code")
    known = {code for code, _name in translation_languages()}
    result: dict[str, dict[str, str]] = {}
    for language, texts in value.items():
        if language not in known:
            raise ValueError(f"translations: unknown language {language!r}")
        if not isinstance(texts, dict):
            raise ValueError(f"translations.{language}: expected an object keyed by field")
        for field, text in texts.items():
            if field not in fields:
                raise ValueError(f"translations.{language}: {field!r} is not translatable")
            if text is None:
                continue
            if not isinstance(text, str):
                raise ValueError(f"translations.{language}.{field}: expected text")
            text = text.strip()
            limit = (max_lengths or {}).get(field)
            if limit and len(text) > limit:
                raise ValueError(f"translations.{language}.{field}: at most {limit} characters")
            if text:
                result.setdefault(language, {})[field] = text
    return result


class _Reader:
    """`obj.tr.title`: the title in the active language, English when it has none (a plain str)."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, field: str) -> str:
        if field not in self._obj.TRANSLATED_FIELDS:
            raise AttributeError(field)
        return localize(self._obj, field).text

    def __getitem__(self, field: str) -> str:
        return self.__getattr__(field)


class Translatable(models.Model):
    """Abstract base of a model with translatable fields: list them in TRANSLATED_FIELDS."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    translations = models.JSONField(default=dict, blank=True,
                                    help_text="Text in other languages: {language: {field: text}}.")

    class Meta:
        abstract = True

    @property
    def tr(self) -> _Reader:
        return _Reader(self)

    def localized(self, field: str, language: str | None = None) -> Localized:
        return localize(self, field, language)

    @property
    def offered_languages(self) -> list[str]:
        return offered_languages(self)

    @property
    def missing_languages(self) -> list[str]:
        return missing_languages(self)

    def set_translation(self, language: str, field: str, text: str) -> None:
        texts = dict(self.translations or {})
        entry = dict(texts.get(language) or {})
        if text and text.strip():
            entry[field] = text.strip()
        else:
            entry.pop(field, None)
        if entry:
            texts[language] = entry
        else:
            texts.pop(language, None)
        self.translations = texts


def add_translation_fields(form, model, labels, *, instance=None, textareas=()) -> list[str]:
    """One input per offered language beside each English field of `model` on `form`: named
    `<field>_<language>` (title_es, title_zh-hans), after the English one, marked `missing` when the
    language has no text yet for English text `instance` has (templates show the flag; on a new
    object every language is missing). Returns the added names."""
    from django import forms
    from django.utils.translation import get_language_info, gettext_lazy

    translations = (instance.translations if instance is not None else None) or {}
    saved = instance is not None and instance.pk is not None
    names = []
    order = list(form.fields)
    for field in model.TRANSLATED_FIELDS:
        limit = model._meta.get_field(field).max_length
        for code, language in translation_languages():
            name = f"{field}_{code}"
            attrs = {"lang": code}
            if get_language_info(code).get("bidi"):
                attrs["dir"] = "rtl"
            widget = (forms.Textarea(attrs={**attrs, "rows": 3}) if field in textareas
                      else forms.TextInput(attrs=attrs))
            initial = ((translations.get(code) or {}).get(field)) or ""
            input_ = forms.CharField(label=gettext_lazy("%(field)s (%(language)s)") % {
                "field": labels[field], "language": language}, required=False, max_length=limit,
                widget=widget, initial=initial)
            input_.language = code
            input_.missing = not initial and (not saved or bool(getattr(instance, field)))
            form.fields[name] = input_
            names.append(name)
        group_inputs(form, [f"{field}_{code}" for code, _language in translation_languages()])
        # Keep each language beside its English field.
        if field in order:
            at = order.index(field) + 1
            order[at:at] = [f"{field}_{code}" for code, _language in translation_languages()]
        else:
            order += [f"{field}_{code}" for code, _language in translation_languages()]
    form.order_fields(order)
    return names


def group_inputs(form, names) -> None:
    """Mark the first and last of one field's language inputs: the templates fold them into one
    <details> saying how many are written."""
    inputs = [form.fields[name] for name in names]
    inputs[0].group_start = True
    inputs[0].group_missing = sum(bool(i.missing) for i in inputs)
    inputs[0].group_total = len(inputs)
    inputs[0].group_label = inputs[0].label.rsplit(" (", 1)[0]
    inputs[-1].group_end = True


def collect_translations(cleaned_data, model) -> dict:
    """The `translations` value of a form's cleaned data (see add_translation_fields)."""
    result: dict[str, dict[str, str]] = {}
    for field in model.TRANSLATED_FIELDS:
        for code, _language in translation_languages():
            text = (cleaned_data.get(f"{field}_{code}") or "").strip()
            if text:
                result.setdefault(code, {})[field] = text
    return result


def translated_model_form(model, labels, *, textareas=()):
    """A ModelForm class (the admin's) editing `translations` as one input per offered language. The
    inputs are declared on the class (the admin lays out declared fields only) and filled per object."""
    from django import forms

    class _Probe:  # add_translation_fields on a bare field list, to declare the same inputs
        def __init__(self):
            self.fields = {}

        def order_fields(self, order):
            pass

    probe = _Probe()
    add_translation_fields(probe, model, labels, textareas=textareas)
    places = {f"{field}_{code}": (field, code)
              for field in model.TRANSLATED_FIELDS for code, _language in translation_languages()}

    def __init__(self, *args, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)
        translations = self.instance.translations or {}
        saved = self.instance.pk is not None
        for name, (field, code) in places.items():
            text = (translations.get(code) or {}).get(field, "")
            self.fields[name].initial = text
            self.fields[name].missing = not text and (not saved or bool(getattr(self.instance, field)))

    def save(self, commit=True):
        self.instance.translations = clean_translations(
            collect_translations(self.cleaned_data, model), model.TRANSLATED_FIELDS,
            max_lengths={f: model._meta.get_field(f).max_length for f in model.TRANSLATED_FIELDS})
        return forms.ModelForm.save(self, commit=commit)

    editable = [f.name for f in [*model._meta.fields, *model._meta.many_to_many]
                if f.editable and not f.primary_key and f.name != "translations"]
    meta = type("Meta", (), {"model": model, "fields": editable})
    return type(forms.ModelForm)(f"{model.__name__}TranslatedForm", (forms.ModelForm,),
                                 {**probe.fields, "Meta": meta, "__init__": __init__, "save": save,
                                  "__module__": __name__})


def languages_offered_display(obj) -> str:
    """The admin's and lists' column: the codes of the languages `obj` is offered in."""
    return " ".join(offered_languages(obj))
