"""`make screenshots`: a full-page PNG of every main staff and resident screen, on the demo data, at a
desktop width (1280 px) and a phone's (390 px), under var/screenshots/, with an index.html that shows
them all on one page: the whole product in a minute.

It builds its own demo database (var/screenshots.sqlite3, made afresh each run, so the `make run`
database and its people's first sign-in are untouched), starts `manage.py runserver` on a free port
against it, signs in as each demo user the way a person does (email, password and, for city staff, the
second factor, from the authenticator `seed_demo --with-totp` gives them) and visits every entry
of that user's navigation plus the detail pages behind them (a shift, a solicitation's manage page, a
proposal being scored, a feedback item, ...). Residents' pages are taken signed out, in English and in
Spanish. Needs Debian's Chromium (/usr/bin/chromium) and Playwright for Python (requirements-dev.txt).
SCREENSHOTS_ONLY=<text> keeps only the screens whose file name contains the text.
"""

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "screenshots"
DATABASE = ROOT / "var" / "screenshots.sqlite3"
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
ONLY = os.environ.get("SCREENSHOTS_ONLY", "").lower()

ENV = {
    "DJANGO_SETTINGS_MODULE": "crisisprog.settings.local",
    "DATABASE_URL": f"sqlite:///{DATABASE}",
    "CACHE_URL": "locmemcache://screenshots",
    "CELERY_BROKER_URL": "memory://localhost/",
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "EMAIL_URL": "dummymail://",
    "LOG_LEVEL": "WARNING",
    "DEBUG": "1",
}

# Who is photographed, in this order: (demo email local part, label for the file names).
PEOPLE = [
    ("coordinator", "coordinator"),
    ("responder", "responder"),
    ("trainer", "trainer"),
    ("procurement", "officer"),
    ("evaluator", "evaluator"),
    ("moderator", "moderator"),
    ("admin", "admin"),
    ("program-evaluator", "program-evaluator"),
    ("dispatcher", "dispatcher"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_database() -> None:
    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    env = {**os.environ, **ENV}
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo", "--quiet", "--with-totp"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT,
        env={**os.environ, **ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the web server stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the web server did not answer /healthz within 60 s")


def staff_secrets() -> dict[str, str]:
    """Each city-staff demo user's authenticator secret (seed_demo --with-totp gave them one)."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    return {a.user.email: get_adapter().decrypt(a.data["secret"])
            for a in Authenticator.objects.filter(type=Authenticator.Type.TOTP).select_related("user")}


def detail_pages() -> dict[str, list[tuple[str, str]]]:
    """Pages behind the navigation, per person: (name, path), found in the demo data."""
    from django.urls import reverse
    from django.utils import timezone

    from apps.engagement.models import CommunitySession as Session
    from apps.engagement.models import Decision, FeedbackItem, Theme
    from apps.procurement.models import Proposal, Solicitation
    from apps.scheduling.models import Shift

    pages: dict[str, list[tuple[str, str]]] = {label: [] for _, label in PEOPLE}
    pages["resident"] = []
    now = timezone.now()
    shift = (Shift.objects.filter(team__organization__name="Neighborhood Peer Response Collective", starts_at__gte=now)
             .order_by("starts_at").first())
    if shift:
        pages["coordinator"].append(("shift", reverse("scheduling:shift-detail", args=[shift.pk])))
    for solicitation in Solicitation.objects.order_by("pk"):
        pages["officer"].append((f"manage-{solicitation.status}", reverse("procurement:solicitation-manage",
                                                                          args=[solicitation.pk])))
        pages["resident"].append((f"rfp-{solicitation.status}", reverse("procurement:solicitation-detail",
                                                                        args=[solicitation.reference])))
    # The consensus grid of the awarded RFP (every cell agreed), the scoring of the one in evaluation.
    awarded = Solicitation.objects.filter(status=Solicitation.Status.AWARDED).order_by("-pk").first()
    if awarded:
        pages["officer"].append(("consensus", reverse("procurement:consensus", args=[awarded.pk])))
    evaluating = (Solicitation.objects.filter(status=Solicitation.Status.EVALUATION).order_by("-pk").first()
                  or Solicitation.objects.filter(proposals__isnull=False).order_by("-pk").first())
    if evaluating:
        pages["evaluator"].append(("evaluation", reverse("procurement:evaluation-detail", args=[evaluating.pk])))
        proposal = (Proposal.objects.filter(solicitation=evaluating).exclude(submitted_at=None).order_by("pk")
                    .first())
        if proposal:
            pages["officer"].append(("proposal-review", reverse("procurement:proposal-review", args=[proposal.pk])))
            pages["evaluator"].append(("scoring", reverse("procurement:evaluation-proposal", args=[proposal.pk])))
    draft = Proposal.objects.filter(submitted_at=None).order_by("pk").first()
    if draft:
        pages["coordinator"].append(("proposal-editor", reverse("procurement:proposal-detail", args=[draft.pk])))
    item = FeedbackItem.objects.order_by("-pk").first()
    if item:
        pages["moderator"].append(("feedback-item", reverse("engagement:feedback-detail", args=[item.pk])))
    theme = Theme.objects.filter(parent=None).order_by("name").first()
    if theme:
        pages["moderator"].append(("theme-trend", reverse("engagement:theme-detail", args=[theme.pk])))
    decision = Decision.objects.order_by("-pk").first()
    if decision:
        pages["moderator"].append(("decision", reverse("engagement:decision-edit", args=[decision.pk])))
    session = Session.objects.filter(starts_at__gte=now, status=Session.Status.PUBLISHED).order_by("starts_at").first()
    if session:
        pages["moderator"].append(("session", reverse("engagement:staff-session-detail", args=[session.pk])))
        # One input per offered language beside each English field, "missing" where there is no text yet.
        pages["moderator"].append(("session-edit", reverse("engagement:staff-session-edit", args=[session.pk])))
        pages["resident"] += [("session", reverse("engagement:session-detail", args=[session.pk])),
                              ("register", reverse("engagement:session-register", args=[session.pk]))]
    pages["coordinator"] += roster_pages()
    # The on-duty board in large type, as on the wall of a program office.
    pages["admin"].append(("operations-board-wall", reverse("operations:board") + "?wall=1"))
    # Issue 22, DISPATCH: the service tokens' list is in the admin's user menu; the form and the revoke confirmation.
    from apps.operations.models import ServiceToken

    pages["admin"].append(("service-token-new", reverse("operations:service-token-create")))
    live = ServiceToken.objects.filter(revoked_at=None).order_by("pk").first()
    if live:
        pages["admin"].append(("service-token-revoke", reverse("operations:service-token-revoke", args=[live.pk])))
    pages["coordinator"] += encounter_pages()
    pages["resident"] = [("home", "/"), ("sessions", reverse("engagement:session-list")),
                         ("feedback", reverse("engagement:feedback-create")),
                         ("you-said-we-did", reverse("engagement:decision-public-list")),
                         ("rfps", reverse("procurement:solicitation-list"))] + pages["resident"]
    return pages


def encounter_pages() -> list[tuple[str, str]]:
    """ENCOUNTERS (operations): the phone form and the newest encounter of the coordinator's organization."""
    from django.urls import reverse

    from apps.accounts.management.commands.seed_demo import DOMAIN
    from apps.accounts.models import User
    from apps.operations.encounters import encounter_list

    coordinator = User.objects.get(email=f"coordinator@{DOMAIN}")
    pages = [("encounter-form", reverse("operations:encounter-create"))]
    newest = encounter_list(user=coordinator).first()
    if newest:
        pages.append(("encounter", reverse("operations:encounter-detail", args=[newest.pk])))
    return pages


def roster_pages() -> list[tuple[str, str]]:
    """An auto-roster run of the Collective's teams for the first two weeks of next month, solved here (Celery
    runs eagerly for the screenshots): its proposal, the confirmation, the board drawing it, the targets."""
    from datetime import timedelta
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils import timezone

    from apps.accounts.management.commands.seed_demo import DOMAIN
    from apps.accounts.models import User
    from apps.scheduling.board import board_monday
    from apps.scheduling.forms import next_month
    from apps.scheduling.models import RosterRun, Team
    from apps.scheduling.roster.services import roster_start

    coordinator = User.objects.get(email=f"coordinator@{DOMAIN}")
    teams = list(Team.objects.filter(organization__name="Neighborhood Peer Response Collective", is_active=True))
    if not teams:
        return []
    first, _last = next_month(timezone.localdate())
    run = roster_start(by=coordinator, teams=teams, starts_on=first, ends_on=first + timedelta(days=13),
                       time_limit=20)
    run = RosterRun.objects.get(pk=run.pk)
    board = reverse("scheduling:board") + "?" + urlencode({"week": board_monday(first).isoformat(), "span": 2,
                                                           "proposal": run.pk})
    return [("roster-run", reverse("scheduling:roster-run", args=[run.pk])),
            ("roster-accept", reverse("scheduling:roster-run-accept", args=[run.pk])),
            ("roster-board-proposal", board), ("roster-people", reverse("scheduling:roster-people"))]


def navigation_pages(email: str) -> list[tuple[str, str]]:
    from apps.accounts.models import User
    from apps.core.registry import navigation_for

    user = User.objects.get(email=email)
    return [(item["key"], item["url"]) for item in navigation_for(user)]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def main() -> int:
    if not os.access(CHROMIUM, os.X_OK):
        print(f"make screenshots needs Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    os.environ.update(ENV)
    print("screenshots: building the demo database (var/screenshots.sqlite3)", flush=True)
    build_database()
    import django

    django.setup()
    from apps.accounts.management.commands.seed_demo import DEMO_PASSWORD, DOMAIN
    from tests.browser.conftest import CHROMIUM_ARGS
    from tests.browser.helpers import fresh_totp_code

    secrets = staff_secrets()
    details = detail_pages()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    taken: list[tuple[str, str, str, str]] = []  # (who, screen, width, file)
    failures: list[str] = []
    # Every address is found before Playwright starts: its event loop makes the ORM refuse to run.
    visits: list[tuple[str, str | None, list[tuple[str, str]], str]] = [
        ("resident", None, details["resident"], "en"), ("resident-es", None, details["resident"], "es"),
        ("resident-ar", None, details["resident"], "ar")]
    for local, label in PEOPLE:
        email = f"{local}@{DOMAIN}"
        visits.append((label, email, navigation_pages(email) + details.get(label, []), "en"))
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for number, (who, email, screens, language) in enumerate(visits, start=1):
                wanted = [(name, path) for name, path in screens
                          if not ONLY or ONLY in f"{number:02d}-{who}-{slug(name)}"]
                if not wanted:
                    continue
                context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                page = context.new_page()
                if email:
                    sign_in(page, email, DEMO_PASSWORD, secrets.get(email), fresh_totp_code)
                seen = set()
                for name, path in wanted:
                    if path in seen:
                        continue
                    seen.add(path)
                    for width_name, (width, height) in WIDTHS.items():
                        page.set_viewport_size({"width": width, "height": height})
                        response = page.goto(path, wait_until="networkidle")
                        status = response.status if response else 0
                        file = f"{number:02d}-{who}-{slug(name)}-{width_name}.png"
                        page.screenshot(path=str(OUT / file), full_page=True)
                        taken.append((who, name, width_name, file))
                        if status >= 400:
                            failures.append(f"{who} {path}: HTTP {status}")
                print(f"screenshots: {who}: {len(seen)} screens", flush=True)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    write_index(taken)
    print(f"screenshots: {len(taken)} images in {OUT.relative_to(ROOT)}/ — open {OUT.relative_to(ROOT)}/index.html")
    for failure in failures:
        print(f"screenshots: {failure}", file=sys.stderr)
    return 1 if failures else 0


def sign_in(page, email: str, password: str, secret: str | None, code_for) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    if secret:
        page.get_by_label(re.compile("^Code")).fill(code_for(secret))
        page.get_by_role("main").get_by_role("button", name=re.compile("^Sign in$", re.I)).click()
    page.get_by_role("button", name="Sign out", include_hidden=True).wait_for(state="attached")


def write_index(taken: list[tuple[str, str, str, str]]) -> None:
    rows = []
    for who, name, width, file in taken:
        rows.append(f'<figure class="{width}"><a href="{html.escape(file)}"><img src="{html.escape(file)}" '
                    f'alt="{html.escape(who)}: {html.escape(name)} ({width})" loading="lazy"></a>'
                    f"<figcaption>{html.escape(who)} · {html.escape(name)} · {width}</figcaption></figure>")
    (OUT / "index.html").write_text(
        "<!doctype html><html lang=en><meta charset=utf-8><title>crisisprog screenshots</title>"
        "<style>body{font:14px system-ui;margin:1rem}main{display:flex;flex-wrap:wrap;gap:1rem;"
        "align-items:flex-start}figure{margin:0}img{display:block;border:1px solid #ccc;"
        "max-height:480px}.desktop img{width:320px;object-fit:cover;object-position:top}.phone img"
        "{width:130px;object-fit:cover;object-position:top}figcaption{max-width:320px}</style>"
        "<h1>crisisprog: every main screen on the demo data</h1><main>" + "".join(rows) + "</main>",
        encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
