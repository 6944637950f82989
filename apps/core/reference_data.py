"""Boston's 23 neighborhoods and its language-access languages plus ASL (DOMAIN.md).

Loaded by a data migration; editable in the admin afterwards. `load_reference_data` is idempotent
and takes the model classes, so the migration can pass its historical models.
"""

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

NEIGHBORHOODS = [
    "Allston", "Back Bay", "Bay Village", "Beacon Hill", "Brighton", "Charlestown",
    "Chinatown–Leather District", "Dorchester", "Downtown", "East Boston", "Fenway–Kenmore",
    "Hyde Park", "Jamaica Plain", "Mattapan", "Mid-Dorchester", "Mission Hill", "North End",
    "Roslindale", "Roxbury", "South Boston", "South End", "West End", "West Roxbury",
]

# (BCP 47 code, English name, name in the language, signed)
LANGUAGES = [
    ("en", "English", "English", False),
    ("es", "Spanish", "Español", False),
    ("ht", "Haitian Creole", "Kreyòl ayisyen", False),
    ("zh-Hant", "Chinese (Traditional)", "繁體中文", False),
    ("zh-Hans", "Chinese (Simplified)", "简体中文", False),
    ("vi", "Vietnamese", "Tiếng Việt", False),
    ("kea", "Cabo Verdean Creole", "Kriolu kabuverdianu", False),
    ("ru", "Russian", "Русский", False),
    ("ar", "Arabic", "العربية", False),
    ("pt-BR", "Portuguese (Brazil)", "Português (Brasil)", False),
    ("fr", "French", "Français", False),
    ("so", "Somali", "Soomaali", False),
    ("ase", "American Sign Language (ASL)", "ASL", True),
]


# Each language's name in the page's language ("Spanish" on an English page, "Español" on a Spanish
# one). The stored `Language.name` stays English (reports, the admin); pages call `language_name`.
LANGUAGE_NAMES = {
    "en": _("English"),
    "es": _("Spanish"),
    "ht": _("Haitian Creole"),
    "zh-Hant": _("Chinese (Traditional)"),
    "zh-Hans": _("Chinese (Simplified)"),
    "vi": _("Vietnamese"),
    "kea": _("Cabo Verdean Creole"),
    "ru": _("Russian"),
    "ar": _("Arabic"),
    "pt-BR": _("Portuguese (Brazil)"),
    "fr": _("French"),
    "so": _("Somali"),
    "ase": _("American Sign Language (ASL)"),
}


def language_name(language) -> str:
    """The language's name in the active language; a language added in the admin keeps its stored name."""
    return str(LANGUAGE_NAMES.get(language.code, language.name))


def language_label(language) -> str:
    """For a choice list: the name in the language itself, then in the page's language when that says
    something more ("Kreyòl ayisyen — Haitian Creole"), never the same name twice ("ASL", not
    "ASL (American Sign Language (ASL))"; "Español" on a Spanish page)."""
    name, native = language_name(language), language.native_name
    if not native or native.casefold() in name.casefold() or name.casefold() in native.casefold():
        return name if len(name) >= len(native or "") else native
    return f"{native} — {name}"


def neighborhood_slug(name: str) -> str:
    return slugify(name.replace("–", " "))


def load_reference_data(neighborhood_model=None, language_model=None) -> None:
    if neighborhood_model is None or language_model is None:
        from .models import Language, Neighborhood

        neighborhood_model, language_model = Neighborhood, Language
    for order, name in enumerate(NEIGHBORHOODS):
        neighborhood_model.objects.update_or_create(
            slug=neighborhood_slug(name), defaults={"name": name, "sort_order": order})
    for order, (code, name, native, signed) in enumerate(LANGUAGES):
        language_model.objects.update_or_create(
            code=code, defaults={"name": name, "native_name": native, "is_signed": signed, "sort_order": order})
