"""Shared fixtures, the session clock, and the rule for tests that need a real service.

With CRISISPROG_TEST_NOW set (an ISO 8601 instant with offset) the whole session, its live server and the
Python subprocesses its tests start run from that instant on a ticking clock: see tests/support/clock.py.

A test marked `postgres`, `redis` or `celery_live` skips with a reason when its service is not
configured or not reachable; with CRISISPROG_REQUIRE_SERVICES=1 (as CI sets) it fails instead.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests.support.clock import ENV_NOW, start_session_clock

# Shared fixtures: `api`, an API client (tests/support/api.py).
pytest_plugins = ["tests.support.api"]

REQUIRE_SERVICES = os.environ.get("CRISISPROG_REQUIRE_SERVICES") == "1"
SESSION_START = start_session_clock()


def pytest_report_header(config):
    if SESSION_START is None:
        return f"clock: real time (set {ENV_NOW} to start the session at another instant)"
    return f"clock: {ENV_NOW}={SESSION_START.isoformat()} (ticking)"


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _postgres() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    return None


def _redis() -> str | None:
    url = redis_url()
    return None if _reachable(url) else f"needs Redis at {url} (set REDIS_URL)"


def _celery_live() -> str | None:
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return "needs a real broker: set CELERY_BROKER_URL=redis://…"
    return None if _reachable(settings.CELERY_BROKER_URL) else f"broker {settings.CELERY_BROKER_URL} unreachable"


def _cjk_font() -> str | None:
    import subprocess

    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    except OSError:
        found = ""
    return None if found.strip() else "needs a Chinese font (apt-get install fonts-wqy-microhei)"


SERVICE_CHECKS = {"postgres": _postgres, "redis": _redis, "celery_live": _celery_live, "cjk_font": _cjk_font}


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def pytest_runtest_setup(item):
    for marker, check in SERVICE_CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        missing = check()
        if missing:
            if REQUIRE_SERVICES:
                pytest.fail(f"CRISISPROG_REQUIRE_SERVICES=1 but this test {missing}", pytrace=False)
            pytest.skip(missing)


@pytest.fixture(autouse=True)
def _clean_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    from tests.factories import DEFAULT_PASSWORD

    return DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads land in a folder of the test's own, never in var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """A transactional test's database is emptied after each test (TRUNCATE), which also removes the
    neighborhoods and languages the data migration loaded; put them back for the next one."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from apps.core.reference_data import load_reference_data

        load_reference_data()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Spanish leaves Spanish active in the thread; the next test starts in English."""
    yield
    from django.utils import translation

    translation.deactivate()
