"""The checks the journeys rely on do catch what they are for."""

import pytest

from tests.browser.helpers import assert_accessible, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_axe_and_reflow_checks_catch_a_broken_page(new_page):
    page = new_page(width=320, height=640)
    page.goto("/")
    assert_accessible(page, "checks/home")
    assert horizontal_overflow(page) == 0

    page.evaluate("""() => {
      const img = document.createElement("img");
      img.src = "/static/favicon.svg";
      document.querySelector("main").append(img);
      const wide = document.createElement("div");
      wide.className = "brand";
      wide.textContent = "x".repeat(400);
      document.querySelector("main").append(wide);
    }""")
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        assert_accessible(page, "checks/broken")
    assert horizontal_overflow(page) > 0
