"""Benchmark: PDF report render time and peak memory.

Run by `make bench` (PostgreSQL on this machine). Builds, in the bench database, one nonprofit
with 2,000 responders and a month of shifts (20 teams, three 8-hour shifts a day, six places each,
nine in ten filled and worked), then renders in a fresh subprocess each:

- a one-page report: a responder's training transcript (cover + one page of content);
- the schedule coverage and hours report of that organization for the month.

Each render goes through the code the Celery task runs (report_request, then report_html and
render_pdf as report_run calls them; the notification and file write are left out); the subprocess
reports the wall time and its peak resident memory (getrusage ru_maxrss).
Merges {"reports": {...}} into bench/results.json.
Targets: one page under 1 s; the coverage month under 15 s and 600 MB.
"""

import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crisisprog_bench")
RESPONDERS = int(os.environ.get("BENCH_RESPONDERS", "2000"))
TEAMS, SHIFTS_PER_DAY, PLACES = 20, 3, 6  # 1 lead + 5 responders per shift
ORG_NAME = "Bench Responder Collective"
COORDINATOR = "bench-coordinator@bench.crisisprog.org"
TARGETS = {"one_page_seconds": 1.0, "coverage_seconds": 15.0, "coverage_mb": 600.0}


def _env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "crisisprog.settings.local", "DATABASE_URL": DATABASE_URL,
            "CELERY_BROKER_URL": "memory://", "CACHE_URL": "locmemcache://bench", "DEBUG": "0",
            "LOG_LEVEL": "WARNING"}


def _month() -> tuple[date, date]:
    today = date.today()
    first = today.replace(day=1)
    last = first - timedelta(days=1)
    return last.replace(day=1), last


def seed() -> None:
    """Idempotent: the bench organization and its month are made once."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from apps.accounts.models import Membership, Organization, User
    from apps.accounts.roles import OrganizationKind, Role
    from apps.core.models import Neighborhood
    from apps.scheduling.models import Assignment, Position, PositionRole, Shift, Team, TeamType

    if Organization.objects.filter(name=ORG_NAME).exists():
        return
    start, end = _month()
    tz = timezone.get_default_timezone()
    with transaction.atomic():
        org = Organization.objects.create(name=ORG_NAME, slug="bench-responder-collective",
                                          kind=OrganizationKind.NONPROFIT)
        password = make_password(None)
        coordinator = User.objects.create(email=COORDINATOR, full_name="Bench Coordinator", password=password)
        Membership.objects.create(user=coordinator, organization=org, role=Role.COORDINATOR)
        people = User.objects.bulk_create([User(email=f"bench-responder-{i:04d}@bench.crisisprog.org",
                                                full_name=f"Responder {i:04d}", password=password)
                                           for i in range(RESPONDERS)], batch_size=1000)
        Membership.objects.bulk_create([Membership(user=u, organization=org, role=Role.RESPONDER) for u in people],
                                       batch_size=2000)
        hoods = list(Neighborhood.objects.order_by("sort_order", "name"))
        team_type = TeamType.objects.get(key="community-responder")
        teams = [Team.objects.create(organization=org, team_type=team_type, name=f"Bench team {n + 1:02d}")
                 for n in range(TEAMS)]
        for n, team in enumerate(teams):
            team.zones.set([hoods[n % len(hoods)], hoods[(n + 7) % len(hoods)]])
        shifts = []
        day = start
        while day <= end:
            for k in range(SHIFTS_PER_DAY):
                begins = datetime.combine(day, dtime(6 + 8 * k if k < 2 else 22), tzinfo=tz)
                for team in teams:
                    shifts.append(Shift(team=team, organization=org, starts_at=begins,
                                        ends_at=begins + timedelta(hours=8), status=Shift.Status.PUBLISHED))
            day += timedelta(days=1)
        shifts = Shift.objects.bulk_create(shifts, batch_size=2000)
        zone_links = []
        for shift in shifts:
            n = teams.index(next(t for t in teams if t.pk == shift.team_id))
            for hood in (hoods[n % len(hoods)], hoods[(n + 7) % len(hoods)]):
                zone_links.append(Shift.zones.through(shift_id=shift.pk, neighborhood_id=hood.pk))
        Shift.zones.through.objects.bulk_create(zone_links, batch_size=5000)
        positions = Position.objects.bulk_create(
            [p for s in shifts for p in (Position(shift=s, role=PositionRole.LEAD, count=1),
                                         Position(shift=s, role=PositionRole.RESPONDER, count=PLACES - 1))],
            batch_size=5000)
        by_shift = {}
        for p in positions:
            by_shift.setdefault(p.shift_id, []).append(p)
        assignments, cursor, slot = [], 0, 0
        # Chronological round-robin over 2,000 people: nobody is in two overlapping shifts.
        for shift in sorted(shifts, key=lambda s: (s.starts_at, s.pk)):
            for position in by_shift[shift.pk]:
                for _ in range(position.count):
                    slot += 1
                    if slot % 10 == 0:
                        continue  # one place in ten left open
                    person = people[cursor % len(people)]
                    cursor += 1
                    no_show = slot % 20 == 1
                    assignments.append(Assignment(
                        position=position, shift=shift, responder=person, starts_at=shift.starts_at,
                        ends_at=shift.ends_at,
                        status=Assignment.Status.NO_SHOW if no_show else Assignment.Status.COMPLETED,
                        checked_in_at=None if no_show else shift.starts_at,
                        checked_out_at=None if no_show else shift.ends_at))
        Assignment.objects.bulk_create(assignments, batch_size=5000)


def render(kind: str, email: str, params: dict) -> None:
    """In a fresh process: build one report the way the worker does and print its measurements."""
    import django

    django.setup()
    from apps.accounts.models import User
    from apps.reports import services
    from apps.reports.models import ReportRequest
    from apps.reports.renderer import render_pdf

    # A worker renders many reports: the one-time start of WeasyPrint (fonts, Pango) is measured
    # apart from the report itself.
    started = time.perf_counter()
    render_pdf("<p>warm-up</p>")
    cold_start = time.perf_counter() - started
    user = User.objects.get(email=email)
    report = services.report_request(by=user, kind=kind, parameters=params, enqueue=False)
    runs = []
    # Twice: the first report in a process also compiles templates and loads translation catalogs;
    # a running worker has done that, so the second is the report's own time.
    for _ in range(2):
        started = time.perf_counter()
        html = services.report_html(report=report)  # the kind's data, gathered with the requester's scope
        gathered = time.perf_counter() - started
        pdf = render_pdf(html)
        runs.append((time.perf_counter() - started, gathered))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"kind": kind, "pages": pdf.page_count, "bytes": len(pdf.content), "seconds": round(runs[1][0], 2),
              "gather_and_html_seconds": round(runs[1][1], 2), "first_in_process_seconds": round(runs[0][0], 2),
              "peak_rss_mb": round(peak_mb, 1), "process_first_render_seconds": round(cold_start, 2)}
    ReportRequest.objects.filter(pk=report.pk).delete()
    print(json.dumps(result))


def _measure(kind: str, email: str, params: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "render", kind, email, json.dumps(params)], cwd=ROOT,  # noqa: S603
                         env=_env(), check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "render":
        os.environ.update(_env())
        render(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
        return 0
    env = _env()
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from apps.accounts.models import Organization, User

    seed()
    org = Organization.objects.get(name=ORG_NAME)
    start, end = _month()
    someone = User.objects.filter(email__startswith="bench-responder-").order_by("email").first()
    one_page = _measure("training_transcript", someone.email, {"responder": someone.pk})
    coverage = _measure("schedule_coverage", COORDINATOR,
                        {"organization": org.pk, "start": start.isoformat(), "end": end.isoformat()})
    timesheet = _measure("timesheet", COORDINATOR,
                         {"organization": org.pk, "start": start.isoformat(), "end": end.isoformat()})
    from apps.scheduling.models import Assignment

    result = {
        "one_page": one_page, "coverage_month": coverage, "timesheet_month": timesheet,
        "data": {"responders": RESPONDERS, "teams": TEAMS, "month": f"{start:%Y-%m}",
                 "assignments": Assignment.objects.filter(shift__organization=org).count()},
        "targets": TARGETS,
        "meets_target": (one_page["seconds"] < TARGETS["one_page_seconds"]
                         and coverage["first_in_process_seconds"] < TARGETS["coverage_seconds"]
                         and coverage["peak_rss_mb"] < TARGETS["coverage_mb"]),
        "method": "each kind in a fresh process: report_request, then report_html + render_pdf twice; "
                  "'seconds' is the second (warm, as in a running worker), 'first_in_process_seconds' the "
                  "first; peak = getrusage(RUSAGE_SELF).ru_maxrss of that process",
    }
    results_path = ROOT / "bench" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["reports"] = result
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"one-page report: {one_page['seconds']} s "
          f"(first in a fresh process {one_page['first_in_process_seconds']} s), "
          f"{one_page['peak_rss_mb']} MB, {one_page['pages']} pages (target < {TARGETS['one_page_seconds']} s)")
    print(f"coverage, {RESPONDERS} responders, {start:%Y-%m}: {coverage['seconds']} s "
          f"(first in a fresh process {coverage['first_in_process_seconds']} s), {coverage['peak_rss_mb']} MB, "
          f"{coverage['pages']} pages (targets < {TARGETS['coverage_seconds']} s, < {TARGETS['coverage_mb']} MB)")
    print(f"timesheet, same month: {timesheet['seconds']} s, {timesheet['peak_rss_mb']} MB, {timesheet['pages']} pages")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
