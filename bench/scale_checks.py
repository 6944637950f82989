"""Benchmark: the engines behind the pages, at scale.

- readiness of every scale responder (2,000 at N=10) in their organizations (60): one `readiness_pass`
  (how the program report and the dashboard ask, four queries), and one `readiness_batch` per
  organization (how a page about one organization asks), and one batch of all 2,000 ids;
- the coverage calendar of one team-month (`scheduling.selectors.coverage`);
- the eligibility check of one responder for one open position against their year of history
  (`scheduling.eligibility.check_eligibility`), and of the whole team for that position
  (`eligibility_batch`, the shift page's candidate list).

Run by `make bench` after bench/pages.py (same database; it seeds `seed_scale --factor 10` if the
data is missing, BENCH_SCALE_FACTOR for a smaller factor). Prints one table and merges
{"scale_checks": {...}} into bench/results.json, with the load average before and after (the
figures move with whatever else the machine runs). Targets: readiness under 1 s, eligibility under 20 ms.
"""

import json
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import FACTOR, ensure_seeded, percentile, setup  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
TARGETS_MS = {"readiness": 1000.0, "readiness_per_org": 1000.0, "readiness_one_batch": 1000.0, "coverage": 150.0,
              "eligibility": 20.0, "eligibility_team": 100.0}


def timed(fn, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(percentile(timings, 95), 1),
            "max_ms": round(max(timings), 1), "queries": queries, "runs": repeat}


def main() -> int:
    setup()
    ensure_seeded(FACTOR)
    from django.utils import timezone

    from apps.accounts.models import Membership, User
    from apps.accounts.roles import Role
    from apps.scale.plan import DOMAIN, scale_organizations
    from apps.scheduling.eligibility import check_eligibility, eligibility_batch
    from apps.scheduling.models import Assignment, Position, PositionRole, Team
    from apps.scheduling.selectors import coverage
    from apps.training.readiness import readiness_batch, readiness_pass

    load_before = os.getloadavg()
    orgs = scale_organizations()
    by_org: dict[int, list[int]] = defaultdict(list)
    for user_id, org_id in Membership.objects.filter(organization__in=orgs, role=Role.RESPONDER).values_list(
            "user_id", "organization_id"):
        by_org[org_id].append(user_id)
    responders = sum(len(ids) for ids in by_org.values())
    now = timezone.now()
    cleared = {}

    def readiness_all():
        cleared.clear()
        for (_org_id, _role), results in readiness_pass(groups=by_org, at=now,
                                                        through=now + timedelta(hours=12)).items():
            cleared.update((uid, r.cleared) for uid, r in results.items())

    per_org = {}

    def readiness_per_org():
        per_org.clear()
        for org_id, ids in by_org.items():
            for uid, r in readiness_batch(users=ids, organization=org_id, at=now,
                                          through=now + timedelta(hours=12)).items():
                per_org[uid] = r.cleared

    rows = {"readiness": {"what": f"readiness_pass of {responders} responders in {len(by_org)} organizations",
                          **timed(readiness_all, max(3, REPEAT // 10))}}
    rows["readiness"]["cleared"] = sum(cleared.values())
    rows["readiness_per_org"] = {"what": f"readiness_batch per organization, {len(by_org)} calls",
                                 **timed(readiness_per_org, max(3, REPEAT // 10))}
    rows["readiness_per_org"]["cleared"] = sum(per_org.values())
    # The engine's single batch: all 2,000 ids against one organization in one call (4 queries). Most
    # are not members of it, which changes their verdict but not the work (their records are read).
    everyone = [uid for ids in by_org.values() for uid in ids]
    first_org = next(iter(by_org))
    rows["readiness_one_batch"] = {
        "what": f"one readiness_batch call with {len(everyone)} responder ids",
        **timed(lambda: readiness_batch(users=everyone, organization=first_org, at=now,
                                        through=now + timedelta(hours=12)), max(3, REPEAT // 10))}

    nonprofit = orgs.filter(slug__startswith="scale-np-").order_by("slug").first()
    team = Team.objects.filter(organization=nonprofit).order_by("name").first()
    coordinator = User.objects.get(email=f"coordinator-000@{DOMAIN}")
    month = timezone.localdate().replace(day=1)
    end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    rows["coverage"] = {"what": f"coverage of {team.name}, {month:%Y-%m}",
                        **timed(lambda: coverage(user=coordinator, team=team, start=month, end=end), REPEAT)}

    position = (Position.objects.filter(shift__team=team, shift__starts_at__gt=now + timedelta(days=7),
                                        role=PositionRole.RESPONDER)
                .select_related("shift__team__team_type", "shift__organization").order_by("shift__starts_at")
                .first())
    # Someone of the team who is not on that shift, with a year of assignments behind them.
    on_shift = set(Assignment.objects.filter(shift=position.shift).values_list("responder_id", flat=True))
    person_id = next(uid for uid in by_org[nonprofit.pk] if uid not in on_shift)
    history = Assignment.objects.filter(responder_id=person_id).count()
    result = {}

    def eligibility():
        result["r"] = check_eligibility(user=person_id, position=position, at=now)

    rows["eligibility"] = {"what": f"check_eligibility for one open position, {history} assignments of history",
                           **timed(eligibility, REPEAT)}
    rows["eligibility"]["allowed"] = result["r"].allowed
    rows["eligibility"]["reasons"] = [reason.code for reason in result["r"].reasons]
    # The coordinator's candidate list on the shift page: the whole team against that position.
    team_ids = by_org[nonprofit.pk]
    rows["eligibility_team"] = {"what": f"eligibility_batch of {len(team_ids)} people for that position",
                                **timed(lambda: eligibility_batch(users=team_ids, position=position, at=now), REPEAT)}

    for key, row in rows.items():
        row["target_ms"] = TARGETS_MS[key]
        row["meets_target"] = row["p95_ms"] < TARGETS_MS[key]
    load = {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]}
    output = {"factor": FACTOR, "database": "postgresql", "load_average": load, **rows,
              "meets_target": all(r["meets_target"] for r in rows.values())}
    results_path = ROOT / "bench" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["scale_checks"] = output
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"scale checks at factor {FACTOR:g} (load average before {load['before']}, after {load['after']})")
    print(f"{'check':<20} {'p50':>8} {'p95':>8} {'max':>8} {'queries':>7} {'target':>8}  ok  what")
    for key, r in rows.items():
        print(f"{key:<20} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['max_ms']:>8} {r['queries']:>7} "
              f"{r['target_ms']:>8g}  {'yes' if r['meets_target'] else 'NO ':<3} {r['what']}")
    return 0 if output["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
