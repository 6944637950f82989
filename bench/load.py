"""Benchmark: residents' public writes under load, behind gunicorn, beside a bare Django view.

Run by `make bench` (PostgreSQL and Redis on this machine, wrk installed). Starts gunicorn on
loopback with the production configuration (gunicorn.conf.py: workers and threads for this
machine's cores) and crisisprog.settings.bench: production settings (DEBUG off, PostgreSQL, Redis
cache and broker, persistent connections, TRUSTED_PROXY_COUNT=1, the real per-client rate limits)
plus one bare view that returns "ok" without touching the database. Then, with wrk at a fixed
number of connections, for each endpoint a short warm-up and a fixed-duration run:

- GET /bench/bare/ (the floor: gunicorn, Django's middleware, no database);
- POST /feedback/ (the public feedback form, CSRF cookie and token from one GET, reused);
- POST /sessions/<pk>/register/ (the public registration form, a distinct email per request, on a
  session made for the run with enough seats for all of them);
- POST /ops/encounters/new/ (the encounter form a team sends after a call, issue 22: signed in as the
  coordinator of a nonprofit made for the benchmark, each request a new idempotency key).

Each request carries a distinct X-Forwarded-For address (bench/load/*.lua): many residents, each
under the per-client limit, which stays on (X-Forwarded-Proto https, as the TLS proxy sends it).
Success is each endpoint's own: the thank-you page (200 without the form), the redirect to the
registration (302), "ok". Rows are counted before and after each wrk run (once the server has
finished): the increase must equal the accepted requests plus the requests wrk left in flight when
it stopped, which gunicorn's access log counts (var/bench-load-gunicorn.log). Afterwards the rows
the load made are deleted (feedback by its text marker, the run's session with its registrations
and their notifications), so `seed_scale`'s count check in bench/pages.py is unchanged; the audit
events stay (the audit log is append-only). Prints one table and merges {"load": {...}} into
bench/results.json.

Audited writes insert their events unsealed (apps/core/audit.py); while wrk runs, a thread of this
process seals the chain every AUDIT_SEAL_INTERVAL_SECONDS as beat's sealer does in production, so its
cost is on the machine during the measurement. After each run the rest is sealed and the audit
events the run made (its action, ids past the run's start) must equal the rows it made, which equal
the accepted requests plus those in flight: no event lost or written twice. Then the chain's new
stretch is verified.

Targets (issue 24), in the same run as the bare view: feedback at least 450 accepted requests/s with
p99 under 100 ms and no errors, registrations at least 200 accepted/s with no errors, encounters
(issue 22) at least 200 accepted/s with no errors, and for each one row and one audit event per
accepted request. Environment: BENCH_DATABASE_URL, BENCH_CACHE_URL
(Redis db 13), BENCH_BROKER_URL (Redis db 11), BENCH_LOAD_SECONDS (20), BENCH_LOAD_WARMUP_SECONDS (3),
BENCH_LOAD_CONNECTIONS (16), BENCH_LOAD_THREADS (2), AUDIT_SEAL_INTERVAL_SECONDS (2).
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crisisprog_bench")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/13")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11")
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))
WARMUP_SECONDS = int(os.environ.get("BENCH_LOAD_WARMUP_SECONDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_LOAD_THREADS", "2"))
TARGET_RPS = 450.0
TARGET_P99_MS = 100.0
TARGET_REGISTRATION_RPS = 200.0
TARGET_ENCOUNTER_RPS = 200.0
SEAL_INTERVAL = int(os.environ.get("AUDIT_SEAL_INTERVAL_SECONDS", "2"))
STATIC_ROOT = ROOT / "var" / "bench-static"
GUNICORN_LOG = ROOT / "var" / "bench-load-gunicorn.log"
# Markers of what the load writes, deleted afterwards (also what an interrupted run left behind).
FEEDBACK_MARKER = "[load-bench"
EMAIL_DOMAIN = "load-bench.invalid"
ORGANIZATION_SLUG = "load-bench-city"
SESSION_TITLE = "Load benchmark session"
ENCOUNTER_ORGANIZATION_SLUG = "load-bench-nonprofit"
ENCOUNTER_COORDINATOR = "coordinator@load-bench.invalid"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(port: int) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "crisisprog.settings.bench",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": CACHE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "DB_CONN_MAX_AGE": "60",
        # Production runs behind one TLS-terminating proxy that appends the client's address.
        "TRUSTED_PROXY_COUNT": "1",
        "STATIC_ROOT": str(STATIC_ROOT),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "SITE_URL": f"https://127.0.0.1:{port}",
    }


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ}, check=True)  # noqa: S603


def collect_static() -> None:
    """Production serves the hashed, compressed files of the manifest storage; collect them once
    (again when a project static file or the pinned packages are newer than the manifest)."""
    manifest = STATIC_ROOT / "staticfiles.json"
    sources = [p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file()]
    sources += [(ROOT / name).stat().st_mtime for name in ("requirements.txt", "requirements-dev.txt")]
    if manifest.exists() and manifest.stat().st_mtime >= max(sources, default=0):
        return
    manage("collectstatic", "--noinput", "-v", "0")


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    return path


def cleanup() -> dict[str, int]:
    """Delete everything a load run makes (and whatever an interrupted run left)."""
    from django.db import transaction

    from apps.engagement.models import CommunitySession, FeedbackItem, Registration
    from apps.notifications.models import Notification
    from apps.operations.models import Encounter

    with transaction.atomic():
        sessions = list(CommunitySession.objects.filter(organization__slug=ORGANIZATION_SLUG,
                                                        title=SESSION_TITLE).values_list("pk", flat=True))
        notifications = 0
        for pk in sessions:
            notifications += Notification.objects.filter(
                dedupe_key__startswith=f"engagement.registration:{pk}:").delete()[0]
        registrations = Registration.objects.filter(session_id__in=sessions).delete()[0]
        feedback = FeedbackItem.objects.filter(text__startswith=FEEDBACK_MARKER).delete()[0]
        CommunitySession.objects.filter(pk__in=sessions).delete()
        encounters = Encounter.objects.filter(organization__slug=ENCOUNTER_ORGANIZATION_SLUG).delete()[0]
    return {"feedback_items": feedback, "registrations": registrations, "notifications": notifications,
            "encounters": encounters}


def make_session(capacity: int):
    """A published session a month away, in the benchmark's own department, with a seat for everyone."""
    from django.utils import timezone

    from apps.accounts.models import Organization, OrganizationKind
    from apps.core.models import Neighborhood
    from apps.engagement.models import CommunitySession

    # Kept between runs: the audit events of the registrations point at it (the log is append-only).
    organization, _ = Organization.objects.get_or_create(
        slug=ORGANIZATION_SLUG,
        defaults={"name": "Load Benchmark Department", "kind": OrganizationKind.CITY_DEPARTMENT})
    starts = timezone.now() + timedelta(days=30)
    return CommunitySession.objects.create(
        organization=organization, kind=CommunitySession.Kind.LISTENING, status=CommunitySession.Status.PUBLISHED,
        title=SESSION_TITLE,
            translations={"es": {"title": "Sesión de prueba de carga",
                                 "description": "Creada y borrada por bench/load.py."}},
        description="Made and deleted by bench/load.py.",
        neighborhood=Neighborhood.objects.order_by("pk").first(), venue_name="Branch library",
        starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=capacity, published_at=timezone.now())


def encounter_scene():
    """The benchmark's nonprofit and its coordinator (kept between runs: the audit events point at them), and a
    zone to record in."""
    from apps.accounts.models import Membership, Organization, OrganizationKind, User
    from apps.accounts.roles import Role
    from apps.core.models import Neighborhood

    organization, _ = Organization.objects.get_or_create(
        slug=ENCOUNTER_ORGANIZATION_SLUG,
        defaults={"name": "Load Benchmark Nonprofit", "kind": OrganizationKind.NONPROFIT})
    user = User.objects.filter(email=ENCOUNTER_COORDINATOR).first() or User.objects.create_user(
        email=ENCOUNTER_COORDINATOR, password=secrets.token_urlsafe(20), full_name="Load Coordinator")
    Membership.objects.get_or_create(user=user, organization=organization, role=Role.COORDINATOR)
    return user, Neighborhood.objects.filter(is_active=True).order_by("pk").first()


def signed_in_form(port: int, user, path: str) -> tuple[str, str, str]:
    """A session for `user` (as signing in makes one) and the CSRF cookie and token of the form at `path`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.2", "Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (a fixed http://127.0.0.1 URL)
        cookies, body = " ".join(response.headers.get_all("Set-Cookie") or []), response.read().decode()
    cookie = re.search(r"csrftoken=([A-Za-z0-9]+)", cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', body)
    if cookie is None or token is None:
        raise SystemExit(f"GET {path} signed in gave no CSRF cookie or no token in its form")
    return cookie.group(1), token.group(1), session


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    log = GUNICORN_LOG.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "crisisprog.wsgi:application", "--config", "gunicorn.conf.py"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {GUNICORN_LOG}")
        try:
            status, _, _ = fetch(port, "/bench/bare/")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(process)
    raise SystemExit(f"gunicorn did not answer in 60 s; see {GUNICORN_LOG}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the master and its workers
        try:
            process.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def gunicorn_settings() -> dict:
    """What gunicorn.conf.py configures on this machine (the same file the server was started with)."""
    import runpy

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {k: conf[k] for k in ("workers", "threads", "max_requests", "timeout")} | {
        "worker_class": "gthread" if conf["threads"] > 1 else "sync"}


def fetch(port: int, path: str) -> tuple[int, dict, str]:
    """One GET as the proxy forwards it (https, a client address)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.1"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (a fixed http://127.0.0.1 URL)
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def csrf_pair(port: int, path: str) -> tuple[str, str]:
    """The CSRF cookie and the form's (masked) token, from one GET of the page, as a browser keeps them."""
    status, headers, body = fetch(port, path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    cookie = re.search(r"csrftoken=([A-Za-z0-9]+)", " ".join(headers.get_all("Set-Cookie") or []))
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', body)
    if cookie is None or token is None:
        raise SystemExit(f"GET {path} gave no CSRF cookie or no token in its form")
    return cookie.group(1), token.group(1)


def run_wrk(wrk: str, port: int, script: str, seconds: int, args: list[str]) -> dict:
    # A new random seed for every wrk run: its client addresses and emails are its own.
    seed = str(secrets.randbelow(2**24))
    command = [wrk, "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", f"bench/load/{script}", f"http://127.0.0.1:{port}", "--", seed, *args]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next((ln for ln in output.splitlines() if ln.startswith("WRK_RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    return json.loads(line.removeprefix("WRK_RESULT "))


def settled(count) -> int:
    """The row count once the server has finished the requests wrk left in flight when it stopped."""
    current, stable_since = count(), time.monotonic()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and time.monotonic() - stable_since < 1.5:
        time.sleep(0.25)
        latest = count()
        if latest != current:
            current, stable_since = latest, time.monotonic()
    return current


def served(log_offset: int, request: str) -> tuple[dict[str, int], int]:
    """From gunicorn's log since log_offset: the responses to `request` ("POST /feedback/") by
    status, and how many workers were recycled (max_requests) meanwhile."""
    with GUNICORN_LOG.open("rb") as log:
        log.seek(log_offset)
        text = log.read().decode(errors="replace")
    counts: dict[str, int] = {}
    for status in re.findall(rf'"{re.escape(request)} HTTP/1\.1" (\d{{3}}) ', text):
        counts[status] = counts.get(status, 0) + 1
    return counts, text.count("Autorestarting worker")


def figures(raw: dict, *, served_by_status: dict[str, int], restarts: int, rows_added: int | None) -> dict:
    seconds = raw["duration_us"] / 1e6
    socket_errors = sum(raw["socket_errors"].values())
    # Answered but not the endpoint's success (another status, or the form shown again), plus
    # socket errors (connect, read, write, timeout).
    errors = raw["answered"] - raw["accepted"] + socket_errors
    latency = raw["latency_us"]
    served_total = sum(served_by_status.values())
    result = {
        "requests": raw["answered"], "seconds": round(seconds, 2),
        "rps": round(raw["answered"] / seconds, 1), "accepted": raw["accepted"],
        "accepted_per_second": round(raw["accepted"] / seconds, 1),
        "errors": errors, "rejected_forms": raw["rejected"], "socket_errors": raw["socket_errors"],
        "statuses": dict(sorted(raw["statuses"].items())),
        "p50_ms": round(latency["p50"] / 1000, 1), "p90_ms": round(latency["p90"] / 1000, 1),
        "p99_ms": round(latency["p99"] / 1000, 1), "max_ms": round(latency["max"] / 1000, 1),
        # When wrk stops it closes its connections with requests still in flight; the server
        # completes them (its access log counts them) but wrk never reads their answers.
        "served_by_server": dict(sorted(served_by_status.items())),
        "in_flight_at_stop": served_total - raw["answered"],
        "worker_restarts": restarts,
    }
    if rows_added is not None:
        # One row per accepted request, plus one per request the server completed after wrk left.
        result["rows_added"] = rows_added
        result["rows_match_accepted"] = rows_added == raw["accepted"] + result["in_flight_at_stop"]
    return result


class Sealer(threading.Thread):
    """Beat's audit sealer, in this process: seal_chain(wait=False) every `interval` seconds."""

    def __init__(self, interval: float) -> None:
        super().__init__(daemon=True)
        self.interval, self.stopping = interval, threading.Event()
        self.runs: list[tuple[int, float]] = []  # (events sealed, seconds)

    def run(self) -> None:
        from django.db import connection

        from apps.core.audit import seal_chain

        try:
            while not self.stopping.wait(self.interval):
                began = time.perf_counter()
                sealed = seal_chain(wait=False)
                self.runs.append((sealed, time.perf_counter() - began))
        finally:
            connection.close()

    def stop(self) -> dict:
        self.stopping.set()
        self.join(60)
        sealed = sum(n for n, _ in self.runs)
        busiest = max(self.runs, default=(0, 0.0), key=lambda run: run[1])
        return {"runs": len(self.runs), "sealed": sealed,
                "longest_run_ms": round(busiest[1] * 1000, 1), "longest_run_events": busiest[0]}


def audit_stretch(action: str, since_id: int, point) -> tuple[int, dict, object]:
    """Seal what is left, then count the events of `action` past `since_id` and verify the chain's
    new stretch from `point`. Returns (events, chain figures, the new point)."""
    from apps.core.audit import seal_chain, walk_chain
    from apps.core.models import AuditEvent

    began = time.perf_counter()
    sealed = seal_chain()
    seal_seconds = time.perf_counter() - began
    events = AuditEvent.objects.filter(id__gt=since_id, action=action).count()
    unsealed = AuditEvent.objects.filter(id__gt=since_id, seq__isnull=True).count()
    checked, broken, point = walk_chain(after=point, seal=False)
    return events, {"sealed_after_run": sealed, "final_seal_ms": round(seal_seconds * 1000, 1),
                    "unsealed_left": unsealed, "chain_verified": checked,
                    "chain_intact": broken is None and unsealed == 0,
                    "chain_break": None if broken is None else f"event {broken.event_id}: {broken.reason}"}, point


def last_event_id() -> int:
    from apps.core.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def measure(wrk: str, port: int, script: str, seconds: int, args: list[str], request: str, count,
            action: str | None = None, point=None) -> tuple[dict, object]:
    offset = GUNICORN_LOG.stat().st_size
    before = count() if count else 0
    since_id = last_event_id()
    sealer = Sealer(SEAL_INTERVAL) if action else None
    if sealer:
        sealer.start()
    try:
        raw = run_wrk(wrk, port, script, seconds, args)
        rows_added = settled(count) - before if count else None
    finally:
        sealing = sealer.stop() if sealer else None
    if not count:
        time.sleep(1)  # let the last in-flight requests reach the access log
    served_by_status, restarts = served(offset, request)
    result = figures(raw, served_by_status=served_by_status, restarts=restarts, rows_added=rows_added)
    if action:
        events, chain, point = audit_stretch(action, since_id, point)
        result |= {"audit_events_added": events, "events_match_rows": events == rows_added,
                   "sealer_during_run": sealing, **chain}
    return result, point


def main() -> int:
    wrk = ensure_wrk()
    port = free_port()
    env = environment(port)
    os.environ.update(env)
    manage("migrate", "--noinput", "-v", "0")
    collect_static()
    import django

    django.setup()
    from django.utils import timezone

    from apps.core.audit import ChainPoint, seal_chain
    from apps.core.models import AuditEvent, Language
    from apps.engagement.models import FeedbackItem, Registration
    from apps.notifications.models import Notification
    from apps.operations.models import Encounter
    from crisisprog.celery import app

    leftover = cleanup()
    run = secrets.token_hex(4)
    marker = f"{FEEDBACK_MARKER} {run}"
    # More seats than the run can fill: every resident gets a seat (the waitlist path is the same
    # code with a different status).
    session = make_session(capacity=1_000_000)
    language = str(Language.objects.get(code="en").pk)
    origin = f"https://127.0.0.1:{port}"
    # Each run's new stretch of the audit chain is verified from the last event sealed before it (the
    # whole chain is verify_audit_chain's to walk: the benchmark database keeps every run's events).
    sealed_before = seal_chain()
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    point = ChainPoint(*last) if last else None
    load_before = os.getloadavg()

    def feedback_rows() -> int:
        return FeedbackItem.objects.filter(text__startswith=marker).count()

    def registration_rows() -> int:
        return Registration.objects.filter(session=session, email__endswith=f"@{EMAIL_DOMAIN}").count()

    coordinator, zone = encounter_scene()

    def encounter_rows() -> int:
        return Encounter.objects.filter(organization__slug=ENCOUNTER_ORGANIZATION_SLUG).count()

    gunicorn = start_gunicorn(env, port)
    rows = {}
    try:
        feedback_csrf = csrf_pair(port, "/feedback/")
        register_csrf = csrf_pair(port, f"/sessions/{session.pk}/")
        encounter_form = signed_in_form(port, coordinator, "/ops/encounters/new/")
        called = timezone.localtime(timezone.now() - timedelta(minutes=10))
        endpoints = [
            ("bare view", "GET /bench/bare/", "bare.lua", [], None, None),
            ("feedback", "POST /feedback/", "feedback.lua", [*feedback_csrf, language, marker, origin],
             feedback_rows, "engagement.feedback.received"),
            ("registration", f"POST /sessions/{session.pk}/register/", "register.lua",
             [*register_csrf, language, str(session.pk), EMAIL_DOMAIN, origin], registration_rows,
             "engagement.registration.created"),
            ("encounter", "POST /ops/encounters/new/", "encounter.lua",
             [*encounter_form, str(zone.pk), origin, f"{called:%Y-%m-%d}", f"{called:%H:%M}"], encounter_rows,
             "operations.encounter.recorded"),
        ]
        for label, request, script, args, count, action in endpoints:
            warm, point = measure(wrk, port, script, WARMUP_SECONDS, args, request, count, action, point)
            measured, point = measure(wrk, port, script, SECONDS, args, request, count, action, point)
            row = {"endpoint": label, "request": request, **measured}
            row["warmup_accepted"], row["warmup_errors"] = warm["accepted"], warm["errors"]
            if count:
                row["warmup_rows_match_accepted"] = warm["rows_match_accepted"]
                row["warmup_events_match_rows"] = warm["events_match_rows"] and warm["chain_intact"]
            rows[label] = row
        rows["registration"]["notifications_added"] = Notification.objects.filter(
            dedupe_key__startswith=f"engagement.registration:{session.pk}:").count()
    finally:
        stop_gunicorn(gunicorn)
        load_after = os.getloadavg()
        deleted = cleanup()
        # The confirmations the registrations queued point at deleted rows: drop them from the
        # benchmark's broker rather than leave them for the next worker.
        app.control.purge()

    feedback, registration, encounter = rows["feedback"], rows["registration"], rows["encounter"]
    def accounted(row: dict) -> bool:
        """One row and one audit event per accepted request (and per request left in flight), the
        chain sealed and intact, in the run and its warm-up."""
        return (row["rows_match_accepted"] and row["warmup_rows_match_accepted"] and row["events_match_rows"]
                and row["chain_intact"] and row["warmup_events_match_rows"])

    feedback["target"] = (f">= {TARGET_RPS:g} accepted/s, p99 < {TARGET_P99_MS:g} ms, 0 errors, "
                          "one row and one audit event per accepted request")
    feedback["meets_target"] = (feedback["accepted_per_second"] >= TARGET_RPS and feedback["p99_ms"] < TARGET_P99_MS
                                and feedback["errors"] == 0 and accounted(feedback))
    registration["target"] = (f">= {TARGET_REGISTRATION_RPS:g} accepted/s, 0 errors, "
                              "one row and one audit event per accepted request")
    registration["meets_target"] = (registration["accepted_per_second"] >= TARGET_REGISTRATION_RPS
                                    and registration["errors"] == 0 and accounted(registration))
    encounter["target"] = (f">= {TARGET_ENCOUNTER_RPS:g} accepted/s, 0 errors, "
                           "one row and one audit event per accepted request")
    encounter["meets_target"] = (encounter["accepted_per_second"] >= TARGET_ENCOUNTER_RPS
                                 and encounter["errors"] == 0 and accounted(encounter))
    bare = rows["bare view"]
    bare["target"] = "reference"
    bare["meets_target"] = bare["errors"] == 0
    from django.conf import settings

    result = {
        "seconds": SECONDS, "warmup_seconds": WARMUP_SECONDS, "connections": CONNECTIONS, "wrk_threads": THREADS,
        "gunicorn": gunicorn_settings(), "database": "postgresql", "conn_max_age": settings.DATABASES["default"][
            "CONN_MAX_AGE"],
        "trusted_proxy_count": settings.TRUSTED_PROXY_COUNT,
        "rate_limits_per_hour": {"feedback": settings.ENGAGEMENT_FEEDBACK_PER_HOUR,
                                 "registration": settings.ENGAGEMENT_REGISTRATIONS_PER_HOUR},
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in load_after],
        "cpus": os.cpu_count(), "rows": list(rows.values()), "cleaned_up": deleted, "leftover_cleaned": leftover,
        "audit_seal_interval_seconds": SEAL_INTERVAL, "audit_sealed_before": sealed_before,
        "meets_target": (feedback["meets_target"] and registration["meets_target"] and encounter["meets_target"]
                         and bare["meets_target"]),
    }
    results_path = ROOT / "bench" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["load"] = result
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    g = result["gunicorn"]
    print(f"load behind gunicorn ({g['workers']} workers x {g['threads']} threads, {CONNECTIONS} connections, "
          f"{SECONDS} s after {WARMUP_SECONDS} s warm-up; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after, {os.cpu_count()} CPUs)")
    print(f"{'endpoint':<13} {'req/s':>7} {'acc/s':>7} {'accepted':>8} {'errors':>6} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'rows ok':>7} {'events':>7} {'chain':>6}  target met")
    for r in rows.values():
        rows_ok = "-" if "rows_match_accepted" not in r else ("yes" if r["rows_match_accepted"] else "NO")
        events = "-" if "audit_events_added" not in r else (
            f"{r['audit_events_added']}" + ("" if r["events_match_rows"] else "!"))
        chain = "-" if "chain_intact" not in r else ("ok" if r["chain_intact"] else "BROKEN")
        met = "reference" if r["endpoint"] == "bare view" else ("yes" if r["meets_target"] else "NO")
        print(f"{r['endpoint']:<13} {r['rps']:>7} {r['accepted_per_second']:>7} {r['accepted']:>8} {r['errors']:>6} "
              f"{r['p50_ms']:>7} {r['p99_ms']:>7} {rows_ok:>7} {events:>7} {chain:>6}  {met}")
    for r in rows.values():
        if "sealer_during_run" in r:
            sealer = r["sealer_during_run"]
            print(f"{r['endpoint']}: the sealer ran {sealer['runs']} times during the run, sealed "
                  f"{sealer['sealed']} events (longest run {sealer['longest_run_ms']} ms, "
                  f"{sealer['longest_run_events']} events); "
                  f"{r['sealed_after_run']} sealed after it in {r['final_seal_ms']} ms; {r['chain_verified']} events "
                  "verified" + ("" if r["chain_break"] is None else f"; chain broken at {r['chain_break']}"))
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
