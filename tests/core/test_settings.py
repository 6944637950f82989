"""Settings load in all four modes; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL.split(':')[0], "
    "settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], settings.DEBUG)"
)
SERVICE_VARS = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CELERY_BROKER_URL", "CACHE_URL", "DEBUG",
                "EMAIL_URL")
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 60,
    "DATABASE_URL": "postgres://crisisprog@127.0.0.1:5432/crisisprog",
    "ALLOWED_HOSTS": "crisisprog.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def _load(module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    clean.update(env, DJANGO_SETTINGS_MODULE=f"crisisprog.settings.{module}")
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


def test_settings_local_uses_embedded_defaults():
    result = _load("local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem", "FileBasedCache", "True"]


def test_settings_test_uses_in_memory_services():
    result = _load("test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "memory", "LocMemCache", "False"]


def test_settings_production_loads_with_its_environment():
    result = _load("production", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis", "RedisCache", "False"]


def test_settings_local_follows_service_urls():
    result = _load("local", DATABASE_URL=PRODUCTION_ENV["DATABASE_URL"], CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
                   CACHE_URL="redis://127.0.0.1:6379/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis", "RedisCache", "True"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CELERY_BROKER_URL", "CACHE_URL"])
def test_settings_production_fails_loudly_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _load("production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {missing} environment variable" in result.stderr


# --- booleans and whole numbers from the environment are well-formed or start-up stops ------------

BOOL_PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_SECONDS, "
    "settings.DEBUG, settings.STAFF_SESSION_IDLE_SECONDS)"
)


def _probe(module: str, code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    clean.update(env, DJANGO_SETTINGS_MODULE=f"crisisprog.settings.{module}")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize(("raw", "value"), [("1", "True"), ("0", "False"), ("TRUE", "True"), ("false", "False"),
                                            ("Yes", "True"), ("no", "False"), ("on", "True"), (" OFF ", "False")])
def test_settings_booleans_accept_the_well_formed_spellings(raw, value):
    result = _probe("production", BOOL_PROBE, **PRODUCTION_ENV, SECURE_SSL_REDIRECT=raw, SECURE_HSTS_PRELOAD=raw)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == [value, value]


@pytest.mark.parametrize(("variable", "raw"), [
    ("SECURE_SSL_REDIRECT", "ture"), ("SECURE_HSTS_PRELOAD", "yes please"), ("SECURE_SSL_REDIRECT", ""),
    ("SECURE_HSTS_PRELOAD", "2"), ("SECURE_SSL_REDIRECT", "enabled"),
])
def test_settings_production_booleans_fail_loudly_on_a_typo(variable, raw):
    result = _probe("production", BOOL_PROBE, **PRODUCTION_ENV, **{variable: raw})
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {variable} environment variable to a boolean" in result.stderr


@pytest.mark.parametrize("variable", ["DEBUG", "CELERY_TASK_ALWAYS_EAGER", "CRISISPROG_REQUIRE_SERVICES"])
def test_settings_base_booleans_fail_loudly_on_a_typo(variable):
    result = _probe("local", BOOL_PROBE, **{variable: "ture"})
    assert result.returncode != 0, result.stdout
    assert f"Set the {variable} environment variable to a boolean" in result.stderr


@pytest.mark.parametrize(("variable", "raw"), [
    ("SECURE_HSTS_SECONDS", "1e3"), ("STAFF_SESSION_IDLE_SECONDS", "30m"), ("DB_CONN_MAX_AGE", "-5"),
    ("API_TOKEN_TTL_DAYS", "1_000"), ("TRAINING_IMPORT_MAX_ROWS", ""), ("SESSION_COOKIE_AGE", "12.5"),
])
def test_settings_integers_fail_loudly_unless_digits(variable, raw):
    result = _probe("production", BOOL_PROBE, **PRODUCTION_ENV, **{variable: raw})
    assert result.returncode != 0, result.stdout
    assert f"Set the {variable} environment variable to a whole number" in result.stderr


def test_settings_integers_read_digits():
    result = _probe("production", BOOL_PROBE, **PRODUCTION_ENV, SECURE_HSTS_SECONDS=" 600 ",
                    STAFF_SESSION_IDLE_SECONDS="900")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2:] == ["600", "False", "900"]


def test_settings_every_boolean_and_integer_goes_through_the_strict_helper():
    """No setting reads a boolean or integer with django-environ's lenient readers."""
    for path in (ROOT / "crisisprog" / "settings").glob("*.py"):
        text = path.read_text()
        assert "env.bool(" not in text and "env.int(" not in text, path.name
        assert "env.float(" not in text, path.name


def test_settings_production_does_not_install_the_scale_seeder():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print('apps.scale' in settings.INSTALLED_APPS)")
    assert _probe("production", code, **PRODUCTION_ENV).stdout.split() == ["False"]
    assert _probe("local", code).stdout.split() == ["True"]
    result = _probe("production", "import django; django.setup(); from django.core.management import call_command; "
                    "call_command('seed_scale', factor=0.02)", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Unknown command: 'seed_scale'" in result.stderr
