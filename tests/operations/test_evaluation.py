"""The evaluation figures (exact and suppressed), the evaluator's exports (swept for anything personal), who
may download them, and the monthly report's PDF."""

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from apps.operations.evaluation import DATA_DICTIONARY, EXPORT_COLUMNS, evaluation, export_rows
from apps.operations.models import Encounter
from apps.reports import services as reports
from apps.reports.models import ReportRequest
from apps.scheduling.models import Assignment, PositionRole
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place
from tests.reports.conftest import pdf_text

from .encounter_world import *  # noqa: F403  (the fixtures)
from .encounter_world import local

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)
NOTE = "Talked with Joaquin Pereira-Lindqvist about housing"


def encounter(org, zone, *, at, outcome="resolved", source="911", response=None, **extra) -> Encounter:
    """An encounter written directly (the service is tested on its own): dispatched a minute after the
    call, arrived `response` minutes later (no dispatch or arrival when None)."""
    dispatched = at + timedelta(minutes=1) if response is not None else None
    arrived = dispatched + timedelta(minutes=response) if response is not None else None
    return Encounter.objects.create(organization=org, zone=zone, source=source, outcome=outcome, received_at=at,
                                    dispatched_at=dispatched, arrived_at=arrived, idempotency_key=uuid.uuid4(),
                                    **extra)


@pytest.fixture
def month(org, team, shift, lead, dorchester, roxbury):
    """March 2026: 8 encounters (6 in Dorchester, 2 walk-ups in Roxbury), one in February; 3 shifts started
    by now, of which only `shift` had its lead check in."""
    recorder = lead
    for minutes, hour in ((10, 9), (12, 10), (14, 11)):
        encounter(org, dorchester, at=local(2026, 3, 10, hour), response=minutes, shift=shift, recorded_by=recorder,
                  note=NOTE)
    encounter(org, dorchester, at=local(2026, 3, 10, 12), response=20, outcome="referral", referral_kind="housing",
              source="988", follow_up_needed=True, recorded_by=recorder)
    encounter(org, dorchester, at=local(2026, 3, 10, 13), response=30, outcome="police", recorded_by=recorder)
    encounter(org, dorchester, at=local(2026, 3, 3, 23, 30), outcome="unserved", unserved_reason="no_team")
    for day in (4, 5):
        encounter(org, roxbury, at=local(2026, 3, day, 16), source="walk_up")
    encounter(org, roxbury, at=local(2026, 2, 27, 16), source="walk_up")  # February
    unled = make_shift(team=team, starts_at=local(2026, 3, 2, 8), zones=[dorchester])
    place(shift=unled, responder=user_with_role("responder", org), role=PositionRole.LEAD,
          status=Assignment.Status.COMPLETED)  # assigned, never checked in
    make_shift(team=team, starts_at=local(2026, 3, 3, 8), positions=((PositionRole.RESPONDER, 2),))
    make_shift(team=team, starts_at=local(2026, 3, 20, 8))  # not started yet
    return MARCH


def test_the_exact_figures(month):
    figures = evaluation(month=month, exact=True)
    assert (figures.encounters, figures.by_zone) == (8, [("Dorchester Test", 6), ("Roxbury Test", 2)])
    assert [n for _label, n in figures.by_source] == [5, 1, 2, 0]  # 911, 988, walk-up, follow-up
    assert [(h, n) for h, n in figures.by_hour if n] == [(9, 1), (10, 1), (11, 1), (12, 1), (13, 1), (16, 2),
                                                          (23, 1)]
    assert (figures.timed, figures.response_median, figures.response_p90) == (5, 14.0, 30.0)
    assert (figures.contacted, figures.diverted, figures.diverted_share, figures.police_backup) == (7, 6, 85.7, 1)
    assert (figures.referrals, dict(figures.referrals_by_kind)["Shelter or housing"]) == (1, 1)
    assert (figures.unserved, dict(figures.unserved_by_reason)["No team free"], figures.follow_up) == (1, 1, 1)
    assert (figures.shifts, figures.shifts_without_lead) == (3, 2)


def test_counts_under_5_are_suppressed(month):
    figures = evaluation(month=month)
    assert (figures.encounters, figures.by_zone) == (8, [("Dorchester Test", 6), ("Roxbury Test", "<5")])
    assert [n for _label, n in figures.by_source] == [5, "<5", "<5", "<5"]
    assert (figures.response_median, figures.response_p90) == (14.0, 30.0)  # over 5 timed calls
    # 85.7% of 7 beside 6 diverted would tell the 1 police call: the share is suppressed with it.
    assert (figures.diverted, figures.diverted_share, figures.police_backup, figures.referrals) == (6, "<5", "<5", "<5")
    assert (figures.unserved, figures.shifts, figures.shifts_without_lead) == ("<5", "<5", "<5")
    aggregate = {(m, c): v for m, c, v in figures.aggregate_rows()}
    assert aggregate[("Encounters by zone", "Roxbury Test")] == "<5"
    # Every count printed is 5 or more (zero included in "<5"); the times and the share are floats.
    assert [v for v in aggregate.values() if isinstance(v, int) and v < 5] == []


def test_a_time_over_fewer_than_5_calls_is_suppressed(org, dorchester):
    for minutes in (5, 7, 9, 11):
        encounter(org, dorchester, at=local(2026, 3, 9, 10), response=minutes)
    figures = evaluation(month=MARCH)
    assert (figures.timed, figures.response_median, figures.response_p90, figures.diverted_share) == (
        "<5", "<5", "<5", "<5")


def test_the_share_diverted_shows_when_both_parts_are_5_or_more(org, dorchester):
    for outcome in ["resolved"] * 6 + ["police"] * 5 + ["no_contact"] * 2:
        encounter(org, dorchester, at=local(2026, 3, 9, 10), outcome=outcome)
    figures = evaluation(month=MARCH)
    assert (figures.contacted, figures.diverted, figures.police_backup, figures.diverted_share) == (11, 6, 5, 54.5)


def test_an_organization_only_counts_its_own(month, other_org, dorchester):
    encounter(other_org, dorchester, at=local(2026, 3, 9, 10))
    assert evaluation(month=month, organization_ids={other_org.pk}, exact=True).encounters == 1
    assert evaluation(month=month, exact=True).encounters == 9


def test_the_row_export_has_nothing_personal(month, org, team, lead, shift):
    rows = export_rows(month=month)
    assert len(rows) == 8 and all(len(r) == len(EXPORT_COLUMNS) for r in rows)
    assert ["2026-03", "dorchester-test", "12-15", "988", "referral", "housing", "", "yes", "20", ""] in rows
    assert ["2026-03", "dorchester-test", "21-24", "911", "unserved", "", "no_team", "no", "", ""] in rows
    cells = {cell.lower() for row in rows for cell in row}
    forbidden = {lead.full_name, lead.email, *lead.full_name.split(), *lead.full_name.split("-"), org.name,
                 team.name, "joaquin", "pereira", "talked", NOTE}
    for text in forbidden:
        assert not any(text.lower() in cell for cell in cells), text
    assert not {"id", "shift", "organization", "recorded_by", "note", "received_at"} & set(EXPORT_COLUMNS)


def test_the_downloads_for_the_evaluator(client, month, evaluator, lead, org):
    client.force_login(evaluator)
    export = client.get(reverse("operations:evaluation-export"), {"month": "2026-03"})
    assert (export.status_code, export["Content-Type"]) == (200, "text/csv; charset=utf-8")
    table = list(csv.reader(io.StringIO(export.content.decode())))
    assert table[0] == EXPORT_COLUMNS and len(table) == 9
    body = export.content.decode()
    for text in (lead.full_name, lead.email, org.name, "Joaquin", NOTE):
        assert text not in body
    figures = list(csv.reader(io.StringIO(client.get(reverse("operations:evaluation-aggregate"),
                                                     {"month": "2026-03"}).content.decode())))
    assert figures[0] == ["month", "metric", "category", "value"]
    assert ["2026-03", "Encounters by zone", "Roxbury Test", "<5"] in figures
    assert ["2026-03", "Calls diverted from police, share of calls with contact (%)", "", "<5"] in figures
    assert ["2026-03", "Response time (dispatch to arrival), median minutes", "", "14.0"] in figures
    dictionary = list(csv.reader(io.StringIO(client.get(reverse("operations:evaluation-dictionary")).content
                                             .decode())))
    assert dictionary[0] == ["name", "definition", "source"]
    assert [row[0] for row in dictionary[1:]] == [name for name, _d, _s in DATA_DICTIONARY]
    assert set(EXPORT_COLUMNS) <= {row[0] for row in dictionary}


def test_a_bad_month_is_a_400(client, evaluator):
    client.force_login(evaluator)
    assert client.get(reverse("operations:evaluation-export"), {"month": "March"}).status_code == 400
    assert client.get(reverse("operations:evaluation"), {"month": "2026-13"}).status_code == 400


def test_only_program_staff_download(client, month, coordinator, other_coordinator, lead):
    for user in (coordinator, other_coordinator, lead):
        client.force_login(user)
        for name in ("evaluation", "evaluation-export", "evaluation-aggregate", "evaluation-dictionary"):
            assert client.get(reverse(f"operations:{name}")).status_code == 403, (user, name)


def test_the_admin_may_pick_an_organization_and_the_evaluator_may_not(client, month, admin, evaluator, other_org,
                                                                       dorchester):
    encounter(other_org, dorchester, at=local(2026, 3, 9, 10))
    client.force_login(admin)
    page = client.get(reverse("operations:evaluation"), {"month": "2026-03", "organization": other_org.pk})
    assert (page.status_code, page.context["figures"].encounters) == (200, "<5")
    client.force_login(evaluator)
    page = client.get(reverse("operations:evaluation"), {"month": "2026-03", "organization": other_org.pk})
    assert (page.status_code, page.context["figures"].encounters, "organization" in page.context["form"].fields) == (
        200, 9, False)


def test_the_monthly_report_builds(month, evaluator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_request(by=evaluator, kind="encounters_monthly", parameters={"month": "2026-03"})
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.SUCCEEDED, report.error
    pages, text = pdf_text(report)
    assert pages == report.page_count
    for phrase in ("Encounter evaluation (monthly)", "Calls diverted from police", "14.0", "30.0",
                   "Shifts without a lead", "Dorchester Test 6", "Roxbury Test <5", "Data dictionary",
                   "Harvard Kennedy School"):
        assert phrase in text, phrase
    assert NOTE not in text and "Joaquin" not in text
