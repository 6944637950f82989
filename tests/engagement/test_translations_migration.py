"""engagement 0006 moves the Spanish columns into `translations` and drops the `_en` suffix: run on a
copy of the demo data — seeded by `seed_demo`, migrated back to 0005 (the Spanish returns to its
columns), then forward again — every English and Spanish value survives, both ways."""

from importlib import import_module

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.engagement.models import AgendaItem, CommunitySession, Decision, Theme

BEFORE = ("engagement", "0005_feedback_is_translation_feedback")
AFTER = ("engagement", "0006_content_translations")
# model → {field now: (English column before, Spanish column before)}
COLUMNS = {
    CommunitySession: {"title": ("title_en", "title_es"), "description": ("description_en", "description_es"),
                       "transit_notes": ("transit_notes", "transit_notes_es")},
    AgendaItem: {"title": ("title_en", "title_es")},
    Theme: {"name": ("name_en", "name_es")},
    Decision: {"title": ("title_en", "title_es"), "action": ("action_en", "action_es")},
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _snapshot() -> dict:
    """{(model, pk, field): (English, Spanish)} as the current models read them."""
    values = {}
    for model, fields in COLUMNS.items():
        for obj in model.objects.all():
            for field in fields:
                values[(model.__name__, obj.pk, field)] = (getattr(obj, field),
                                                           (obj.translations.get("es") or {}).get(field, ""))
    return values


def _migrate(target):
    if connection.vendor == "postgresql":
        # The seeded rows' deferred foreign-key checks, run now: PostgreSQL alters no table with them pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = executor.loader.graph.leaf_nodes() if target is None else [target]
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets)


# PostgreSQL changes schemas inside the test's transaction (rolled back after); SQLite cannot, so there
# the test is transactional, and puts back the team types a previous transactional test's emptying
# may have removed (the data migration's own loader).
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_demo_content_survives_the_migration_both_ways():
    from django.apps import apps

    import_module("apps.scheduling.migrations.0002_team_types").load(apps, None)
    call_command("seed_demo", "--quiet")
    # A sub-theme and an item with no Spanish: blanks stay blank, not "None".
    parent = Theme.objects.first()
    Theme.objects.create(name="Only in English", parent=parent)
    before = _snapshot()
    assert len({k[0] for k in before}) == 4
    spanish = [k for k, (_en, es) in before.items() if es]
    assert len(spanish) >= 20 and {k[0] for k in spanish} == {"CommunitySession", "AgendaItem", "Theme", "Decision"}
    try:
        old = _migrate(BEFORE).apps
        # At 0004 each value is back in its column.
        for model, fields in COLUMNS.items():
            Old = old.get_model("engagement", model.__name__)
            rows = {row.pk: row for row in Old.objects.all()}
            assert set(rows) == {k[1] for k in before if k[0] == model.__name__}
            for field, (english_column, spanish_column) in fields.items():
                for pk, row in rows.items():
                    english, es = before[(model.__name__, pk, field)]
                    assert (getattr(row, english_column), getattr(row, spanish_column)) == (english, es), (
                        model.__name__, pk, field)
    finally:
        _migrate(None)
    assert _snapshot() == before
