"""Journey: a coordinator opens the schedule board from the navigation, opens an open place, reads each
candidate's ✓ or reasons beside their name, assigns one and sees the cell filled; on a laptop and on a phone."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from apps.core.localtime import local_moment
from apps.scheduling import services
from apps.scheduling.models import Assignment, PositionRole
from tests.browser.helpers import Journey, collective_crew, follow_nav, sign_in
from tests.factories import DEFAULT_PASSWORD
from tests.factories.scheduling import make_shift, team_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def crew():
    """Next week's published day shifts (a lead and a responder place each) of two teams. Riley is cleared to
    lead, Avery to respond; Quinn has no training on record. Next week: whatever the hour the suite runs,
    every shift is still to come."""
    crew = collective_crew()
    collective, coordinator = crew["collective"], crew["coordinator"]
    people = {name: crew[name] for name in ("Riley", "Avery", "Quinn")}
    teams = [services.team_create(by=coordinator, organization=collective, team_type=team_type(), name=name)
             for name in ("Dorchester day team", "Roxbury evening team")]
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    for n in range(3):
        make_shift(team=teams[0], starts_at=local_moment(monday + timedelta(days=n), time(10)))
        make_shift(team=teams[1], starts_at=local_moment(monday + timedelta(days=n), time(16)), hours=6)
    return {"coordinator": coordinator, "monday": monday, "teams": teams, **people}


def _open_place(page, role: str, team: str, day):
    name = re.compile(rf"^{role}: 1 open\s*, {team}, {day:%A} {day.day} ")
    page.get_by_role("link", name=name).click()
    panel = page.locator("#board-panel")
    panel.get_by_role("heading", name=f"Who can take this place: {role}").wait_for()
    return panel


def test_a_coordinator_assigns_an_open_place_from_the_board(new_page, crew):
    monday = crew["monday"]
    page = new_page(width=1280)
    journey = Journey("board", page)
    sign_in(page, email=crew["coordinator"].email, password=DEFAULT_PASSWORD)
    follow_nav(page, "Schedule board")
    assert page.get_by_role("heading", level=1).inner_text() == "Schedule board"
    journey.check("this week")
    page.get_by_role("link", name="Next week").click()
    grid = page.get_by_role("region", name=re.compile("^Schedule board: people by day"))
    assert grid.get_by_role("columnheader").count() == 8  # the names and seven days
    assert page.get_by_text("12 open places to fill").is_visible()
    journey.check("next week")

    panel = _open_place(page, "Team lead", "Dorchester day team", monday)
    # The panel's heading has the focus: the keyboard and the screen reader are on the list.
    assert page.evaluate("document.activeElement.id") == "candidates-heading"
    riley = panel.get_by_role("row", name=re.compile("^Riley Santos"))
    assert riley.get_by_text("✓ Eligible").is_visible()
    avery = panel.get_by_role("row", name=re.compile("^Avery Chen"))
    not_lead = "Cleared for duty only as Community responder, not for the Team lead position."
    assert avery.get_by_text(not_lead).is_visible()
    assert avery.get_by_role("button").count() == 0  # shown, not assignable
    quinn = panel.get_by_role("row", name=re.compile("^Quinn Pierre"))
    assert quinn.get_by_text("Training does not clear this person through the end of the shift.").is_visible()
    journey.check("candidates beside the board")

    riley.get_by_role("button", name="Assign Riley Santos").click()
    # htmx: the panel says so and the board's changed cells are swapped in place, no reload.
    page.get_by_text("Riley Santos is on the shift as Team lead.").wait_for()
    assignment = Assignment.objects.get(responder=crew["Riley"])
    assert (assignment.position.role, assignment.shift.team.name) == (PositionRole.LEAD, "Dorchester day team")
    # Still on next week's board, with Riley's Monday cell filled.
    row = page.get_by_role("row", name=re.compile("^Riley Santos"))
    monday_cell = row.get_by_role("cell").nth(0)
    assert "Dorchester day team" in monday_cell.inner_text() and "Team lead" in monday_cell.inner_text()
    assert page.get_by_text("11 open places to fill").is_visible()
    journey.check("assigned")

    # Close: the panel empties and the focus goes back to the open place.
    panel = _open_place(page, "Community responder", "Roxbury evening team", monday)
    panel.get_by_role("button", name="Close").click()
    assert panel.inner_text() == ""
    assert page.evaluate("document.activeElement.classList.contains('bd-open')")


def test_a_coordinator_assigns_from_the_board_on_a_phone(new_page, crew):
    tuesday = crew["monday"] + timedelta(days=1)
    phone = new_page(**PHONE)
    journey = Journey("board-phone", phone)
    sign_in(phone, email=crew["coordinator"].email, password=DEFAULT_PASSWORD)
    follow_nav(phone, "Schedule board")
    phone.get_by_role("link", name="Next week").click()
    grid = phone.get_by_role("region", name=re.compile("^Schedule board: people by day"))
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls in its own region
    assert grid.get_attribute("tabindex") == "0"
    journey.check("board at 390 px")

    panel = _open_place(phone, "Community responder", "Roxbury evening team", tuesday)
    avery = panel.get_by_role("row", name=re.compile("^Avery Chen"))
    assert avery.get_by_text("✓ Eligible").is_visible()
    journey.check("candidates at 390 px")
    avery.get_by_role("button", name="Assign Avery Chen").click()
    phone.get_by_text("Avery Chen is on the shift as Community responder.").wait_for()
    row = phone.get_by_role("row", name=re.compile("^Avery Chen"))
    assert "Roxbury evening team" in row.get_by_role("cell").nth(1).inner_text()
    journey.check("assigned at 390 px")
