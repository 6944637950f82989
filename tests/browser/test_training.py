"""Journey 5: a trainer takes attendance and records the pass; the responder's readiness changes on the
coordinator's matrix."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from apps.accounts.roles import Role
from apps.training import services
from apps.training.models import Enrollment, TrainingRecord
from tests.browser.helpers import Journey, sign_in, sign_out
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, user_with_role
from tests.factories.training import CourseFactory, requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def class_in_progress():
    """CPR is the one course a responder needs; Ray enrolled in a CPR class that began an hour ago."""
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")
    trainer = user_with_role(Role.TRAINER, harbor, email="tess@harbor.example", full_name="Tess Trainer")
    coordinator = user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")
    responder = user_with_role(Role.RESPONDER, harbor, email="ray@harbor.example", full_name="Ray Sponder")
    cpr = CourseFactory(code="cpr", title="CPR and First Aid", hours=Decimal("4"), renewal_months=24,
                        expires_end_of_month=True)
    requirement(courses=[cpr], min_field_hours=Decimal("0"))
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    with time_machine.travel(starts - timedelta(days=2)):
        session = services.session_create(by=trainer, organization=harbor, course=cpr, trainer=trainer,
                                          starts_at=starts, ends_at=starts + timedelta(hours=4),
                                          location="Harbor community room", capacity=8)
        enrollment = services.enrollment_create(by=responder, session=session, responder=responder)
    return {"trainer": trainer, "coordinator": coordinator, "responder": responder, "enrollment": enrollment}


def _readiness_of(page, name: str) -> str:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Readiness").click()
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name)).get_by_role(
        "cell").first.inner_text()


def test_attendance_and_pass_clear_the_responder_on_the_matrix(new_page, class_in_progress):
    data = class_in_progress
    page = new_page()
    journey = Journey("5-training", page)

    sign_in(page, email=data["coordinator"].email, password=DEFAULT_PASSWORD)
    assert _readiness_of(page, "Ray Sponder") == "✗ Not cleared"
    journey.check("matrix before")
    sign_out(page)

    sign_in(page, email=data["trainer"].email, password=DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training sessions").click()
    journey.check("training sessions")
    page.get_by_role("link", name="CPR and First Aid").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Ray Sponder"))
    row.get_by_label("Attendance").select_option(label="Present")
    journey.check("roll")
    row.get_by_role("button", name="Save").click()
    assert page.get_by_text("Attendance saved for Ray Sponder.").is_visible()
    row.get_by_role("button", name="Passed").click()
    assert page.get_by_text("Assessment saved for Ray Sponder.").is_visible()
    assert re.search(r"record created", row.inner_text())
    journey.check("passed")
    enrollment = Enrollment.objects.get(pk=data["enrollment"].pk)
    assert (enrollment.attendance, enrollment.hours_attended, enrollment.assessment) == (
        "present", Decimal("4.00"), "passed")
    record = TrainingRecord.objects.get(responder=data["responder"])
    assert (record.course.code, record.status, record.verified_by) == ("cpr", "verified", data["trainer"])
    sign_out(page)

    sign_in(page, email=data["coordinator"].email, password=DEFAULT_PASSWORD)
    assert _readiness_of(page, "Ray Sponder") == "✓ Cleared"
    journey.check("matrix after")
