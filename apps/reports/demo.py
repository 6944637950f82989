"""Demo data for `seed_demo`: last month's program report, for the program admin (full edition) and the
external evaluator (de-identified), built from the other seeders' history. Runs after them.

Both are subscribed to the monthly report and get it the way beat's monthly scan makes it: one
`report_request` per subscriber for the previous month, queued after commit and built by a Celery
worker (eagerly under the test settings; by the worker `make run` starts). `monthly_reports_scan`
itself only acts on the 1st of the month, so this does its per-subscriber step for any day.
Idempotent: a subscriber's report for that month is requested once.
"""

from django.utils import timezone

from apps.core.registry import register_demo_seeder

from . import services
from .models import ReportRequest

SUBSCRIBERS = ["admin", "program-evaluator"]


def seed(*, users, organizations, stdout) -> None:
    period = services.previous_month(timezone.now())
    requested = 0
    for key in SUBSCRIBERS:
        user = users.get(key)
        if user is None:
            continue
        services.subscription_set(user=user, kind=services.PROGRAM_MONTHLY, active=True)
        if ReportRequest.objects.filter(requested_by=user, kind=services.PROGRAM_MONTHLY, period=period).exists():
            continue
        services.report_request(by=user, kind=services.PROGRAM_MONTHLY, parameters={"month": period}, period=period)
        requested += 1
    if requested:
        stdout.write(f"  reports: program monthly report for {period} queued for {requested} subscriber(s)")


register_demo_seeder("reports", seed, order=900)
