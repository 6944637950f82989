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
