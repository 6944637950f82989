"""Boston's 23 neighborhoods and its language-access languages plus ASL; the audit log's guard."""

from django.db import migrations
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

AUDIT_GUARD_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
AUDIT_GUARD_REVERSE_SQL = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def _slug(name: str) -> str:
    return slugify(name.replace("–", " "))


def load(apps, schema_editor):
    Neighborhood = apps.get_model("core", "Neighborhood")
    Language = apps.get_model("core", "Language")
    for order, name in enumerate(NEIGHBORHOODS):
        Neighborhood.objects.update_or_create(slug=_slug(name), defaults={"name": name, "sort_order": order})
    for order, (code, name, native, signed) in enumerate(LANGUAGES):
        Language.objects.update_or_create(
            code=code, defaults={"name": name, "native_name": native, "is_signed": signed, "sort_order": order}
        )


def unload(apps, schema_editor):
    apps.get_model("core", "Neighborhood").objects.filter(slug__in=[_slug(n) for n in NEIGHBORHOODS]).delete()
    apps.get_model("core", "Language").objects.filter(code__in=[c for c, *_ in LANGUAGES]).delete()


def guard(apps, schema_editor):
    # Only PostgreSQL gets the trigger; on SQLite the hash chain alone detects tampering.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_SQL, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_REVERSE_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(load, unload),
        migrations.RunPython(guard, unguard),
    ]
