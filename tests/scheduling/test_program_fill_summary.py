"""The program-wide, de-identified fill summary for the evaluator's monthly report."""

from datetime import date

import pytest

from apps.scheduling.selectors import program_fill_summary
from tests.factories.program_world import schedule_month

pytestmark = pytest.mark.django_db


def figures(row) -> tuple:
    return (row.label, row.published, row.filled, row.fill_rate, row.hours_scheduled, row.hours_worked, row.no_shows)


def test_program_fill_summary_exact_figures_for_the_admin():
    schedule_month()
    summary = program_fill_summary(month=date(2026, 2, 17), exact=True)
    assert figures(summary.total) == ("", 11, 8, 72.7, 68.0, 51.5, 1)
    assert [figures(r) for r in summary.by_team_type] == [
        ("Community responders", 8, 6, 75.0, 56.0, 39.5, 1),
        ("Police and clinician co-response", 3, 2, 66.7, 12.0, 12.0, 0),
    ]
    assert [(r.key is None,) + figures(r) for r in summary.by_zone] == [
        (False, "Dorchester", 8, 6, 75.0, 56.0, 39.5, 1),
        (True, "", 3, 2, 66.7, 12.0, 12.0, 0),
    ]


def test_program_fill_summary_suppresses_counts_under_five():
    schedule_month()
    summary = program_fill_summary(month=date(2026, 2, 1))
    # 1 no-show is suppressed; the 8 places, 6 filled, 7 scheduled and 5 completed are shown.
    assert figures(summary.total) == ("", 11, 8, 72.7, 68.0, 51.5, None)
    assert [figures(r) for r in summary.by_team_type] == [
        ("Community responders", 8, 6, 75.0, 56.0, 39.5, None),
        # 3 places, 2 filled: the counts, the rate and the hours of 2 people are all withheld.
        ("Police and clinician co-response", None, None, None, None, None, None),
    ]
    assert [figures(r) for r in summary.by_zone][1] == ("", None, None, None, None, None, None)


def test_program_fill_summary_names_no_organization_or_person():
    world = schedule_month()
    summary = program_fill_summary(month=date(2026, 2, 1))
    text = repr(summary)
    for organization in world["organizations"]:
        assert organization.name not in text
    for person in world["responders"]:
        assert person.full_name not in text and person.email not in text
    assert "Harbor Dorchester Unit" not in text  # team names carry the organization's


def test_program_fill_summary_other_months_and_empty_month():
    schedule_month()
    january = program_fill_summary(month=date(2026, 1, 1), exact=True)
    assert figures(january.total) == ("", 2, 0, 0.0, 0.0, 0.0, 0)
    empty = program_fill_summary(month=date(2025, 6, 1), exact=True)
    assert figures(empty.total) == ("", 0, 0, None, 0.0, 0.0, 0)
    assert (empty.by_team_type, empty.by_zone) == ([], [])


@pytest.mark.parametrize("extra", [0, 3])
def test_program_fill_summary_query_count_does_not_grow(django_assert_num_queries, extra):
    schedule_month(extra_shifts=extra)
    with django_assert_num_queries(4):
        summary = program_fill_summary(month=date(2026, 2, 1), exact=True)
    assert (summary.total.published, summary.total.filled, summary.total.hours_worked) == (
        11 + 2 * extra, 8 + extra, 51.5 + 8 * extra)
