"""A responder on a 390 px phone: the next shift is the dashboard's first card and says when check-in
opens; My shifts is an agenda by week with hours; Check in waits for its window; dropping a shift goes
through a page that says what happens and offers a swap instead."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.scheduling.models import Assignment
from tests.browser.helpers import Journey, follow_nav, sign_in
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, user_with_role
from tests.factories.scheduling import TeamFactory, make_shift, place
from tests.factories.training import CourseFactory, TrainingRecordFactory, requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_responder_sees_the_next_shift_first_and_drops_one_through_a_confirmation(new_page):
    collective = OrganizationFactory(name="Neighborhood Peer Response Collective", slug="collective")
    riley = user_with_role(Role.RESPONDER, collective, email="riley@collective.example", full_name="Riley Santos")
    user_with_role(Role.COORDINATOR, collective, email="jordan@collective.example", full_name="Jordan Baptiste")
    cpr = CourseFactory(code="cpr", title="CPR and First Aid", renewal_months=24)
    requirement(courses=[cpr], role="responder")
    requirement(courses=[cpr], role="team_lead", min_field_hours=120)
    TrainingRecordFactory(responder=riley, organization=collective, course=cpr,
                          completed_on=timezone.localdate() - timedelta(days=30))
    team = TeamFactory(organization=collective, name="Dorchester day team")
    # Days ahead at 10:00, whatever the hour the suite runs: check-in is not open yet for either.
    first_day = timezone.localdate() + timedelta(days=3)
    starts = [timezone.make_aware(timezone.datetime.combine(first_day + timedelta(days=d),
                                                            timezone.datetime.min.time().replace(hour=10)))
              for d in (0, 8)]
    first, later = (place(shift=make_shift(team=team, starts_at=s), responder=riley) for s in starts)

    page = new_page(width=390, height=844)
    journey = Journey("responder-phone", page)
    sign_in(page, email=riley.email, password=DEFAULT_PASSWORD)
    card = page.locator(".usa-card").first
    assert card.get_by_role("heading").inner_text() == "My next shift"
    assert "Check-in opens" in card.inner_text()
    journey.check("dashboard")

    follow_nav(page, "My shifts")
    headings = page.locator(".agenda-week h2").all_inner_texts()
    assert len(headings) == 2 and all(re.search(r"1 shift, 8 h$", h) for h in headings)
    check_in = page.get_by_role("button", name="Check in").first
    assert check_in.is_disabled()
    journey.check("my shifts")

    page.get_by_role("link", name=re.compile("^Drop this shift")).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Drop this shift?"
    assert page.get_by_role("button", name="Offer for swap").is_visible()
    journey.check("drop confirmation")
    page.get_by_label("Reason (optional)").fill("Family matter")
    page.get_by_role("button", name="Drop this shift").click()
    assert "The assignment is cancelled." in page.get_by_role("main").inner_text()
    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.status, later.status) == (Assignment.Status.CANCELLED, Assignment.Status.ASSIGNED)

    # The notice of it: one line in a compact inbox, the whole message on demand.
    follow_nav(page, re.compile("^Notifications"))
    item = page.locator(".inbox-item").first
    assert "http" not in item.locator(".inbox-summary").inner_text()
    item.get_by_text("Whole message").click()
    assert item.locator(".inbox-full a").count() >= 1
    journey.check("notifications")

    # What each role asks: cleared as a responder, what leading a team still needs.
    follow_nav(page, "My training")
    table = page.get_by_role("table", name="What each role asks")
    assert "✓ Cleared" in table.get_by_role("row", name=re.compile("^Responder")).inner_text()
    assert "0 of 120 supervised field hours" in table.get_by_role("row", name=re.compile("^Team lead")).inner_text()
    journey.check("my training")
