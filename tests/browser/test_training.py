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
from tests.browser.helpers import Journey, follow_nav, sign_in, sign_out, tab_to
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, user_with_role
from tests.factories.training import CourseFactory, TrainingRecordFactory, requirement

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
    follow_nav(page, "Readiness")
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
    follow_nav(page, "Training sessions")
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


@pytest.fixture
def readiness_world():
    """A coordinator and six responders against the six courses a responder needs (the demo catalog's
    titles, some long), in every state: cleared, expiring, lapsed, awaiting verification, missing."""
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")
    coordinator = user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")
    courses = [CourseFactory(code=code, title=title, renewal_months=24) for code, title in (
        ("cpr-first-aid", "Heartsaver CPR, AED and First Aid"), ("mhfa", "Mental Health First Aid (Adult)"),
        ("de-escalation", "De-escalation and verbal intervention"), ("trauma-informed-care", "Trauma-informed care"),
        ("naloxone", "Naloxone administration and harm reduction"), ("privacy", "Privacy and confidentiality"))]
    requirement(courses=courses, min_field_hours=Decimal("0"))
    today = timezone.localdate()
    recent, old, lapsed = today - timedelta(days=200), today - timedelta(days=700), today - timedelta(days=900)
    for name, completed in (("Ana Cleared", [recent] * 6), ("Ben Expiring", [old] + [recent] * 5),
                            ("Cam Lapsed", [lapsed] + [recent] * 5), ("Dot Partial", [recent] * 3),
                            ("Eve Nothing", []), ("Fay Cleared", [recent] * 6)):
        person = user_with_role(Role.RESPONDER, harbor, email=f"{name.split()[0].lower()}@harbor.example",
                                full_name=name)
        for course, on in zip(courses, completed, strict=False):
            TrainingRecordFactory(responder=person, organization=harbor, course=course, completed_on=on)
    return {"coordinator": coordinator}


@pytest.mark.parametrize("width", [1280, 320])
def test_readiness_matrix_is_a_keyboard_scroll_region_with_titles(new_page, readiness_world, width):
    page = new_page(width=width)
    journey = Journey(f"5-readiness-matrix-{width}", page)
    sign_in(page, email=readiness_world["coordinator"].email, password=DEFAULT_PASSWORD)
    follow_nav(page, "Readiness")
    names = page.get_by_role("rowheader").all_inner_texts()
    assert names == ["Cam Lapsed", "Dot Partial", "Eve Nothing", "Ben Expiring", "Ana Cleared", "Fay Cleared"]
    journey.check("matrix")

    region = page.get_by_role("region", name="Readiness of each responder")
    tab_to(page, "Readiness of each responder")
    assert region.evaluate("el => el === document.activeElement")
    if width == 320:  # narrower than the table: the arrow keys scroll it, the names stay in view
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.activeElement.scrollLeft > 0")
        name = page.get_by_role("rowheader", name="Cam Lapsed").bounding_box()
        assert name["x"] >= region.bounding_box()["x"] - 1
    # A shortened title shows in full on keyboard focus; a screen reader hears the full title anyway.
    tab_to(page, re.compile("Heartsaver CPR, AED and First Aid$"))
    tip = page.locator(".course-abbr:focus .course-full")
    assert tip.inner_text() == "Heartsaver CPR, AED and First Aid"
    assert tip.bounding_box()["width"] > 100
    assert page.get_by_role("columnheader", name="Heartsaver CPR, AED and First Aid").count() == 1

    page.get_by_label("Status").select_option(label="Not cleared")
    page.get_by_label("Name or email").fill("ca")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("rowheader").all_inner_texts() == ["Cam Lapsed"]
    journey.check("filtered")
