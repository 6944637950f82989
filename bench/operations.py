"""Benchmark: the dispatch API and the on-duty board at scale (issue 22).

Run by `make bench` after bench/pages.py (same database; it seeds `seed_scale --factor 10` when the scale
data is missing, BENCH_SCALE_FACTOR for a smaller factor). On top of the scale data it puts BENCH_ZONES (60)
zones with two teams each on shift now: a nonprofit of its own ("bench-ops-np", people at
@bench-ops.crisisprog.test, outside the scale plan's counts so pages.py never reseeds for it), three people
per team checked in, with languages, a status in every state and a history of status changes. Its shifts
are remade on every run around the run's own "now", so the figures hold at any hour. The city has fewer
neighborhoods than that (Boston's 23), so the missing zones are added as active "Bench zone NN".

Then, 3 warm-ups and BENCH_REPEAT (30) timed requests in-process (django.test.Client), each measured:
- the dispatch API with a real service token (Authorization: Bearer cps_…, made here through the service,
  revoked at the end): on-duty for one zone (the 911 center's question) and the status-changes feed from
  the start (a page of 100) and caught up, target p95 < 30 ms; on-duty for every zone, for information;
- the on-duty board ("operations:board") as the scale program admin, as served (its live part cached ten
  seconds) and read anew (the cache emptied before each request), target p95 < 100 ms, when that URL
  exists in this tree (it is another part of issue 22): otherwise the row is skipped, and said so.

Prints one table and merges {"operations": {...}} into bench/results.json. BENCH_DATABASE_URL as pages.py.
"""

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import FACTOR, ensure_seeded, next_address, percentile, setup  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
WARMUP = 3
ZONES = int(os.environ.get("BENCH_ZONES", "60"))
TEAMS_PER_ZONE = 2
PEOPLE_PER_TEAM = 3
HISTORY_PER_TEAM = 20  # status changes already in the feed
TARGETS_MS = {"dispatch": 30.0, "board": 100.0}
ORG_SLUG = "bench-ops-np"
PEOPLE_DOMAIN = "bench-ops.crisisprog.test"
STATES = ("available", "returning", "on_break", "on_call", "available", "off")


def ensure_zones(count: int) -> list:
    from apps.core.models import Neighborhood

    zones = list(Neighborhood.objects.filter(is_active=True).order_by("sort_order", "name"))
    for n in range(len(zones), count):
        zone, _ = Neighborhood.objects.get_or_create(slug=f"bench-zone-{n:02d}",
                                                     defaults={"name": f"Bench zone {n:02d}", "sort_order": 1000 + n})
        zones.append(zone)
    return zones[:count]


def ensure_people(organization, count: int) -> list:
    from django.contrib.auth.hashers import make_password

    from apps.accounts.models import Membership, User
    from apps.accounts.roles import Role
    from apps.core.models import Language
    from apps.scheduling.roster.models import RosterProfile

    emails = [f"bench-ops-{i:04d}@{PEOPLE_DOMAIN}" for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    password = make_password(None)
    User.objects.bulk_create([User(email=e, full_name=f"Bench{e[10:14]} Person{e[10:14]}", password=password)
                              for e in emails if e not in existing])
    people = list(User.objects.filter(email__in=emails).order_by("email"))
    Membership.objects.bulk_create([Membership(user=p, organization=organization, role=Role.RESPONDER)
                                    for p in people], ignore_conflicts=True)
    have = set(RosterProfile.objects.filter(organization=organization).values_list("user_id", flat=True))
    profiles = RosterProfile.objects.bulk_create([RosterProfile(user=p, organization=organization)
                                                  for p in people if p.pk not in have])
    languages = list(Language.objects.order_by("sort_order"))
    RosterProfile.languages.through.objects.bulk_create([
        RosterProfile.languages.through(rosterprofile_id=profile.pk, language_id=languages[k % len(languages)].pk)
        for i, profile in enumerate(profiles) for k in (0, i + 1)], ignore_conflicts=True)
    return people


def ensure_on_duty(now) -> dict:
    """Remake the bench nonprofit's shifts around `now`: ZONES x TEAMS_PER_ZONE teams on shift, checked in."""
    from django.db import transaction

    from apps.accounts.models import Organization
    from apps.operations.models import TeamStatus, TeamStatusChange
    from apps.scheduling.models import Assignment, Position, PositionRole, Shift, Team, TeamType

    zones = ensure_zones(ZONES)
    organization, _ = Organization.objects.get_or_create(slug=ORG_SLUG, defaults={
        "name": "Bench Operations Outreach", "kind": "nonprofit"})
    team_type = TeamType.objects.get(key="community-responder")
    teams = []
    for t in range(ZONES * TEAMS_PER_ZONE):
        team, _ = Team.objects.get_or_create(organization=organization, name=f"Bench on-duty team {t:03d}",
                                             defaults={"team_type": team_type})
        teams.append(team)
    people = ensure_people(organization, len(teams) * PEOPLE_PER_TEAM)
    with transaction.atomic():
        shifts = Shift.objects.filter(organization=organization)
        TeamStatusChange.objects.filter(shift__in=shifts).delete()
        Assignment.objects.filter(shift__in=shifts).delete()
        shifts.delete()
        starts, ends = now - timedelta(hours=2), now + timedelta(hours=10)
        shifts = Shift.objects.bulk_create([
            Shift(team=team, organization=organization, starts_at=starts, ends_at=ends, status=Shift.Status.PUBLISHED,
                  published_at=now) for team in teams])
        # Each team covers its zone; one in three also covers the next zone (a shift of two zones).
        links = []
        for t, shift in enumerate(shifts):
            z = t // TEAMS_PER_ZONE
            links.append(Shift.zones.through(shift_id=shift.pk, neighborhood_id=zones[z].pk))
            if t % 3 == 0:
                links.append(Shift.zones.through(shift_id=shift.pk, neighborhood_id=zones[(z + 1) % len(zones)].pk))
        Shift.zones.through.objects.bulk_create(links)
        positions = Position.objects.bulk_create(
            [Position(shift=s, role=role, count=count) for s in shifts
             for role, count in ((PositionRole.LEAD, 1), (PositionRole.RESPONDER, 2))])
        Assignment.objects.bulk_create([
            Assignment(position=positions[2 * t + (0 if k == 0 else 1)], shift=shift,
                       responder=people[PEOPLE_PER_TEAM * t + k], starts_at=starts, ends_at=ends,
                       status=Assignment.Status.CHECKED_IN, checked_in_at=starts)
            for t, shift in enumerate(shifts) for k in range(PEOPLE_PER_TEAM)])
        TeamStatus.objects.bulk_create([
            TeamStatus(shift=shift, state=STATES[t % len(STATES)], zone=zones[t // TEAMS_PER_ZONE],
                       since=now - timedelta(minutes=t % 90)) for t, shift in enumerate(shifts)])
        TeamStatusChange.objects.bulk_create([
            TeamStatusChange(shift=shift, state=STATES[(t + h) % len(STATES)],
                             previous_state=STATES[(t + h - 1) % len(STATES)], zone=zones[t // TEAMS_PER_ZONE],
                             at=starts + timedelta(minutes=5 * h))
            for h in range(HISTORY_PER_TEAM) for t, shift in enumerate(shifts)])
    return {"zones": len(zones), "teams": len(shifts), "people": len(people),
            "status_changes": TeamStatusChange.objects.count()}


def measure(client, url: str, headers: dict, *, fresh: bool = False) -> dict:
    """`fresh`: the cache is emptied before each request (untimed), so the board's live part is read and
    drawn anew every time: what the first screen to poll after a status change pays."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url, headers=headers, REMOTE_ADDR=next_address())
    timings, cpu, queries = [], [], None
    for _ in range(REPEAT):
        if fresh:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers, REMOTE_ADDR=next_address())
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = len(ctx.captured_queries)
    # cpu: this process's CPU time for the request (not PostgreSQL's): beside the wall time, it tells the work
    # the request costs from the time it waited for a core on a busy machine.
    return {"status": response.status_code, "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 95), 1), "p99_ms": round(percentile(timings, 99), 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1), "cpu_p95_ms": round(percentile(cpu, 95), 1),
            "queries": queries, "bytes": len(response.content)}


def board_url() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("operations:board")
    except NoReverseMatch:
        return None


def main() -> int:
    setup()
    ensure_seeded(FACTOR)
    import gc

    from django.test import Client
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.operations import dispatch
    from apps.operations.models import TeamStatusChange
    from apps.operations.tokens import service_token_create, service_token_revoke
    from apps.scale.plan import DOMAIN

    now = timezone.now()
    scene = ensure_on_duty(now)
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    token, raw = service_token_create(by=admin, name="bench dispatch", scopes=["dispatch:read"],
                                      expires_at=now + timedelta(days=1))
    answer = dispatch.on_duty(at=timezone.now())
    zones_on_duty = {z for t in answer["teams"] for z in t["zones"]}
    zone = ensure_zones(1)[0].slug
    last = TeamStatusChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    gc.freeze()
    load_before = os.getloadavg()
    bearer = {"Authorization": f"Bearer {raw}"}
    # The 911 center's question is one zone's (and the feed it polls): those carry the target. The whole
    # city's answer (every team on duty, ~50 kB) is printed for information.
    targets = [
        ("dispatch", f"on-duty, one zone ({zone})", f"/api/v1/dispatch/on-duty/?zone={zone}", bearer, None),
        ("info", "on-duty, every zone", "/api/v1/dispatch/on-duty/", bearer, None),
        ("dispatch", "status changes, first 100", "/api/v1/dispatch/status-changes/?after=0", bearer, None),
        ("dispatch", "status changes, caught up", f"/api/v1/dispatch/status-changes/?after={last}", bearer, None),
    ]
    url = board_url()
    if url is None:
        print("board: skipped — the URL name operations:board does not resolve in this tree (the board is the "
              "BOARD part of issue 22; it is measured here once merged)")
    else:
        # As served (the live part is cached ten seconds, keyed on the newest change), and read anew each time.
        targets.append(("board", "on-duty board (program admin)", url, {}, admin))
        targets.append(("board", "on-duty board, fresh read", url, {}, admin))
    rows = []
    try:
        for kind, label, target, headers, user in targets:
            client = Client()
            if user is not None:
                client.force_login(user)
            figures = measure(client, target, headers, fresh=label.endswith("fresh read"))
            target_ms = TARGETS_MS.get(kind)
            figures["meets_target"] = figures["status"] == 200 and (target_ms is None or figures["p95_ms"] < target_ms)
            rows.append({"kind": kind, "label": label, "url": target, "target_p95_ms": target_ms, **figures})
    finally:
        service_token_revoke(by=admin, token=token)
    token.refresh_from_db()
    load = {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]}
    result = {"factor": FACTOR, "repeat": REPEAT, "warmup": WARMUP, "scene": scene,
              "dispatchable_teams_now": len(answer["teams"]), "zones_with_a_dispatchable_team": len(zones_on_duty),
              "token_uses_counted": token.use_count, "board_measured": url is not None, "load_average": load,
              "rows": rows, "meets_target": all(r["meets_target"] for r in rows)}
    results_path = ROOT / "bench" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["operations"] = result
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"operations at scale factor {FACTOR:g}: {scene['teams']} bench teams on shift in {scene['zones']} zones, "
          f"{len(answer['teams'])} able to take a call in {len(zones_on_duty)} zones; {scene['status_changes']} "
          f"status changes ({REPEAT} requests each after {WARMUP} warm-ups; load average before {load['before']}, "
          f"after {load['after']}; the service token counted {token.use_count} uses)")
    print(f"{'kind':<9} {'row':<34} {'status':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'cpu p50':>7} {'cpu p95':>7} "
          f"{'queries':>7} {'bytes':>7}  target  ok")
    for r in rows:
        print(f"{r['kind']:<9} {r['label']:<34} {r['status']:>6} {r['p50_ms']:>7} {r['p95_ms']:>7} {r['p99_ms']:>7} "
              f"{r['cpu_p50_ms']:>7} {r['cpu_p95_ms']:>7} {r['queries']:>7} {r['bytes']:>7}  "
              f"{r['target_p95_ms'] or '—':>6}  {'yes' if r['meets_target'] else 'NO'}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
