"""`seed_demo` makes a program that has been running for a while, relative to the day it runs: worked
shifts with check-ins, no-shows and hours; records expiring and expired; an RFP awarded, one in
evaluation, one open; held sessions with attendance, feedback and decisions; upcoming sessions at
civil hours; this week and next staffed with a few gaps; last month's report built. Run twice, it
creates nothing new. Tried at three instants: a Monday evening (a shift under way), a Sunday just
before midnight on the day clocks spring forward, and just after a month ends."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from apps.accounts.management.commands.seed_demo import DOMAIN
from apps.accounts.models import Organization, User
from apps.engagement.models import CommunitySession, Decision, FeedbackItem, Registration
from apps.procurement.models import EvaluatorAssignment, Proposal, ProposalSubmission, Score, ScoreSheet, Solicitation
from apps.procurement.services import receipt_hash_for
from apps.reports.models import ReportRequest
from apps.reports.services import PROGRAM_MONTHLY, previous_month
from apps.scheduling import selectors as scheduling
from apps.scheduling.models import Assignment, Position, Shift
from apps.training.models import Enrollment, FieldHours, TrainingRecord, TrainingSession
from apps.training.readiness import records_expiring_between

pytestmark = pytest.mark.django_db

CITY = ZoneInfo(settings.TIME_ZONE)
INSTANTS = [
    datetime(2026, 10, 19, 19, 30, tzinfo=CITY),  # Monday evening: the evening team is out
    datetime(2026, 3, 8, 23, 50, tzinfo=CITY),  # Sunday, the day clocks spring forward
    datetime(2026, 12, 1, 0, 5, tzinfo=CITY),  # five minutes into a new month
]
MODELS = [User, Shift, Assignment, TrainingRecord, FieldHours, TrainingSession, Enrollment, Solicitation, Proposal,
          Score, CommunitySession, Registration, FeedbackItem, Decision, ReportRequest]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


def _local(day, at=time.min) -> datetime:
    return datetime.combine(day, at, tzinfo=CITY)


@pytest.mark.parametrize("instant", INSTANTS, ids=["monday-evening", "spring-forward-sunday", "month-start"])
def test_seed_demo_makes_a_running_program(instant, django_capture_on_commit_callbacks):
    with time_machine.travel(instant, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", "--quiet")
        counts = _counts()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", "--quiet")
        assert _counts() == counts

        now, today = timezone.now(), timezone.localdate()
        users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@" + DOMAIN)}
        assert {"admin", "responder", "responder2", "coordinator", "evaluator"} <= set(users)  # logins kept
        for organization in Organization.objects.filter(kind="nonprofit"):
            assert scheduling.responder_candidates(organization_id=organization.pk).count() >= 3

        # Months of worked shifts: hours are check-out minus check-in, a few no-shows.
        worked = Assignment.objects.filter(status="completed")
        assert worked.filter(ends_at__lte=now - timedelta(days=60)).exists()
        assert worked.count() > 300
        for a in worked:
            assert a.ends_at <= now and a.checked_in_at < a.checked_out_at <= now
            assert a.starts_at - timedelta(hours=1) <= a.checked_in_at <= a.ends_at
        assert Assignment.objects.filter(status="no_show", ends_at__lte=now).exists()
        assert not Assignment.objects.filter(status="assigned", ends_at__lte=now - timedelta(days=7)).exists()
        # The invariants the services keep: nobody in two overlapping assignments, no position over-filled.
        active = list(Assignment.objects.filter(status__in=Assignment.ACTIVE).order_by("responder_id", "starts_at")
                      .values_list("responder_id", "starts_at", "ends_at"))
        for (r1, _s1, e1), (r2, s2, _e2) in zip(active, active[1:], strict=False):
            assert r1 != r2 or s2 >= e1
        assert not Position.objects.annotate(n=Count("assignments", filter=Q(
            assignments__status__in=Assignment.ACTIVE))).filter(n__gt=1).exists()

        # Records about to expire and expired.
        assert records_expiring_between(today, today + timedelta(days=30)).exists()
        assert TrainingRecord.objects.filter(status="verified", expires_on__lt=today).exists()
        held_class = TrainingSession.objects.get(course__code="cit-foundations")
        assert held_class.ends_at < now
        assert set(held_class.enrollments.values_list("attendance", flat=True)) == {"present", "absent"}

        # RFPs: last year's awarded, one in evaluation (several evaluators, part-scored), one open.
        by_status = {s.status: s for s in Solicitation.objects.all()}
        assert sorted(by_status) == ["awarded", "evaluation", "published"]
        awarded, evaluating = by_status["awarded"], by_status["evaluation"]
        assert awarded.awarded_at < now - timedelta(days=300) and awarded.awarded_proposal_id
        assert EvaluatorAssignment.objects.filter(solicitation=evaluating).count() == 3
        sheets = ScoreSheet.objects.filter(proposal__solicitation=evaluating)
        assert sheets.filter(submitted_at__isnull=False).exists() and sheets.filter(submitted_at__isnull=True).exists()
        assert Score.objects.filter(sheet__proposal__solicitation=evaluating).exists()
        assert evaluating.opened_at < now < evaluating.scoring_due_at
        assert by_status["published"].proposals_due_at > now
        for submission in ProposalSubmission.objects.select_related("proposal__solicitation"):
            proposal = submission.proposal
            assert submission.submitted_at == proposal.submitted_at < proposal.solicitation.proposals_due_at
            assert submission.receipt_hash == receipt_hash_for(
                reference=proposal.solicitation.reference, code=proposal.code, number=submission.number,
                submitted_at=submission.submitted_at, technical=submission.technical, price=submission.price)

        # Held sessions with attendance and feedback, published decisions; upcoming ones at civil hours.
        held = CommunitySession.objects.filter(status="completed")
        assert held.count() == 3
        for session in held:
            assert session.ends_at < now and session.attendance_count > 0
            assert session.registrations.filter(checked_in_at__isnull=False).exists()
            assert session.feedback_items.filter(status="approved").exists()
        assert Decision.objects.filter(is_published=True, feedback_items__session__in=held).distinct().count() == 2
        upcoming = list(CommunitySession.objects.filter(starts_at__gt=now)) + list(
            TrainingSession.objects.filter(starts_at__gt=now))
        assert len(upcoming) >= 4
        for session in upcoming:
            assert time(9) <= timezone.localtime(session.starts_at).time() <= time(20), session

        # This week and next: published, mostly filled, a few open places.
        monday = today - timedelta(days=today.weekday())
        positions = Position.objects.filter(shift__status="published", shift__starts_at__gte=_local(monday),
                                            shift__starts_at__lt=_local(monday + timedelta(days=14)))
        filled = positions.filter(assignments__status__in=[*Assignment.ACTIVE, "no_show"]).distinct().count()
        total = positions.count()
        assert total >= 70 and 0.8 <= filled / total < 1
        assert not Shift.objects.filter(status="draft", starts_at__lt=_local(monday + timedelta(days=14))).exists()

        # Last month's program report, built, from figures that are there.
        period = previous_month(now)
        reports = ReportRequest.objects.filter(kind=PROGRAM_MONTHLY, period=period)
        assert {r.requested_by.email.split("@")[0] for r in reports} == {"admin", "program-evaluator"}
        assert {r.status for r in reports} == {"succeeded"}
        first = datetime.strptime(period, "%Y-%m").date()
        fill = scheduling.program_fill_summary(month=first, exact=True)
        assert fill.total.published > 0 and fill.total.filled > 0
        hours = sum(r.hours for o in Organization.objects.filter(kind="nonprofit")
                    for r in scheduling.timesheet(organization=o, start=first, end=today.replace(day=1)
                                                  - timedelta(days=1)))
        assert hours > 100
