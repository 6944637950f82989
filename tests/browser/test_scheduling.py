"""Journey 4: a coordinator publishes a week of shifts and assigns one; a responder on a phone takes an open
shift and sees it in "my shifts"; a responder whose training does not clear them is told why they cannot."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from apps.scheduling import services
from apps.scheduling.models import Assignment, PositionRole, Shift
from tests.browser.helpers import Journey, collective_crew, follow_nav, sign_in, sign_out
from tests.factories import DEFAULT_PASSWORD
from tests.factories.scheduling import team_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def next_week():
    """Next week's day shifts of one team, generated from a template as drafts. Riley is cleared to lead,
    Avery to respond; Quinn has no training on record."""
    crew = collective_crew()
    collective, coordinator = crew["collective"], crew["coordinator"]
    people = {name: crew[name] for name in ("Riley", "Avery", "Quinn")}
    team = services.team_create(by=coordinator, organization=collective, team_type=team_type(),
                                name="Dorchester day team")
    template = services.shift_template_create(by=coordinator, team=team, name="Day", start_time=time(10),
                                              end_time=time(18), weekdays=list(range(7)))
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    services.shift_template_generate(by=coordinator, template=template, start=monday, end=monday + timedelta(days=6))
    return {"coordinator": coordinator, "monday": monday, **people}


def test_publish_assign_take_an_open_shift_and_be_told_why_not(new_page, next_week):
    monday = next_week["monday"]
    assert Shift.objects.filter(status=Shift.Status.DRAFT).count() == 7

    page = new_page()
    journey = Journey("4-scheduling", page)
    sign_in(page, email=next_week["coordinator"].email, password=DEFAULT_PASSWORD)
    follow_nav(page, "Schedule board")
    page.get_by_role("link", name="Next week").click()
    page.wait_for_url(re.compile(r"\?week="))
    assert page.get_by_text("7 upcoming drafts").is_visible()
    journey.check("next week in draft")
    # USWDS makes the link to the confirmation page open the confirmation modal.
    page.get_by_text("Publish this week…").click()
    modal = page.get_by_role("dialog", name="Publish shifts")
    assert modal.get_by_text("Publishing cannot be undone").is_visible()
    journey.check("publish confirmation")
    modal.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("7 shifts published.").wait_for()
    assert Shift.objects.filter(status=Shift.Status.PUBLISHED).count() == 7
    journey.check("week published")

    monday_shift = Shift.objects.get(starts_at__date=monday)
    page.locator(".bd-shifts td").first.get_by_role("link", name="Dorchester day team 10:00–18:00").click()
    page.get_by_text("Assign someone as Team lead").click()
    lead = page.get_by_role("region", name="Assign: Team lead")
    lead.get_by_label(re.compile("^Responder")).select_option(label="Riley Santos")
    journey.check("shift with eligible list")
    lead.get_by_role("button", name="Assign").click()
    page.get_by_text("Assigned.").wait_for()
    assignment = Assignment.objects.get(shift=monday_shift)
    assert (assignment.responder, assignment.position.role) == (next_week["Riley"], PositionRole.LEAD)
    journey.check("assigned")
    sign_out(page)

    phone = new_page(**PHONE)
    journey = Journey("4-scheduling-responder", phone)
    sign_in(phone, email=next_week["Avery"].email, password=DEFAULT_PASSWORD)
    follow_nav(phone, "Open shifts")
    cards = phone.locator(".shift-card")
    # Avery may take the responder place on each of the seven shifts, never the lead's.
    assert cards.count() == 7
    assert cards.first.get_by_text("Community responder").is_visible()
    journey.check("open shifts")
    cards.first.get_by_role("button", name="Sign up").click()
    assert phone.get_by_text("You are on the shift.").is_visible()
    assert phone.get_by_role("heading", level=1).inner_text() == "My shifts"
    mine = phone.locator(".shift-card")
    assert mine.count() == 1
    assert monday_shift.starts_at.astimezone(timezone.get_current_timezone()).strftime("%a") in mine.inner_text()
    assert Assignment.objects.get(shift=monday_shift, responder=next_week["Avery"]).position.role == "responder"
    journey.check("my shifts")
    sign_out(phone)

    journey = Journey("4-scheduling-ineligible", phone)
    sign_in(phone, email=next_week["Quinn"].email, password=DEFAULT_PASSWORD)
    follow_nav(phone, "Open shifts")
    assert phone.get_by_text("No open shifts you can take right now.").is_visible()
    journey.check("nothing to take")
    phone.get_by_role("link", name=re.compile("more open places you cannot take now — see why")).click()
    first = phone.locator(".shift-card").first
    assert first.get_by_text("You cannot take this shift:").is_visible()
    assert first.get_by_text("Training does not clear this person through the end of the shift.").is_visible()
    assert first.get_by_role("button", name="Sign up").count() == 0
    journey.check("told why not")
    assert not Assignment.objects.filter(responder=next_week["Quinn"]).exists()


def test_a_coordinator_records_the_hours_of_someone_who_forgot_to_check_in(new_page, next_week):
    """Yesterday's shift has ended; Avery worked it but never checked in. The shift page offers only what
    fits an ended shift, and the hours are recorded with a reason."""
    from tests.factories.scheduling import make_shift, place

    team = next_week["coordinator"].memberships.first().organization.teams.first()
    yesterday = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=1)
    shift = make_shift(team=team, starts_at=yesterday)
    forgot = place(shift=shift, responder=next_week["Avery"])
    place(shift=shift, responder=next_week["Riley"], role=PositionRole.LEAD, status=Assignment.Status.COMPLETED,
          checked_in_at=yesterday, checked_out_at=yesterday + timedelta(hours=8))

    page = new_page()
    journey = Journey("4b-ended-shift", page)
    sign_in(page, email=next_week["coordinator"].email, password=DEFAULT_PASSWORD)
    page.goto(f"/shifts/shifts/{shift.pk}/")
    assert page.get_by_role("heading", name="Hours worked").is_visible()
    assert page.get_by_role("button", name="Move the shift").count() == 0
    assert page.get_by_role("button", name="Cancel the shift").count() == 0
    assert page.get_by_role("button", name="Remove").count() == 0  # refused once a shift has started
    avery = page.get_by_role("listitem").filter(has=page.get_by_text("Record hours for Avery Chen"))
    avery.get_by_text("Record hours for Avery Chen").click()
    avery.get_by_label("Why the hours are recorded by hand").fill("Phone battery died; the lead confirmed")
    journey.check("ended shift, recording hours")
    avery.get_by_role("button", name="Save hours").click()
    assert page.get_by_text("Hours recorded for Avery Chen.").is_visible()
    forgot.refresh_from_db()
    assert (forgot.status, forgot.checked_in_at, forgot.checked_out_at) == (
        Assignment.Status.COMPLETED, shift.starts_at, shift.ends_at)
    journey.check("hours recorded")


def test_the_coverage_month_fits_a_laptop_and_scrolls_in_its_own_region_on_a_phone(new_page, next_week):
    """The month of next week's team: a full, a partly filled and an empty early-morning shift on the 1st–3rd
    beside the week of drafts. At 1280 px every day fits; at 390 px the grid scrolls inside a focusable region
    with the zone column held, and a cell opens its shift."""
    from apps.core.localtime import local_moment
    from apps.core.models import Neighborhood
    from apps.scheduling.models import Team
    from tests.factories.scheduling import make_shift, place

    monday = next_week["monday"]
    team = Team.objects.get(name="Dorchester day team")
    zone = Neighborhood.objects.get(name="Roxbury")
    first = monday.replace(day=1)
    shifts = [make_shift(team=team, starts_at=local_moment(first + timedelta(days=n), time(6)), hours=3,
                         zones=[zone]) for n in range(3)]
    place(shift=shifts[0], responder=next_week["Riley"], role=PositionRole.LEAD)
    place(shift=shifts[0], responder=next_week["Avery"])
    place(shift=shifts[1], responder=next_week["Avery"])
    url = f"/shifts/coverage/?team={team.pk}&month={monday:%Y-%m}"

    page = new_page(width=1280)
    journey = Journey("4-coverage", page)
    sign_in(page, email=next_week["coordinator"].email, password=DEFAULT_PASSWORD)
    page.goto(url)
    grid = page.get_by_role("region", name="Places filled by zone and day")
    widths = grid.evaluate("el => [el.scrollWidth, el.clientWidth, el.querySelector('table').scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= 1280, widths  # every day of the month in view
    first_day = page.locator("thead th.cov-day").first
    assert [first_day.locator(".cov-wd").inner_text(), first_day.locator(".cov-dn").inner_text()] == [
        first.strftime("%a"), "1"]
    row = page.locator("table.coverage-map tbody tr").first
    assert [row.locator("td").nth(n).locator(".cov-count").inner_text() for n in range(3)] == ["2/2", "1/2", "0/2"]
    assert [row.locator("td").nth(n).locator(".cov-symbol").inner_text() for n in range(3)] == ["✓", "◐", "✗"]
    assert page.get_by_role("img", name="Fill rate and no-shows by day, %").is_visible()
    journey.check("coverage month at 1280 px")
    row.locator("td").nth(1).get_by_role("link").click()
    assert page.url.endswith(f"/shifts/shifts/{shifts[1].pk}/")

    phone = new_page(**PHONE)
    sign_in(phone, email=next_week["coordinator"].email, password=DEFAULT_PASSWORD)
    phone.goto(url)
    grid = phone.get_by_role("region", name="Places filled by zone and day")
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth")
    zone_cell = phone.locator("table.coverage-map tbody th").first
    left = zone_cell.bounding_box()["x"]
    grid.focus()
    for _ in range(3):
        phone.keyboard.press("ArrowRight")
    # the keyboard scrolls the focused region (smoothly: wait for it to move)
    phone.wait_for_function("el => el.scrollLeft > 0", arg=grid.element_handle())
    assert abs(zone_cell.bounding_box()["x"] - left) < 1  # the zone column stays put (to the half pixel)
    Journey("4-coverage-phone", phone).check("coverage month at 390 px")
