"""The program-wide engagement figures of the monthly report: exact for the admin, counts of people
under 5 suppressed otherwise, in a fixed number of queries."""

from datetime import date

import pytest

from apps.engagement.selectors import program_engagement_summary
from tests.factories.program_world import engagement_month, local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(local(2026, 3, 2, 9), tick=False)


def test_program_engagement_summary_exact_figures():
    engagement_month()
    summary = program_engagement_summary(month=date(2026, 2, 9), exact=True)
    assert summary == {
        "sessions_held": 3, "sessions_cancelled": 1,
        "sessions_by_kind": {"listening": 2, "design": 1, "report_back": 0},
        "attendance_recorded": 2, "attendance": 12, "registrations": 6, "waitlisted": 1, "checked_in": 2,
        "feedback_received": 9,
        "feedback_by_language": [{"code": "en", "name": "English", "native_name": "English", "count": 6},
                                 {"code": "es", "name": "Spanish", "native_name": "Español", "count": 3}],
        "feedback_by_neighborhood": [{"name": "Dorchester", "count": 5}, {"name": "Roxbury", "count": 3},
                                     {"name": None, "count": 1}],
        "decisions_published": 1,
    }


def test_program_engagement_summary_suppresses_people_under_five():
    engagement_month()
    summary = program_engagement_summary(month=date(2026, 2, 1))
    assert (summary["sessions_held"], summary["sessions_cancelled"], summary["decisions_published"]) == (3, 1, 1)
    assert (summary["attendance"], summary["registrations"], summary["waitlisted"], summary["checked_in"],
            summary["feedback_received"]) == (12, 6, None, None, 9)
    assert [r["count"] for r in summary["feedback_by_language"]] == [6, None]
    assert summary["feedback_by_neighborhood"] == [{"name": "Dorchester", "count": 5},
                                                   {"name": "Roxbury", "count": None},
                                                   {"name": None, "count": None}]


def test_program_engagement_summary_sessions_not_yet_held(time_machine):
    engagement_month()
    time_machine.move_to(local(2026, 2, 19, 9), tick=False)  # before the design workshop
    summary = program_engagement_summary(month=date(2026, 2, 1), exact=True)
    assert (summary["sessions_held"], summary["sessions_by_kind"]["design"], summary["registrations"],
            summary["waitlisted"]) == (2, 0, 4, 0)


def test_program_engagement_summary_empty_month():
    engagement_month()
    summary = program_engagement_summary(month=date(2025, 6, 1))
    assert (summary["sessions_held"], summary["attendance_recorded"], summary["attendance"],
            summary["feedback_received"], summary["feedback_by_language"], summary["decisions_published"]) == (
        0, 0, None, None, [], 0)


@pytest.mark.parametrize("extra", [0, 3])
def test_program_engagement_summary_query_count_does_not_grow(django_assert_num_queries, extra):
    engagement_month(extra=extra)
    with django_assert_num_queries(5):
        summary = program_engagement_summary(month=date(2026, 2, 1), exact=True)
    assert (summary["sessions_held"], summary["feedback_received"]) == (3 + extra, 9 + extra)


def test_program_engagement_summary_a_session_under_way_is_not_yet_held(time_machine):
    engagement_month()
    time_machine.move_to(local(2026, 2, 20, 18, 30), tick=False)  # the design workshop began at 18:00
    summary = program_engagement_summary(month=date(2026, 2, 1), exact=True)
    assert (summary["sessions_held"], summary["sessions_by_kind"]["design"]) == (2, 0)
