"""seed_scale refuses a configuration that may hold the program's real data unless forced.

The production settings do not install apps.scale (tests/core/test_settings.py); this covers the
command itself, run with other settings pointed at a real database."""

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import Organization
from apps.scale.plan import scale_organizations
from apps.scale.services import production_refusal

pytestmark = pytest.mark.django_db

PG = "django.db.backends.postgresql"


def _quiet():
    return open("/dev/null", "w")  # noqa: SIM115


@pytest.mark.parametrize(("settings_module", "debug", "engine", "database", "refused"), [
    ("crisisprog.settings.production", False, PG, "crisisprog", True),
    ("crisisprog.settings.production", True, PG, "test_crisisprog", True),
    ("crisisprog.settings.bench", False, PG, "crisisprog_bench", True),
    ("crisisprog.settings.local", False, PG, "crisisprog", True),
    ("crisisprog.settings.local", False, "django.db.backends.sqlite3", "/srv/crisisprog/db.sqlite3", True),
    ("crisisprog.settings.local", True, PG, "crisisprog", False),
    ("crisisprog.settings.local", False, PG, "crisisprog_bench", False),
    ("crisisprog.settings.test", False, PG, "test_crisisprog", False),
    ("crisisprog.settings.test", False, "django.db.backends.sqlite3", ":memory:", False),
    ("crisisprog.settings.test", False, "django.db.backends.sqlite3", "file:memorydb_default?mode=memory&cache=shared",
     False),
])
def test_production_refusal_names_production_like_configurations(settings_module, debug, engine, database, refused):
    reason = production_refusal(settings_module=settings_module, debug=debug, engine=engine, database=database)
    assert (reason is not None) is refused, reason


def test_seed_scale_refuses_production_settings_and_leaves_the_data(settings):
    org = Organization.objects.create(name="Scale org", slug="scale-guard-1")  # looks like the seeder's
    settings.SETTINGS_MODULE = "crisisprog.settings.production"
    for options in ({"reset": True}, {"delete": True}, {}):
        with pytest.raises(CommandError, match="seed_scale refuses to run: the settings module is "
                                               "crisisprog.settings.production"):
            call_command("seed_scale", factor=0.02, stdout=_quiet(), **options)
    assert list(scale_organizations()) == [org]


def test_seed_scale_refuses_debug_off_on_a_real_database(settings, monkeypatch):
    from django.db import connection

    settings.SETTINGS_MODULE = "crisisprog.settings.local"
    settings.DEBUG = False
    monkeypatch.setitem(connection.settings_dict, "NAME", "crisisprog")
    monkeypatch.setitem(connection.settings_dict, "ENGINE", PG)
    with pytest.raises(CommandError, match="DEBUG is off and the database 'crisisprog' is not a test database"):
        call_command("seed_scale", factor=0.02, delete=True, stdout=_quiet())


def test_seed_scale_runs_when_forced(settings):
    Organization.objects.create(name="Scale org", slug="scale-guard-2")
    settings.SETTINGS_MODULE = "crisisprog.settings.production"
    call_command("seed_scale", factor=0.02, delete=True, force=True, stdout=_quiet())
    assert not scale_organizations().exists()


def test_seed_scale_runs_on_the_test_database(settings):
    Organization.objects.create(name="Scale org", slug="scale-guard-3")
    call_command("seed_scale", factor=0.02, delete=True, stdout=_quiet())
    assert not scale_organizations().exists()
