"""Boston's 23 neighborhoods and its language-access languages plus ASL (DOMAIN.md).

Loaded by a data migration; editable in the admin afterwards. `load_reference_data` is idempotent
and takes the model classes, so the migration can pass its historical models.
"""

from django.utils.text import slugify

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
