"""The language an item is written in, by `lingua-language-detector` (its models ship in its wheel).

Asked only for the languages of the city's language-access list that it knows: English, Spanish,
Chinese, Portuguese, Russian, Arabic, French, Vietnamese and Somali. It has no Haitian Creole or Cape
Verdean Creole: their texts read as French or Portuguese (or worse), so an item sent from a form in a
language the detector does not know is given a detected language only when the detector is sure and
it is not that creole's source language; otherwise "not detected"."""

import threading

from django.utils.translation import gettext_lazy as _

_lock = threading.Lock()
_detector = None

# Form language (primary subtag) the detector does not know -> the language it would mistake it for.
UNDETECTABLE = {"ht": "fr", "kea": "pt", "cv": "pt"}
SURE = 0.9
NAMES = {"en": _("English"), "es": _("Spanish"), "zh": _("Chinese"), "pt": _("Portuguese"), "ru": _("Russian"),
         "ar": _("Arabic"), "fr": _("French"), "vi": _("Vietnamese"), "so": _("Somali")}


def _build():
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            languages = [Language.ENGLISH, Language.SPANISH, Language.CHINESE, Language.PORTUGUESE, Language.RUSSIAN,
                         Language.ARABIC, Language.FRENCH, Language.VIETNAMESE, Language.SOMALI]
            _detector = LanguageDetectorBuilder.from_languages(*languages).build()
        return _detector


def detectable(code: str) -> bool:
    return code.split("-")[0].lower() not in UNDETECTABLE


def detect_language(text: str, *, form_language: str = "") -> str:
    """ISO 639-1 code of the language `text` is written in, or "" when it cannot be told (too short,
    or a language the detector does not know)."""
    text = (text or "").strip()
    if len(text) < 3:
        return ""
    values = _build().compute_language_confidence_values(text)
    if not values or values[0].value <= 0:
        return ""
    found = values[0].language.iso_code_639_1.name.lower()
    form = form_language.split("-")[0].lower()
    if form in UNDETECTABLE and (found == UNDETECTABLE[form] or values[0].value < SURE):
        return ""
    return found
