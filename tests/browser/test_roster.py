"""Journey: a coordinator runs the auto-roster for next month, watches its progress, reviews the proposal (the
diff, and an open place's reason), accepts it and sees the board filled. The run is solved by a real Celery
worker on the real broker, started once the page shows the run waiting, so the journey needs Redis and
PostgreSQL (the worker's thread and the live server share the database); skipped with the reason without."""

import re
from datetime import time, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from apps.core.localtime import local_moment
from apps.scheduling import services
from apps.scheduling.forms import next_month
from apps.scheduling.models import Assignment, RosterRun, TimeOff
from crisisprog.celery import app
from tests.browser.helpers import (
    Journey,
    check_wide_and_narrow,
    collective_crew,
    follow_nav,
    sign_in,
)
from tests.factories import DEFAULT_PASSWORD
from tests.factories.scheduling import make_shift, team_type

pytestmark = [pytest.mark.browser, pytest.mark.celery_live, pytest.mark.postgres,
              pytest.mark.django_db(transaction=True)]



@pytest.fixture
def crew():
    """Three day shifts at the start of next month (a lead and a responder place each). Riley is cleared to
    lead, Avery to respond, Quinn has no training; Riley is on approved time off on the third day, so that
    day's lead place stays open."""
    crew = collective_crew()
    team = services.team_create(by=crew["coordinator"], organization=crew["collective"], team_type=team_type(),
                                name="Dorchester day team")
    first, _last = next_month(timezone.localdate())
    shifts = [make_shift(team=team, starts_at=local_moment(first + timedelta(days=n), time(10)))
              for n in range(3)]
    third = first + timedelta(days=2)
    TimeOff.objects.create(responder=crew["Riley"], organization=crew["collective"],
                           starts_at=local_moment(third, time(0)), ends_at=local_moment(third + timedelta(days=1),
                                                                                        time(0)),
                           status=TimeOff.Status.APPROVED)
    return {**crew, "team": team, "first": first, "shifts": shifts}



def test_a_coordinator_runs_the_roster_reviews_the_proposal_and_accepts_it(new_page, crew, queue_only):
    first = crew["first"]
    page = new_page()
    journey = Journey("roster", page)
    sign_in(page, email=crew["coordinator"].email, password=DEFAULT_PASSWORD)
    follow_nav(page, "Auto-roster")
    assert page.get_by_role("heading", level=1).inner_text() == "Auto-roster"
    # Next month, whole, from the start (USWDS's date picker shows MM/DD/YYYY).
    assert page.get_by_role("textbox", name=re.compile("^First day")).input_value() == first.strftime("%m/%d/%Y")
    page.get_by_role("checkbox", name="Dorchester day team").check()
    page.get_by_label(re.compile("^Time limit")).select_option(label="30 seconds")
    check_wide_and_narrow(journey, "start")
    page.get_by_role("button", name="Run the roster").click()

    # Waiting for a worker: the progress panel, polled by htmx, with a link for a browser without JavaScript.
    status = page.locator("#roster-progress")
    status.wait_for()
    assert status.get_attribute("role") == "status"
    assert status.get_by_text("Waiting to start").is_visible()
    assert status.get_by_text("Solutions found").is_visible()
    assert page.get_by_role("button", name="Cancel the run").is_visible()
    check_wide_and_narrow(journey, "waiting")

    # The worker solves it; the panel follows and, once there is a proposal, the page shows it.
    with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, queues=["default"],
                      shutdown_timeout=10):
        page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
    run = RosterRun.objects.get()
    assert run.status == RosterRun.Status.PROPOSED, run.error
    assert not Assignment.objects.exists()  # a proposal, nothing written yet
    summary = page.get_by_role("region", name="Summary")
    assert "5 of 6 open places" in summary.inner_text()
    assert "team leads 2 of 3" in summary.inner_text()
    assert "A first-come fill would fill" in summary.inner_text()
    # The diff, by day then shift: the people added.
    day_one = page.get_by_role("region", name=f"{first:%A} {first.day} {first:%B}")
    assert "Team lead: Riley Santos" in day_one.inner_text()
    assert "Community responder: Avery Chen" in day_one.inner_text()
    # The place that stays open says why.
    open_row = page.get_by_role("row", name=re.compile("Team lead · 1 open"))
    assert "1 on approved time off" in open_row.inner_text()
    check_wide_and_narrow(journey, "proposal")

    page.get_by_role("button", name="Accept the proposal…").click()
    dialog = page.get_by_role("dialog", name="Accept the proposal")
    assert dialog.get_by_text("5 assignments are made through the assignment service").is_visible()
    check_wide_and_narrow(journey, "confirm accept")
    dialog.get_by_role("button", name="Accept").click()
    page.get_by_text("5 assignments made.").wait_for()
    assert Assignment.objects.filter(source=Assignment.Source.ROSTER).count() == 5
    check_wide_and_narrow(journey, "accepted")

    page.get_by_role("link", name="See the schedule board").click()
    page.get_by_role("heading", name="Schedule board", level=1).wait_for()
    riley = page.get_by_role("row", name=re.compile("^Riley Santos"))
    assert riley.get_by_text("Dorchester day team").count() == 2
    avery = page.get_by_role("row", name=re.compile("^Avery Chen"))
    assert avery.get_by_text("Dorchester day team").count() == 3
    check_wide_and_narrow(journey, "board filled")
