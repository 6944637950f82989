"""Arabic, right to left, on a 320 px phone (issue 23, Done means): every public page has dir="rtl" and
no horizontal scrolling (document.documentElement.scrollWidth <= 320), and the phone's language menu
opens and switches language without leaving the page's width."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _public_urls() -> list[str]:
    from apps.engagement.models import CommunitySession
    from apps.procurement.models import Solicitation

    session = CommunitySession.objects.filter(status=CommunitySession.Status.PUBLISHED).order_by("starts_at").first()
    solicitation = Solicitation.objects.exclude(status="draft").order_by("pk").first()
    urls = ["/", "/sessions/", "/feedback/", "/feedback/?topic=translation", "/you-said-we-did/", "/procurement/",
            "/privacy/forget/", "/no-such-page/"]
    if session is not None:
        urls += [f"/sessions/{session.pk}/", f"/sessions/{session.pk}/register/"]
    if solicitation is not None:
        urls.append(f"/procurement/s/{solicitation.reference}/")
    return urls


def _sticking_out(page) -> list[str]:
    """The innermost elements past either edge of the window (right to left, overflow goes left)."""
    return page.evaluate("""() => {
      const out = [];
      const outside = (r) => r.left < -1 || r.right > window.innerWidth + 1;
      for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (outside(r) && r.width > 0 && ![...el.children].some(c => outside(c.getBoundingClientRect())))
          out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : ""));
      }
      return out.slice(0, 8);
    }""")


def test_arabic_public_pages_are_rtl_and_fit_320_px(new_page, demo):
    page = new_page(width=320, height=800, locale="ar")
    urls = _public_urls()
    assert len(urls) >= 10, urls
    for url in urls:
        page.goto(url)
        assert page.locator("html").get_attribute("dir") == "rtl", url
        assert page.locator("html").get_attribute("lang") == "ar", url
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{url} is {width} px wide at 320 px: {_sticking_out(page)}"


def test_the_phone_language_menu_switches_without_javascript_help(new_page, demo):
    page = new_page(width=320, height=800, locale="ar")
    page.goto("/sessions/")
    page.locator("details.site-language-toggle > summary").click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.locator("details.site-language-toggle").get_by_role("button", name="Kreyòl ayisyen").click()
    assert page.locator("html").get_attribute("lang") == "ht"
    assert page.locator("html").get_attribute("dir") == "ltr"
