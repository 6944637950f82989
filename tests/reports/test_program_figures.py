"""The program monthly report's schedule fill and community-session figures, for the program admin
(exact, organizations named) and the external evaluator (de-identified, counts under 5 suppressed),
in English and Spanish."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.roles import Role
from apps.engagement.models import CommunitySession
from apps.reports.kinds.program import gather_monthly
from apps.scheduling.models import Assignment, Team
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, RegistrationFactory, SessionFactory
from tests.factories.program_world import ORGANIZATIONS, RESPONDERS, engagement_month, local, schedule_month
from tests.factories.scheduling import TeamFactory, make_shift, place

from .conftest import pdf_text
from .test_kinds import build

pytestmark = pytest.mark.django_db
MONTH = "2026-02"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(local(2026, 3, 2, 9), tick=False)


@pytest.fixture
def world():
    scheduled = schedule_month()
    engagement_month()
    return {**scheduled,
            "admin": user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory(), full_name="Alma Admin"),
            "evaluator": user_with_role(Role.PROGRAM_EVALUATOR, full_name="Evan Evaluator",
                                        email="evan@evaluation.example")}


def test_admin_edition_has_exact_figures_and_organizations(world, django_capture_on_commit_callbacks):
    _pages, text = pdf_text(build(world["admin"], "program_monthly", {"month": MONTH},
                                  django_capture_on_commit_callbacks))
    assert "72.7% Schedule fill rate 3 Sessions held" in text
    assert "Community responders 8 6 75.0% 56.0 39.5 1" in text
    # The PDF wraps the long team-type name ("co- response"): the figures follow it.
    assert "Police and clinician co-" in text and "response 3 2 66.7% 12.0 12.0 0 Total 11 8 72.7% 68.0 51.5 1" in text
    assert "Dorchester 8 6 75.0% 56.0 39.5 1" in text and "No zone 3 2 66.7% 12.0 12.0 0" in text
    assert "Registrations 6 On the waitlist 1 Checked in 2 Attendance 12 Comments received 9" in text
    assert "English 6 Spanish 3" in text and "Dorchester 5 Roxbury 3 Not given 1" in text
    assert "Harbor Outreach Fellowship 4" in text  # the per-organization table stays in the admin's edition
    assert "De-identified edition" not in text


def test_evaluator_edition_suppresses_small_counts(world, django_capture_on_commit_callbacks):
    _pages, text = pdf_text(build(world["evaluator"], "program_monthly", {"month": MONTH},
                                  django_capture_on_commit_callbacks))
    assert "<5 Responders" in text and "7 Shifts worked 51.5 Hours worked <5 No-shows" in text
    assert "72.7% Schedule fill rate 3 Sessions held" in text
    assert "Community responders 8 6 75.0% 56.0 39.5 <5" in text
    # A fill rate over a suppressed number of places reads "<5" like the count; the hours it would reveal "—".
    assert "response <5 <5 <5 — — <5 Total 11 8 72.7% 68.0 51.5 <5" in text
    assert "Dorchester 8 6 75.0% 56.0 39.5 <5" in text and "No zone <5 <5 <5 — — <5" in text
    # "Cleared for duty" reads the same in the key figures and in the training part: "<5", never "—".
    assert "<5 Cleared for duty" in text and "Cleared for duty: <5 of <5 responders (<5)." in text
    assert ("Sessions held 3 Listening sessions 2 Community-design workshops 1 Report-back sessions 0 "
            "Sessions cancelled 1 Registrations 6 On the waitlist <5 Checked in <5 Attendance 12 "
            "Comments received 9 Decisions published 1") in text
    assert "English 6 Spanish <5" in text and "Dorchester 5 Roxbury <5 Not given <5" in text
    assert "De-identified edition: no person or organization is named" in text


def test_evaluator_edition_names_no_responder_or_organization(world, django_capture_on_commit_callbacks):
    _pages, text = pdf_text(build(world["evaluator"], "program_monthly", {"month": MONTH},
                                  django_capture_on_commit_callbacks))
    lowered = text.lower()
    for name in ORGANIZATIONS + RESPONDERS + ("Harbor Dorchester Unit", "Riverside Co-Response", "Marisol"):
        assert name.lower() not in lowered, name
    for person in world["responders"]:
        assert person.email not in lowered
    assert "By organization" not in text and "Responders cleared for duty (%)" not in text


def test_evaluator_edition_in_spanish(world, django_capture_on_commit_callbacks):
    world["evaluator"].preferred_language = "es"
    world["evaluator"].save(update_fields=["preferred_language"])
    _pages, text = pdf_text(build(world["evaluator"], "program_monthly", {"month": MONTH},
                                  django_capture_on_commit_callbacks))
    assert "Tasa de cobertura de turnos" in text and "Horario de turnos" in text
    assert "Por tipo de equipo" in text and "Puestos publicados" in text
    assert "Sesiones realizadas 3" in text and "Comentarios recibidos 9" in text
    assert "English 6 Español <5" in text and "Roxbury <5 No indicado <5" in text
    assert "Edición sin datos identificativos" in text
    assert "Schedule fill rate" not in text and "Sessions held" not in text
    for name in ORGANIZATIONS + RESPONDERS:
        assert name not in text


def _more_rows(world, n: int) -> None:
    """n more teams with a shift and a completed assignment each, sessions held with registrations,
    and comments."""
    existing = Team.objects.get(name="Harbor Dorchester Unit")
    department = CommunitySession.objects.first().organization
    for day in range(n):
        team = TeamFactory(organization=existing.organization, team_type=existing.team_type)
        shift = make_shift(team=team, starts_at=local(2026, 2, 15 + day))
        place(shift=shift, responder=world["responders"][0], status=Assignment.Status.COMPLETED,
              checked_in_at=shift.starts_at, checked_out_at=shift.ends_at)
        session = SessionFactory(organization=department, starts_at=local(2026, 2, 15 + day, 18),
                                 status=CommunitySession.Status.COMPLETED, attendance_count=3)
        RegistrationFactory.create_batch(2, session=session)
        FeedbackFactory()


def _gather_queries(user) -> tuple[int, dict]:
    user.role_grants  # noqa: B018 -- read once per user (cached), before any report runs
    with CaptureQueriesContext(connection) as queries:
        data = gather_monthly(user=user, data={"month": MONTH}, progress=lambda percent: None)
    return len(queries), data


@pytest.mark.parametrize("who", ["admin", "evaluator"])
def test_monthly_query_count_does_not_grow_with_rows(world, who):
    before, data = _gather_queries(world[who])
    _more_rows(world, 3)
    after, more = _gather_queries(world[who])
    assert (more["fill"].total.published, more["sessions"]["sessions_held"]) == (
        data["fill"].total.published + 6, data["sessions"]["sessions_held"] + 3)
    assert after == before
