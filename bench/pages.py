"""Benchmark: server time and query count of the main pages and API endpoints, per role, at scale.

Run by `make bench` (PostgreSQL on this machine). Seeds `seed_scale --factor 10` when the scale data
is missing (BENCH_SCALE_FACTOR to use a smaller factor while developing), then for each role logs
in one scale user (force_login) and requests each page it uses: 3 warm-ups, then BENCH_REPEAT (30)
timed requests in-process through django.test.Client. Prints one table and merges {"pages": {...}}
into bench/results.json, with the load average before and after. Targets: p95 under 150 ms; the
query count must not grow with the data (compare the counts with a run at a small BENCH_SCALE_FACTOR;
tests/perf/test_query_budgets.py asserts it for the same pages). BENCH_ONLY=<text> runs only the rows
whose role and page contain the text (the results file then holds only those).
"""

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crisisprog_bench")
FACTOR = float(os.environ.get("BENCH_SCALE_FACTOR", "10"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
# Only the rows whose "role page" contains this text (case-insensitive), to profile one page.
ONLY = os.environ.get("BENCH_ONLY", "").lower()
WARMUP = 3
TARGET_P95_MS = 150.0


def setup() -> None:
    env = {"DJANGO_SETTINGS_MODULE": "crisisprog.settings.local", "DATABASE_URL": DATABASE_URL, "DEBUG": "0",
           "CACHE_URL": "locmemcache://bench-pages", "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "testserver"}
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env={**os.environ}, check=True)
    import django

    django.setup()


def ensure_seeded(factor: float) -> None:
    from django.core.management import call_command

    from apps.scale.plan import scale_counts, scale_organizations, scale_plan

    if scale_organizations().exists() and scale_counts() == scale_plan(factor):
        return
    call_command("seed_scale", factor=factor, reset=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def trend_theme():
    """The theme whose trend page is measured: the one with the most coded comments, or, when the scale data
    codes none (seed_scale makes no codebook), a bench theme coding every fifth published comment, so the
    page counts a year of a large theme. Not one of seed_scale's counted rows."""
    from django.db.models import Count

    from apps.engagement.models import FeedbackCoding, FeedbackItem, Theme

    theme = (Theme.objects.filter(parent=None).annotate(n=Count("codings")).filter(n__gt=0)
             .order_by("-n", "pk").first())
    if theme is not None:
        return theme
    theme = Theme.objects.get_or_create(name="Bench trend theme", parent=None,
                                        defaults={"translations": {"es": {"name": "Tema de tendencia (bench)"}}})[0]
    ids = list(FeedbackItem.objects.filter(status=FeedbackItem.Status.APPROVED).order_by("pk")
               .values_list("pk", flat=True))[::5]
    FeedbackCoding.objects.bulk_create([FeedbackCoding(item_id=pk, theme=theme) for pk in ids],
                                       ignore_conflicts=True)
    return theme


def targets() -> list[tuple[str, str, str]]:
    """(role, label, url) for each page and endpoint, with ids taken from the scale data."""
    from django.utils import timezone

    from apps.engagement.models import CommunitySession
    from apps.procurement.models import EvaluatorAssignment, Proposal, Solicitation
    from apps.scale.plan import DOMAIN, REFERENCE_PREFIX, scale_organizations
    from apps.scheduling.models import Assignment, Shift, Team
    from apps.training.models import TrainingRecord

    orgs = scale_organizations()
    nonprofit = orgs.filter(slug__startswith="scale-np-").order_by("slug").first()
    team = Team.objects.filter(organization=nonprofit).order_by("name").first()
    month = timezone.localdate().strftime("%Y-%m")
    theme = trend_theme()
    session = (CommunitySession.objects.filter(organization__in=orgs, status="published").order_by("starts_at")
               .first())
    solicitation = Solicitation.objects.filter(reference__startswith=REFERENCE_PREFIX).order_by("reference").first()
    proposal = Proposal.objects.filter(solicitation=solicitation).order_by("code").first()
    evaluation = EvaluatorAssignment.objects.filter(solicitation=solicitation,
                                                    evaluator__email=f"rfp-evaluator-0@{DOMAIN}").first()
    shift = Shift.objects.filter(team=team, starts_at__gte=timezone.now()).order_by("starts_at").first()
    record = TrainingRecord.objects.filter(organization=nonprofit).order_by("id").first()
    assignment = Assignment.objects.filter(shift__organization=nonprofit).order_by("starts_at", "id").first()
    first_day = timezone.localdate().replace(day=1)
    period = f"organization={nonprofit.pk}&start={first_day:%Y-%m-%d}&end={timezone.localdate():%Y-%m-%d}"
    # Every page a role reaches from the navigation (apps/*/registrations.py NavItems), plus the detail pages
    # and API endpoints behind them; tests/perf/test_query_budgets.py guards the same pages' query counts.
    return [
        ("anonymous", "sessions list", "/sessions/"),
        ("anonymous", "session page", f"/sessions/{session.pk}/"),
        ("anonymous", "solicitations", "/procurement/"),
        ("anonymous", "you said, we did", "/you-said-we-did/"),
        ("anonymous", "API sessions", "/api/v1/engagement/sessions/"),
        ("anonymous", "API session", f"/api/v1/engagement/sessions/{session.pk}/"),
        ("responder", "dashboard", "/"),
        ("responder", "my shifts", "/shifts/"),
        ("responder", "open shifts", "/shifts/open/"),
        ("responder", "my training", "/training/"),
        ("responder", "notifications inbox", "/notifications/"),
        ("responder", "shift swaps", "/shifts/swaps/"),
        ("responder", "time off", "/shifts/time-off/"),
        ("responder", "roster preferences", "/shifts/roster/preferences/"),
        ("responder", "training sessions", "/training/sessions/"),
        ("responder", "reports", "/reports/"),
        ("responder", "API my shifts", "/api/v1/scheduling/my-shifts/"),
        ("responder", "API training records", "/api/v1/training/records/"),
        ("responder", "API notifications", "/api/v1/notifications/"),
        ("coordinator", "dashboard", "/"),
        ("coordinator", "schedule week", f"/shifts/schedule/?team={team.pk}"),
        ("coordinator of six", f"schedule board, {_board_size()}", "/shifts/board/"),
        ("coordinator", "coverage month", f"/shifts/coverage/?team={team.pk}&month={month}"),
        ("coordinator", "on-duty board", "/ops/board/"),
        ("coordinator", "shift swaps", "/shifts/swaps/"),
        ("coordinator", "time off", "/shifts/time-off/"),
        ("coordinator", "auto-roster", "/shifts/roster/"),
        ("coordinator", "roster targets", "/shifts/roster/people/"),
        ("coordinator", "timesheets", f"/shifts/timesheets/?{period}"),
        ("coordinator", "shift page", f"/shifts/shifts/{shift.pk}/"),
        ("coordinator", "readiness matrix", f"/training/readiness/?organization={nonprofit.slug}"),
        ("coordinator", "training records", "/training/verification/"),
        ("coordinator", "import records", "/training/records/import/"),
        ("coordinator", "training sessions", "/training/sessions/"),
        ("coordinator", "RFPs", "/procurement/"),
        ("coordinator", "invitations", "/invitations/"),
        ("coordinator", "reports", "/reports/"),
        ("coordinator", "API shifts", "/api/v1/scheduling/shifts/"),
        ("coordinator", "API shift", f"/api/v1/scheduling/shifts/{shift.pk}/"),
        ("coordinator", "API assignments", "/api/v1/scheduling/assignments/"),
        ("coordinator", "API assignment", f"/api/v1/scheduling/assignments/{assignment.pk}/"),
        ("coordinator", "API training records", "/api/v1/training/records/"),
        ("coordinator", "API training record", f"/api/v1/training/records/{record.pk}/"),
        ("coordinator", "proposals", "/procurement/proposals/"),
        ("trainer", "training sessions", "/training/sessions/"),
        ("trainer", "verification queue", "/training/verification/"),
        ("trainer", "readiness matrix", f"/training/readiness/?organization={nonprofit.slug}"),
        ("procurement officer", "solicitations (manage)", "/procurement/manage/"),
        ("procurement officer", "solicitation", f"/procurement/manage/{solicitation.pk}/"),
        ("procurement officer", "proposal review", f"/procurement/manage/proposals/{proposal.pk}/"),
        ("procurement officer", "API solicitations", "/api/v1/procurement/solicitations/"),
        ("procurement officer", "API proposals", "/api/v1/procurement/proposals/"),
        ("procurement officer", "reports", "/reports/"),
        ("rfp evaluator", "evaluations", "/procurement/evaluations/"),
        ("rfp evaluator", "evaluation", f"/procurement/evaluations/{evaluation.solicitation_id}/"),
        ("rfp evaluator", "API scores", "/api/v1/procurement/scores/"),
        ("moderator", "feedback queue", "/staff/engagement/feedback/"),
        ("moderator", "sessions (staff)", "/staff/engagement/sessions/"),
        ("moderator", "session (staff)", f"/staff/engagement/sessions/{session.pk}/"),
        ("moderator", "codebook", "/staff/engagement/codebook/"),
        ("moderator", "theme trend", f"/staff/engagement/codebook/{theme.pk}/"),
        ("moderator", "decisions", "/staff/engagement/decisions/"),
        ("moderator", "reports", "/reports/"),
        ("moderator", "API feedback", "/api/v1/engagement/feedback/"),
        ("program admin", "dashboard", "/"),
        ("program admin", "audit log", "/audit/"),
        ("program admin", "translations", "/translations/"),
        ("program admin", "translation strings", "/translations/ht/"),
        ("program admin", "API audit events", "/api/v1/audit-events/"),
        ("program admin", "organizations", "/organizations/"),
        ("program admin", "invitations", "/invitations/"),
        ("program admin", "readiness matrix", f"/training/readiness/?organization={nonprofit.slug}"),
        ("program admin", "training requirements", "/training/requirements/"),
        ("program admin", "training sessions", "/training/sessions/"),
        ("program admin", "sessions (staff)", "/staff/engagement/sessions/"),
        ("program admin", "feedback queue", "/staff/engagement/feedback/"),
        ("program admin", "reports", "/reports/"),
        ("program admin", "API docs", "/api/docs/"),
        # operations (BOARD): the on-duty board and the part htmx polls every ten seconds
        ("program admin", "on-duty board", "/ops/board/"),
        ("program admin", "on-duty board (live part)", "/ops/board/live/"),
        ("program admin", "service tokens", "/ops/service-tokens/"),
        ("program evaluator", "dashboard", "/"),
        ("program evaluator", "sessions list", "/sessions/"),
        ("program evaluator", "reports", "/reports/"),
        # ENCOUNTERS (operations): the log (its rows come from the year simulation or bench/load.py's scenario;
        # a fresh scale seed has none) and the de-identified evaluation of this month.
        ("responder", "encounters", "/ops/encounters/"),
        ("coordinator", "encounters", "/ops/encounters/"),
        ("coordinator", "API encounters", "/api/v1/encounters/"),
        ("program admin", "encounter evaluation", "/ops/evaluation/"),
        ("program evaluator", "encounter evaluation", "/ops/evaluation/"),
    ]


BOARD_NONPROFITS = 6  # at factor 10 a nonprofit has two teams and about 34 responders: six make the 200


def _board_coordinator():
    """The schedule board's row needs a coordinator of about 200 responders; every scale coordinator has
    one nonprofit (about 34 at factor 10), so this one coordinates the first six (twelve teams). Made here,
    idempotently, under the scale domain (seed_scale --reset deletes it with the rest)."""
    from apps.accounts.models import Membership, User
    from apps.accounts.roles import Role
    from apps.scale.plan import DOMAIN, scale_organizations

    user, _ = User.objects.get_or_create(email=f"board-coordinator@{DOMAIN}",
                                         defaults={"full_name": "Board Coordinator"})
    for organization in scale_organizations().filter(slug__startswith="scale-np-").order_by("slug")[:BOARD_NONPROFITS]:
        Membership.objects.get_or_create(user=user, organization=organization, role=Role.COORDINATOR)
    return user


def _board_size() -> str:
    from apps.accounts.models import Membership
    from apps.accounts.roles import Role
    from apps.scheduling.models import Team

    organizations = _board_coordinator().memberships.filter(role=Role.COORDINATOR).values("organization")
    people = (Membership.objects.filter(organization__in=organizations, role=Role.RESPONDER, is_active=True)
              .values("user").distinct().count())
    teams = Team.objects.filter(organization__in=organizations).count()
    return f"{people} responders × a week ({teams} teams)"


def role_users() -> dict:
    from apps.accounts.models import User
    from apps.scale.plan import DOMAIN

    locals_ = {"responder": "responder-00000", "coordinator": "coordinator-000", "trainer": "trainer-000",
               "procurement officer": "procurement", "rfp evaluator": "rfp-evaluator-0",
               "moderator": "moderator", "program admin": "admin", "program evaluator": "program-evaluator"}
    users = {role: User.objects.get(email=f"{local}@{DOMAIN}") for role, local in locals_.items()}
    users["coordinator of six"] = _board_coordinator()
    users["anonymous"] = None
    return users


_addresses = iter(range(1, 2**24))


def next_address() -> str:
    """A different client address per request: many residents, never one client tripping the
    per-client rate limit (which stays on)."""
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def measure(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url, REMOTE_ADDR=next_address())
    timings = []
    queries = None
    for _ in range(REPEAT):
        address = next_address()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, REMOTE_ADDR=address)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return {"status": response.status_code, "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 95), 1), "p99_ms": round(percentile(timings, 99), 1),
            "queries": queries}


def main() -> int:
    setup()
    ensure_seeded(FACTOR)
    from django.test import Client

    users = role_users()
    # As gunicorn.conf.py's post_worker_init does in each production worker: what is loaded by now
    # stays for the life of the process, so full garbage collections do not walk it mid-request.
    gc.freeze()
    load_before = os.getloadavg()
    rows = []
    clients: dict = {}
    for role, label, url in targets():
        if ONLY and ONLY not in f"{role} {label}".lower():
            continue
        if role not in clients:
            clients[role] = Client()
            if users[role] is not None:
                clients[role].force_login(users[role])
        figures = measure(clients[role], url)
        figures["meets_target"] = figures["status"] == 200 and figures["p95_ms"] < TARGET_P95_MS
        rows.append({"role": role, "page": label, "url": url, **figures})
    load = {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]}
    result = {"factor": FACTOR, "repeat": REPEAT, "warmup": WARMUP, "target_p95_ms": TARGET_P95_MS,
              "database": "postgresql", "load_average": load, "rows": rows,
              "meets_target": all(r["meets_target"] for r in rows)}
    results_path = ROOT / "bench" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["pages"] = result
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"pages at scale factor {FACTOR:g} ({REPEAT} requests each after {WARMUP} warm-ups; "
          f"target p95 < {TARGET_P95_MS:g} ms; load average before {load['before']}, after {load['after']})")
    print(f"{'role':<20} {'page':<26} {'status':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'queries':>7}  ok")
    for r in rows:
        print(f"{r['role']:<20} {r['page']:<26} {r['status']:>6} {r['p50_ms']:>7} {r['p95_ms']:>7} "
              f"{r['p99_ms']:>7} {r['queries']:>7}  {'yes' if r['meets_target'] else 'NO'}")
    print(f"{sum(r['meets_target'] for r in rows)} of {len(rows)} under {TARGET_P95_MS:g} ms p95")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
