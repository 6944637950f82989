"""What every journey does: screenshots of its steps, axe-core on every page it visits, the 320 px reflow
check, keyboard-only movement, signing in (with the second factor city staff have)."""

import re
from pathlib import Path
from urllib.parse import urlparse

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.browser.conftest import ARTIFACTS

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
# Every page axe looked at in this run, with the violations it found (any impact): reported in
# test-artifacts/browser/axe-pages.json at the end of the session.
CHECKED: dict[str, list] = {}

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {passed: result.passes.length, violations: result.violations.map(v => ({id: v.id, impact: v.impact,
    help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary)}))};
}"""


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page. The site's CSP allows only its own scripts, so the library is evaluated
    through the DevTools protocol (which CSP does not govern) rather than added as an inline <script>."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(_RUN_AXE, AXE_TAGS)
    # A page where axe checked nothing means the check did not run (an error page, a blank document).
    assert result["passed"] >= 10, f"axe passed only {result['passed']} rules on {page.url}"
    return result["violations"]


def assert_accessible(page, label: str = "") -> None:
    """Zero serious or critical WCAG 2.2 AA violations on the page as it stands, once its transitions have run
    (a USWDS dialog fades in: mid-fade its button's colours are not yet the ones a person reads)."""
    page.evaluate("""() => Promise.all(document.getAnimations()
        .filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity).map((a) => a.finished))""")
    violations = axe_violations(page)
    path = urlparse(page.url).path
    CHECKED.setdefault(f"{label or path} ({page.viewport_size['width']}px)", []).extend(
        {"id": v["id"], "impact": v["impact"]} for v in violations)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"axe found serious/critical violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in blocking)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when it reflows)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def overflowing(page) -> list[str]:
    """The innermost elements that stick out past the window's right edge: what to fix when a page scrolls."""
    return page.evaluate("""() => {
      const out = [];
      for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        const sticksOut = r.right > window.innerWidth + 0.5 && ![...el.children].some(c =>
            c.getBoundingClientRect().right > window.innerWidth + 0.5);
        const textSpills = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible"
            && r.right + el.scrollWidth - el.clientWidth > window.innerWidth + 0.5;
        if (sticksOut || textSpills) {
          out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).replace(/ +/g, ".") : "")
                   + " «" + (el.innerText || "").slice(0, 40) + "» right=" + Math.round(r.right));
        }
      }
      return out.slice(0, 8);
    }""")


class Journey:
    """Screenshots of a journey's key steps in test-artifacts/browser/<name>/NN-step.png, and axe on
    every page the journey stops at."""

    def __init__(self, name: str, page):
        self.page = page
        self.directory = ARTIFACTS / name
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("*.png"):
            old.unlink()
        self.step = 0

    def check(self, step: str) -> None:
        """Screenshot, then axe and the reflow check: the picture shows the page the problems were found on."""
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        self.page.screenshot(path=str(self.directory / f"{self.step:02d}-{slug}.png"), full_page=True)
        assert_accessible(self.page, f"{self.directory.name}/{slug}")
        assert horizontal_overflow(self.page) == 0, (
            f"{self.page.url} scrolls sideways at its window width: {overflowing(self.page)}")
        # Every page a journey visits must also reflow in a 320 px window (WCAG 1.4.10).
        size = self.page.viewport_size
        if size["width"] > 320:
            self.page.set_viewport_size({"width": 320, "height": size["height"]})
            try:
                assert horizontal_overflow(self.page) == 0, (
                    f"{self.page.url} scrolls sideways at 320 px: {overflowing(self.page)}")
            finally:
                self.page.set_viewport_size(size)


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


_used_codes: dict[str, str] = {}


def fresh_totp_code(secret: str) -> str:
    """A code not yet used: allauth refuses a code used before (replay), so a second sign-in within
    the same 30-second step waits for the next step, as a person would wait for their app."""
    import time

    from allauth.mfa import app_settings

    code = totp_code(secret)
    if _used_codes.get(secret) == code:
        period = app_settings.TOTP_PERIOD
        time.sleep(period - time.time() % period + 0.5)
        code = totp_code(secret)
    _used_codes[secret] = code
    return code


def sign_in(page, *, email: str, password: str, totp_secret: str | None = None) -> None:
    """From the home page, as a person does: the header's sign-in link, the form, the second factor."""
    page.goto("/")
    follow_nav(page, "Staff sign in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    if totp_secret is not None:
        page.get_by_label(re.compile("^Code")).fill(fresh_totp_code(totp_secret))
        page.get_by_role("main").get_by_role("button", name=re.compile("^Sign in$", re.I)).click()
    # Sign out sits in the user menu, folded until opened: signed in once the page has it.
    page.get_by_role("button", name="Sign out", include_hidden=True).wait_for(state="attached")


def sign_out(page) -> None:
    reveal(page.get_by_role("button", name="Sign out", include_hidden=True)).click()
    page.get_by_role("link", name="Staff sign in", include_hidden=True).wait_for(state="attached")


def reveal(locator):
    """Open, as a person does, what hides `locator` in the USWDS header: on a phone the "Menu" drawer, then the
    group (the accordion button whose aria-controls names the list the link is in). Returns the locator."""
    page = locator.page
    in_nav = locator.locator("xpath=ancestor::nav[contains(@class, 'usa-nav')]").count() > 0
    menu_button = page.locator(".usa-menu-btn")
    if in_nav and menu_button.is_visible() and page.locator("nav.usa-nav.is-visible").count() == 0:
        menu_button.click()
    submenu = locator.locator("xpath=ancestor::ul[contains(@class, 'usa-nav__submenu')]")
    if submenu.count() and not submenu.is_visible():
        page.locator(f'button[aria-controls="{submenu.get_attribute("id")}"]').click()
    return locator


def follow_nav(page, name: str | re.Pattern, *, exact: bool = True) -> None:
    """Follow a link of the main navigation: open the menu and group it is in, then click it. A group the
    user sees one entry of is a plain link, so the journey does not need to know which it is."""
    nav = page.locator("nav.usa-nav")  # by its class: its name is "Main" only in English
    link = nav.get_by_role("link", name=name, exact=exact if isinstance(name, str) else None, include_hidden=True)
    reveal(link).click()


def open_user_menu(page) -> None:
    """Open the account menu (and on a phone the "Menu" around it)."""
    reveal(page.get_by_role("button", name="Sign out", include_hidden=True))


def tab_to(page, name: str | re.Pattern, *, limit: int = 80, shift: bool = False) -> dict:
    """Press Tab until the focused element's accessible name matches; return what has focus. Fails when the
    element is never reached (not focusable, hidden from the tab order) or has no visible focus indicator."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(rf"^\s*{re.escape(name)}\s*$")
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        focused = page.evaluate(_FOCUSED)
        seen.append(focused["name"])
        if focused["name"] and pattern.search(focused["name"]):
            assert focused["outline"] != "none" or focused["boxShadow"] != "none", (
                f"{focused['name']!r} has focus but no visible focus indicator")
            return focused
    raise AssertionError(f"Tab never reached {pattern.pattern!r}; focus went through {seen}")


_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: "", tag: "", outline: "none", boxShadow: "none"};
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const style = getComputedStyle(el);
  return {name: (el.getAttribute("aria-label") || label || el.innerText || el.value || "").trim(),
          tag: el.tagName.toLowerCase(), outline: style.outlineStyle, boxShadow: style.boxShadow};
}"""


def collective_crew() -> dict:
    """The scheduling journeys' people: the Collective's coordinator Jordan and three responders — Riley
    cleared to lead, Avery to respond, Quinn with no training on record (CPR for responders, CPR and CIT for
    team leads, taken a month ago)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from apps.accounts.roles import Role
    from tests.factories import OrganizationFactory, user_with_role
    from tests.factories.training import CourseFactory, TrainingRecordFactory, requirement

    collective = OrganizationFactory(name="Neighborhood Peer Response Collective", slug="collective")
    coordinator = user_with_role(Role.COORDINATOR, collective, email="jordan@collective.example",
                                 full_name="Jordan Baptiste")
    people = {name: user_with_role(Role.RESPONDER, collective, email=f"{name.lower()}@collective.example",
                                   full_name=f"{name} {surname}")
              for name, surname in (("Riley", "Santos"), ("Avery", "Chen"), ("Quinn", "Pierre"))}
    cpr = CourseFactory(code="cpr", title="CPR and First Aid", renewal_months=24)
    cit = CourseFactory(code="cit", title="Crisis Intervention Team", renewal_months=None, hours=Decimal("40"))
    requirement(courses=[cpr], role="responder")
    requirement(courses=[cpr, cit], role="team_lead")
    completed = timezone.localdate() - timedelta(days=30)
    for name, courses in (("Riley", (cpr, cit)), ("Avery", (cpr,))):
        for course in courses:
            TrainingRecordFactory(responder=people[name], organization=collective, course=course,
                                  completed_on=completed)
    return {"collective": collective, "coordinator": coordinator, **people}


def check_wide_and_narrow(journey: "Journey", step: str) -> None:
    """The journey's screenshot, axe and reflow at 1280 px, then axe again in a 390 px phone window."""
    journey.check(step)
    page = journey.page
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        assert_accessible(page, f"{journey.directory.name}/{step}")
    finally:
        page.set_viewport_size(size)
