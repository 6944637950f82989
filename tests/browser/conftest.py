"""Browser journeys: Playwright for Python driving Debian's Chromium against pytest-django's live server.

A `browser` test skips with a reason when /usr/bin/chromium is missing; with CRISISPROG_REQUIRE_SERVICES=1
(as CI sets) it fails instead, like the other service markers in tests/conftest.py.
"""

import os
from pathlib import Path

import pytest

# Debian's Chromium; never a browser Playwright downloads.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
REQUIRE_SERVICES = os.environ.get("CRISISPROG_REQUIRE_SERVICES") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _browser_missing() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs Playwright for Python (pip install -r requirements-dev.txt)"
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is None:
        return
    missing = _browser_missing()
    if missing:
        if REQUIRE_SERVICES:
            pytest.fail(f"CRISISPROG_REQUIRE_SERVICES=1 but this test {missing}", pytrace=False)
        pytest.skip(missing)


@pytest.fixture(scope="package")
def _chromium():
    """One Chromium for this package's tests (they run together); every test gets its own context.

    Playwright's sync API keeps an event loop running in this thread while it is open, so Django would
    refuse ORM calls from the test code between steps: DJANGO_ALLOW_ASYNC_UNSAFE lifts that check, and both
    end with this package, before the rest of the suite (which may run its own event loops) goes on."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(_chromium, live_server, artifacts_dir):
    """`new_page(width=1280, height=900)` opens a fresh context on the live server. Pages report any
    Content-Security-Policy violation or JavaScript error; the test fails if there was one."""
    contexts, problems = [], []

    def _open(*, width: int = 1280, height: int = 900, locale: str = "en-US", **kwargs):
        context = _chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                        locale=locale, timezone_id="America/New_York", **kwargs)
        context.set_default_timeout(20_000)  # a loaded 2-core CI machine
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: problems.append(f"console: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text else None)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert problems == []


@pytest.fixture(scope="session", autouse=True)
def _axe_report(artifacts_dir):
    """Lists every page axe checked, and what it found, in test-artifacts/browser/axe-pages.json."""
    yield
    import json

    from tests.browser.helpers import CHECKED

    if CHECKED:
        (artifacts_dir / "axe-pages.json").write_text(json.dumps(CHECKED, indent=2, sort_keys=True))


@pytest.fixture
def city():
    from tests.factories import CityDepartmentFactory

    return CityDepartmentFactory(name="City Health and Human Services", slug="city-health")


@pytest.fixture
def demo(city):
    """The engagement and procurement demo data (sessions in three neighborhoods, feedback, a published
    decision, an open RFP), made by those apps' own seeders with users from the factories."""
    from io import StringIO

    from apps.accounts.roles import Role
    from apps.engagement.demo import seed as engagement_seed
    from apps.procurement.registrations import seed_demo as procurement_seed
    from tests.factories import OrganizationFactory, user_with_role

    collective = OrganizationFactory(name="Neighborhood Peer Response Collective", slug="collective",
                                     email="hello@collective.example")
    roxbury = OrganizationFactory(name="Roxbury Community Wellness Partners", slug="roxbury-wellness")
    users = {
        "moderator": user_with_role(Role.MODERATOR, city, email="sam@city.example", full_name="Sam Nguyen"),
        "procurement": user_with_role(Role.PROCUREMENT_OFFICER, city, email="pat@city.example",
                                      full_name="Pat Okafor"),
        "coordinator": user_with_role(Role.COORDINATOR, collective, email="jordan@collective.example",
                                      full_name="Jordan Baptiste"),
    }
    organizations = {o.name: o for o in (city, collective, roxbury)}
    engagement_seed(users=users, organizations=organizations, stdout=StringIO())
    procurement_seed(users=users, organizations=organizations, stdout=StringIO())
    return {"users": users, "organizations": organizations}


@pytest.fixture
def queue_only():
    """Tasks go to the broker (none run inline); the test starts a worker when it wants the work done."""
    from crisisprog.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True
