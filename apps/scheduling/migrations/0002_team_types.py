"""The program's three response models as team types (DOMAIN.md), with their compositions."""

from django.db import migrations

TEAM_TYPES = [
    ("community-responder", "Community responders",
     "Trained community members paid by a nonprofit: at least two people, one of them a lead, never all trainees.",
     2, True, [("lead", 1), ("responder", 1)]),
    ("co-response", "Police and clinician co-response",
     "A police officer and a mental-health clinician, for calls with a public-safety risk.",
     2, False, [("police_officer", 1), ("clinician", 1)]),
    ("emt-clinician", "EMT and mental-health worker",
     "An EMT and a mental-health worker, for calls without a public-safety risk.",
     2, False, [("emt", 1), ("clinician", 1)]),
]


def load(apps, schema_editor):
    TeamType = apps.get_model("scheduling", "TeamType")
    TeamTypePosition = apps.get_model("scheduling", "TeamTypePosition")
    for key, name, description, min_size, requires_lead, positions in TEAM_TYPES:
        team_type, _ = TeamType.objects.update_or_create(
            key=key, defaults={"name": name, "description": description, "min_size": min_size,
                               "requires_lead": requires_lead, "allow_all_trainees": False})
        for role, count in positions:
            TeamTypePosition.objects.update_or_create(team_type=team_type, role=role, defaults={"count": count})


def unload(apps, schema_editor):
    apps.get_model("scheduling", "TeamType").objects.filter(key__in=[t[0] for t in TEAM_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
