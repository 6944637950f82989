"""Languages as data (issue 23): the English text keeps its column, renamed without its `_en`; the
Spanish columns move into one JSON column per model, `translations = {"es": {field: text}}`, where
every other language goes too. Reversible: backwards, the Spanish text returns to its columns (other
languages, which had no column, are dropped)."""

from django.db import migrations, models

# model → {old Spanish column: translated field}
SPANISH = {
    "communitysession": {"title_es": "title", "description_es": "description", "transit_notes_es": "transit_notes"},
    "agendaitem": {"title_es": "title"},
    "theme": {"name_es": "name"},
    "decision": {"title_es": "title", "action_es": "action"},
}


def spanish_into_translations(apps, schema_editor):
    for model_name, columns in SPANISH.items():
        Model = apps.get_model("engagement", model_name)
        changed = []
        for obj in Model.objects.only("pk", *columns).iterator(chunk_size=500):
            texts = {field: getattr(obj, column).strip() for column, field in columns.items()
                     if (getattr(obj, column) or "").strip()}
            if texts:
                obj.translations = {"es": texts}
                changed.append(obj)
        Model.objects.bulk_update(changed, ["translations"], batch_size=500)


def translations_into_spanish(apps, schema_editor):
    for model_name, columns in SPANISH.items():
        Model = apps.get_model("engagement", model_name)
        changed = []
        for obj in Model.objects.only("pk", "translations").iterator(chunk_size=500):
            spanish = (obj.translations or {}).get("es") or {}
            for column, field in columns.items():
                setattr(obj, column, spanish.get(field, ""))
            if spanish:
                changed.append(obj)
        Model.objects.bulk_update(changed, list(columns), batch_size=500)


def _translations():
    return models.JSONField(blank=True, default=dict,
                            help_text="Text in other languages: {language: {field: text}}.")


class Migration(migrations.Migration):

    dependencies = [
        ("engagement", "0005_feedback_is_translation_feedback"),
    ]

    operations = [
        *[migrations.AddField(model_name=m, name="translations", field=_translations()) for m in SPANISH],
        migrations.RunPython(spanish_into_translations, translations_into_spanish, elidable=False),
        # Backwards, the Spanish columns come back before their text does: blank by default until then.
        migrations.AlterField(model_name="communitysession", name="title_es",
                              field=models.CharField(blank=True, default="", max_length=200)),
        migrations.AlterField(model_name="communitysession", name="description_es",
                              field=models.TextField(blank=True, default="", max_length=5000)),
        migrations.AlterField(model_name="decision", name="title_es",
                              field=models.CharField(blank=True, default="", max_length=300)),
        migrations.AlterField(model_name="decision", name="action_es",
                              field=models.TextField(blank=True, default="", max_length=5000)),
        *[migrations.RemoveField(model_name=m, name=column) for m, columns in SPANISH.items() for column in columns],
        migrations.RemoveConstraint(model_name="theme", name="engagement_theme_unique_name"),
        migrations.RenameField(model_name="communitysession", old_name="title_en", new_name="title"),
        migrations.RenameField(model_name="communitysession", old_name="description_en", new_name="description"),
        migrations.RenameField(model_name="agendaitem", old_name="title_en", new_name="title"),
        migrations.RenameField(model_name="theme", old_name="name_en", new_name="name"),
        migrations.RenameField(model_name="decision", old_name="title_en", new_name="title"),
        migrations.RenameField(model_name="decision", old_name="action_en", new_name="action"),
        migrations.AlterModelOptions(name="theme", options={"ordering": ["name"]}),
        migrations.AddConstraint(
            model_name="theme",
            constraint=models.UniqueConstraint(fields=("parent", "name"), name="engagement_theme_unique_name"),
        ),
    ]
