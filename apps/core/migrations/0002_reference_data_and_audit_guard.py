"""Boston's 23 neighborhoods and its language-access languages plus ASL; the audit log's guard."""

from django.db import migrations

from apps.core.reference_data import LANGUAGES, NEIGHBORHOODS, load_reference_data, neighborhood_slug

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


def load(apps, schema_editor):
    load_reference_data(apps.get_model("core", "Neighborhood"), apps.get_model("core", "Language"))


def unload(apps, schema_editor):
    apps.get_model("core", "Neighborhood").objects.filter(
        slug__in=[neighborhood_slug(n) for n in NEIGHBORHOODS]).delete()
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
