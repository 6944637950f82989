"""The audit log without a global lock: events are inserted unsealed and a sealer chains them.

Before, `audit()` took one advisory lock to read the last hash and append, so every audited write
in the site waited for the one before it to commit. Now an event is inserted with no chain
position and no hashes; the sealer (`apps.core.audit.seal_chain`) gives committed events their
`seq`, `prev_hash` and `hash`. The events already there were chained in id order: they get `seq`
in that order and keep their hashes (the hash never covered `seq`, so they still verify).

The append-only trigger becomes three rules on PostgreSQL: no DELETE; an INSERT must arrive
unsealed (only the sealer seals); an UPDATE may only fill the seal fields of an unsealed row, all
three at once, and change nothing else.
"""

from django.conf import settings
from django.db import migrations, models

OLD_GUARD_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
DROP_OLD_GUARD_SQL = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""

# The seal fields are compared as jsonb with the seal keys removed, so a column added later is
# covered without touching this function.
GUARD_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq IS NOT NULL OR NEW.prev_hash <> '' OR NEW.hash <> '' THEN
            RAISE EXCEPTION 'core_auditevent is append-only: an event is inserted unsealed (the sealer seals it)';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
            AND NEW.prev_hash <> '' AND NEW.hash <> ''
            AND (to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash'])
                = (to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash']) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only: % is not allowed (only the sealer fills the seal, once)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_guard
    BEFORE INSERT OR UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard();
"""
DROP_GUARD_SQL = """
DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_guard();
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)
    return run


def number_existing_events(apps, schema_editor):
    """The events chained before this migration, in the order they were chained (by id)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE core_auditevent AS e SET seq = n.seq FROM "
            "(SELECT id, row_number() OVER (ORDER BY id) AS seq FROM core_auditevent) AS n WHERE e.id = n.id",
            params=None)
        return
    AuditEvent = apps.get_model("core", "AuditEvent")
    for seq, pk in enumerate(AuditEvent.objects.order_by("id").values_list("id", flat=True).iterator(), start=1):
        AuditEvent.objects.filter(pk=pk).update(seq=seq)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_user_phone'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_reference_data_and_audit_guard'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_on_postgres(DROP_OLD_GUARD_SQL), _on_postgres(OLD_GUARD_SQL)),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.RunPython(number_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='audit_unsealed_idx'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(condition=models.Q(('hash', ''), _negated=True), fields=('hash',),
                                               name='audit_hash_unique'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(('hash', ''), ('prev_hash', ''), ('seq__isnull', True)),
                                   models.Q(('seq__isnull', False), models.Q(('prev_hash', ''), _negated=True),
                                            models.Q(('hash', ''), _negated=True)), _connector='OR'),
                name='audit_sealed_whole'),
        ),
        migrations.RunPython(_on_postgres(GUARD_SQL), _on_postgres(DROP_GUARD_SQL)),
    ]
