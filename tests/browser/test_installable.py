"""A responder's phone keeps crisisprog on its home screen: the service worker installs from any page, and
with the connection gone a page opens as the offline page (which says so and gives 988 and 911) instead of
the browser's error, without any page someone saw being kept on the phone."""

import pytest

from apps.accounts.roles import Role
from tests.browser.helpers import Journey, sign_in
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_offline_a_page_opens_as_the_offline_page_and_nothing_personal_is_cached(new_page):
    responder = user_with_role(Role.RESPONDER, full_name="Riley Santos")
    page = new_page(width=390, height=844)
    journey = Journey("installable-offline", page)
    sign_in(page, email=responder.email, password=DEFAULT_PASSWORD)
    page.wait_for_function("async () => (await navigator.serviceWorker.ready).active !== null")
    page.reload()  # the worker takes control of the pages opened after it is active
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.goto("/shifts/")
    assert page.get_by_role("heading", level=1).inner_text() == "You are offline"
    assert "call or text 988" in page.get_by_role("complementary").inner_text()
    journey.check("offline page")

    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
        }
        return urls.sort();
    }""")
    assert cached == ["/offline/", "/static/css/app.css", "/static/favicon.svg",
                      "/static/vendor/uswds/css/uswds.min.css"]

    page.context.set_offline(False)
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello, Riley")
