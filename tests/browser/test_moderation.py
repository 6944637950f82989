"""Journey 8: a moderator triages feedback and publishes a decision. From the navigation to the queue,
filtered by words of the text; an item moderated and coded in one step lands on the next item of the
same filtered queue; a decision links that feedback through the picker (matches listed as one types)
and is published from its preview. At a desktop's 1280 px and a phone's 390 px, with axe on every
page, and the queue at 320 px."""

import re

import pytest

from apps.engagement.models import Decision, FeedbackItem
from tests.browser.helpers import Journey, assert_accessible, follow_nav, horizontal_overflow, sign_in
from tests.factories import DEFAULT_PASSWORD, enable_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_moderator_triages_feedback_and_publishes_a_decision(new_page, demo, width):
    moderator = demo["users"]["moderator"]
    moderator.authenticator_set.all().delete()
    secret = enable_totp(moderator)
    # The demo's pending comments about night coverage, in the queue's order (newest first).
    night = list(FeedbackItem.objects.filter(status="pending", text__icontains="night")
                 .order_by("-safety_flag", "-created_at", "-id").values_list("pk", flat=True))
    assert len(night) >= 2

    page = new_page(width=width, height=900)
    journey = Journey(f"8-moderation-{width}", page)
    sign_in(page, email=moderator.email, password=DEFAULT_PASSWORD, totp_secret=secret)

    follow_nav(page, "Feedback queue")
    page.get_by_role("heading", name="Feedback queue", level=1).wait_for()
    journey.check("queue")

    if width < 640:
        # On a phone the filters fold behind the "Filters" button (a USWDS accordion).
        assert page.get_by_label("Search the text").is_visible() is False
        page.get_by_role("button", name="Filters", exact=True).click()
    page.get_by_label("Search the text").fill("night")
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_url(re.compile(r"q=night"))
    rows = page.get_by_role("region", name="Feedback queue").get_by_role("row")
    assert rows.count() == len(night) + 1  # the header row and one per comment
    journey.check("queue filtered")
    if width == 1280:
        # The queue at a 320 px window (WCAG 1.4.10): the table scrolls in its region, the page does not.
        page.set_viewport_size({"width": 320, "height": 900})
        assert horizontal_overflow(page) == 0
        assert_accessible(page, "8-moderation/queue at 320 px")
        page.set_viewport_size({"width": width, "height": 900})

    page.get_by_role("link", name=f"Open feedback #{night[0]}").click()
    page.get_by_role("heading", name=f"Feedback #{night[0]}").wait_for()
    journey.check("item")
    page.get_by_role("radio", name="Publish").check()
    page.get_by_role("checkbox", name="Hours and coverage").check()
    page.get_by_role("button", name="Save and next").click()

    # The next comment of the same filtered queue, with the filters still in the address.
    page.get_by_role("heading", name=f"Feedback #{night[1]}").wait_for()
    assert "q=night" in page.url
    assert page.get_by_role("status").filter(has_text=f"Feedback #{night[0]} saved.").count() == 1
    journey.check("next item")
    first = FeedbackItem.objects.get(pk=night[0])
    assert (first.status, [t.name for t in first.themes.all()]) == ("approved", ["Hours and coverage"])

    follow_nav(page, "Decisions")
    page.get_by_role("link", name="New decision").click()
    page.get_by_label("What residents said (English)").fill("Teams at night")
    # Each field's other languages are folded under it, saying how many are missing.
    page.locator("summary", has_text="What residents said in other languages: 11 of 11 missing").click()
    page.get_by_label("What residents said (Spanish)").fill("Equipos de noche")
    page.get_by_label("What the city did (English)").fill("Two night teams from January.")
    page.locator("summary", has_text="What the city did in other languages").click()
    page.get_by_label("What the city did (Spanish)").fill("Dos equipos nocturnos desde enero.")
    page.get_by_label("Outcome").select_option("adopted")
    page.get_by_label("Decided on").fill("11/20/2026")  # the USWDS date picker's format
    # Typing lists the matches (picker.js); ticking one moves it to the linked list.
    page.get_by_label("Search published feedback").fill("night")
    page.locator("#picker-results-status").filter(has_text="1 match.").wait_for()
    match = page.locator("#picker-results").get_by_role("checkbox", name=re.compile(f"#{night[0]} "))
    match.check()
    linked = page.get_by_role("list", name="Linked to this decision")
    linked.get_by_role("checkbox", name=re.compile(f"#{night[0]} ")).wait_for()
    page.locator("#picker-results-status").filter(has_text="No other published feedback matches").wait_for()
    journey.check("decision form with the picker")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("status").filter(has_text="Decision saved.").wait_for()
    decision = Decision.objects.get(title="Teams at night")
    assert list(decision.feedback_items.values_list("pk", flat=True)) == [night[0]]
    assert page.get_by_role("list", name="Linked to this decision").get_by_role("checkbox").count() == 1

    page.get_by_role("link", name="Preview and publish").click()
    page.get_by_role("heading", name="Preview before publishing").wait_for()
    assert page.get_by_role("heading", name="Teams at night").count() == 1
    assert page.get_by_role("heading", name="Equipos de noche").count() == 1
    journey.check("preview")
    decision.refresh_from_db()
    assert decision.is_published is False
    if width == 1280:
        page.get_by_role("button", name="Publish", exact=True).click()  # the preview page asks and publishes
    else:
        # With JavaScript the form's "Publish" opens the confirmation modal, which publishes.
        page.get_by_role("link", name="Back to edit").click()
        page.get_by_role("button", name="Publish", exact=True).click()
        dialog = page.get_by_role("dialog", name="Publish this decision?")
        # (the dialog's wrapper has no box of its own: its heading shows that it is open)
        dialog.get_by_role("heading", name="Publish this decision?").wait_for()
        journey.check("publish confirmation")
        dialog.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("status").filter(has_text="Published on the public report-back page.").wait_for()
    journey.check("published")
    decision.refresh_from_db()
    assert decision.is_published is True
