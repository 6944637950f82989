"""Time the batch readiness of a whole organization: `manage.py bench_readiness --responders 2000
--records 40000`. The data is made inside a transaction that is rolled back, so nothing stays."""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import Membership, Organization, User
from apps.accounts.roles import OrganizationKind, Role
from apps.training.models import Course, FieldHours, RequirementRole, RoleRequirement, TrainingRecord
from apps.training.readiness import readiness_batch


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark readiness_batch for one organization (data is rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--responders", type=int, default=2000)
        parser.add_argument("--records", type=int, default=40000)
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, responders, records, runs, **options):
        try:
            with transaction.atomic():
                self._run(responders, records, runs)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, n_people: int, n_records: int, runs: int) -> None:
        rng = random.Random(5)  # noqa: S311 - benchmark data, not security
        stamp = int(time.time())
        org = Organization.objects.create(name=f"Bench {stamp}", slug=f"bench-{stamp}", kind=OrganizationKind.NONPROFIT)
        courses = [Course.objects.create(code=f"bench-{stamp}-{i}", title=f"Bench course {i}", category="safety",
                                         renewal_months=rng.choice([12, 24, 36, None])) for i in range(10)]
        requirement = RoleRequirement.objects.create(role=RequirementRole.RESPONDER, organization=org,
                                                     effective_from=date(2000, 1, 1), min_field_hours=Decimal("76"))
        requirement.courses.set(courses[:8])
        people = User.objects.bulk_create(
            [User(email=f"bench-{stamp}-{i}@example.org", password="!") for i in range(n_people)], batch_size=1000)
        Membership.objects.bulk_create([Membership(user=u, organization=org, role=Role.RESPONDER) for u in people],
                                       batch_size=1000)
        today = timezone.localdate()
        rows = []
        for i in range(n_records):
            course = courses[i % len(courses)]
            completed = today - timedelta(days=rng.randint(0, 1500))
            rows.append(TrainingRecord(
                responder=people[i % n_people], organization=org, course=course, completed_on=completed,
                expires_on=course.expiry_for(completed), source=TrainingRecord.Source.EXTERNAL,
                status=rng.choice(["verified"] * 8 + ["pending", "rejected"]),
                rejection_reason="bench"))
        TrainingRecord.objects.bulk_create(rows, batch_size=2000)
        FieldHours.objects.bulk_create([
            FieldHours(responder=u, organization=org, worked_on=today - timedelta(days=10), hours=Decimal("20"),
                       preceptor=people[(i + 1) % n_people], status="signed_off")
            for i, u in enumerate(people) for _ in range(4)], batch_size=2000)
        ids = [u.pk for u in people]
        now = timezone.now()
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                result = readiness_batch(users=ids, organization=org, at=now, through=now + timedelta(hours=12))
                timings.append(time.perf_counter() - started)
        cleared = sum(1 for r in result.values() if r.cleared)
        self.stdout.write(
            f"readiness_batch: {n_people} responders, {n_records} records on {connection.vendor}: "
            f"best {min(timings):.3f}s, worst {max(timings):.3f}s over {runs} runs, "
            f"{len(ctx.captured_queries)} queries, {cleared} cleared")
