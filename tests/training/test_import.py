"""The CSV import of completed training: the row report, nothing written on any problem, the
two-step confirm, permissions, the API, and a query count that does not grow with the rows."""

import codecs
import os
from datetime import date, timedelta

import pytest
import time_machine
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from rest_framework.test import APIClient

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.core.audit import verify_chain
from apps.core.models import AuditEvent
from apps.notifications.models import Notification
from apps.training.models import TrainingRecord
from apps.training.views import imports as import_views
from tests.factories import MembershipFactory, OrganizationFactory, user_with_role
from tests.factories.training import CourseFactory, TrainingRecordFactory
from tests.training.conftest import local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 10)
HEADER = "email,course_code,completed_on,expires_on,certificate_number"
URL = "/training/records/import/"
CONFIRM_URL = "/training/records/import/confirm/"
API_URL = "/api/v1/training/records/import/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode()


def _state() -> tuple[int, int, int]:
    """What an import may write: records, audit events, notifications."""
    return TrainingRecord.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def _upload(client, org, content: bytes, name: str = "records.csv"):
    return client.post(URL, {"organization": org.pk, "file": SimpleUploadedFile(name, content, "text/csv")})


def _codes(response) -> list[tuple]:
    return [(p.row, p.column, p.code) for p in response.context["report"].problems]


def _messages(response) -> list[str]:
    return [p.message for p in response.context["report"].problems]


# --- a good file ---------------------------------------------------------------------------------

def test_good_file_previews_then_imports_exact_records(client, org, responder, peer, coordinator, cpr, mhfa,
                                                       django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    content = _csv("ray@example.org,cpr,2026-01-15,,AHA-1",
                   "PAT@Example.org,MHFA,2025-11-02,2027-06-30,")
    before = _state()

    response = _upload(client, org, content)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.problems == []
    assert [(r.row, r.responder, r.course, r.completed_on, r.expires_on, r.action) for r in report.rows] == [
        (2, responder, cpr, date(2026, 1, 15), date(2028, 1, 31), "create"),
        (3, peer, mhfa, date(2025, 11, 2), date(2027, 6, 30), "create"),
    ]
    assert _state() == before  # the check writes nothing
    token = response.context["token"]
    assert token and "Import 2 records" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM_URL, {"token": token})

    assert response.status_code == 302
    assert response["Location"] == "/training/readiness/?organization=harbor-outreach"
    records = list(TrainingRecord.objects.order_by("responder__email").values_list(
        "responder__email", "organization__slug", "course__code", "completed_on", "expires_on", "certificate_number",
        "source", "status", "verified_by__email", "submitted_by__email"))
    assert records == [
        ("pat@example.org", "harbor-outreach", "mhfa", date(2025, 11, 2), date(2027, 6, 30), "", "external",
         "verified", "cora@example.org", "cora@example.org"),
        ("ray@example.org", "harbor-outreach", "cpr", date(2026, 1, 15), date(2028, 1, 31), "AHA-1", "external",
         "verified", "cora@example.org", "cora@example.org"),
    ]
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor__email", "organization__slug"))
    assert events == [("training.record.imported", "cora@example.org", "harbor-outreach")] * 2 + [
        ("training.records.imported", "cora@example.org", "harbor-outreach")]
    summary = AuditEvent.objects.get(action="training.records.imported")
    assert (summary.after["created"], summary.after["skipped"], summary.after["rows"],
            summary.after["file_name"]) == (2, 0, 2, "records.csv")
    assert verify_chain() == (3, None)
    # Each responder is told, as for any verified record.
    told = sorted(Notification.objects.filter(kind="training.record_verified", channel="in_app")
                  .values_list("recipient_user__email", flat=True))
    assert told == ["pat@example.org", "ray@example.org"]
    # The stored upload is gone once imported.
    assert _stored() == []


def test_headers_are_matched_case_insensitively_with_extras_ignored(client, org, responder, coordinator, cpr):
    client.force_login(coordinator)
    content = ("\ufeffResponder Email;Course;Completed On;Shoe size\r\n\r\n"
               "ray@example.org;cpr;2026-01-15;44\r\n;;;\r\n").encode()

    response = _upload(client, org, content)

    assert response.status_code == 200
    report = response.context["report"]
    assert report.problems == []
    assert [(n.row, n.code) for n in report.notes] == [(1, "ignored_columns")]
    assert "Shoe size" in report.notes[0].message
    assert [(r.row, r.email, r.expires_on) for r in report.rows] == [(3, "ray@example.org", date(2028, 1, 31))]


def test_template_downloads_and_is_a_valid_import(client, org, responder, coordinator):
    CourseFactory(code="cpr")
    client.force_login(coordinator)
    response = client.get("/training/records/import/template.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines()[0] == HEADER
    # The example row names someone who does not exist: the only problem is that person.
    response = _upload(client, org, response.content)
    assert _codes(response) == [(2, "email", "unknown_responder")]


# --- bad files: one clear problem, nothing written -----------------------------------------------

XLSX = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40


@pytest.mark.parametrize(("content", "code", "words"), [
    (b"", "empty", "The file is empty."),
    (b"\r\n\r\n  \r\n", "empty", "The file is empty."),
    (_csv(), "header_only", "a header row but no data rows"),
    (_csv("ren\xe9e@example.org,cpr,2026-01-15,,").replace(b"\xc3\xa9", b"\xe9"), "not_utf8",
     "not UTF-8 text (row 2"),
    (codecs.BOM_UTF16_LE + _csv("ray@example.org,cpr,2026-01-15,,").decode().encode("utf-16-le"), "not_utf8",
     "UTF-16"),
    (_csv("ray@example.org,cpr,2026-01-15,,").decode().encode("utf-16-le"), "not_utf8", "UTF-16"),
    (XLSX, "spreadsheet", "spreadsheet workbook (XLSX)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary", "NUL bytes"),
    (_csv("ray@example.org,cpr,2026-01-15,,\x00"), "binary", "NUL bytes"),
    (_csv("ray@example.org,cpr,2026-01-15,,\x07"), "binary", "Row 2 contains control characters"),
    (_csv("ray@example.org,cpr,2026-01-15", header="email,completed_on,notes"), "missing_columns",
     "Required columns are missing: course_code."),
    (_csv("x", header="name,date"), "missing_columns", "missing: email, course_code, completed_on."),
    (_csv("ray@example.org,cpr,cpr,2026-01-15", header="email,course,course code,completed on"),
     "duplicate_column", "“course_code” appears twice"),
    (_csv('ray@example.org,"cpr"x,2026-01-15,,'), "malformed_csv", "Row 2 is not valid CSV"),
])
def test_bad_file_is_refused_with_a_clear_problem(client, org, responder, coordinator, cpr, content, code, words):
    client.force_login(coordinator)
    before = _state()

    response = _upload(client, org, content)

    assert response.status_code == 400
    report = response.context["report"]
    assert [p.code for p in report.problems] == [code]
    assert words in report.problems[0].message
    assert escape(report.problems[0].message) in response.content.decode()
    assert response.context["token"] == ""
    assert _state() == before


def test_file_over_the_size_limit(client, settings, org, responder, coordinator, cpr):
    settings.TRAINING_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(coordinator)
    content = _csv(*["ray@example.org,cpr,2026-01-15,," + "x" * 60] * 20000)
    assert len(content) > 1024 * 1024
    before = _state()

    response = _upload(client, org, content)

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["The file is larger than 1 MB; split it into smaller files."]
    assert _state() == before


def test_file_over_the_row_limit(client, settings, org, responder, coordinator, cpr):
    settings.TRAINING_IMPORT_MAX_ROWS = 3
    client.force_login(coordinator)
    before = _state()

    response = _upload(client, org, _csv(*[f"ray@example.org,cpr,2026-01-{d:02d},," for d in range(1, 5)]))

    assert response.status_code == 400
    assert _messages(response) == ["The file has more than 3 data rows; split it into smaller files."]
    assert _state() == before


# --- bad rows: every problem with its row and column ---------------------------------------------

def test_every_row_problem_is_reported_and_nothing_written(client, org, other_org, responder, peer, coordinator,
                                                           cpr, mhfa):
    user_with_role(Role.RESPONDER, other_org, email="elsewhere@example.org")
    CourseFactory(code="retired", is_active=False)
    MembershipFactory(user=coordinator, organization=org, role=Role.RESPONDER)  # a coordinator who also responds
    client.force_login(coordinator)
    content = _csv(
        "nobody@example.org,cpr,2026-01-15,,",            # 2 unknown person
        "elsewhere@example.org,cpr,2026-01-15,,",         # 3 another organization's responder
        "not-an-email,cpr,2026-01-15,,",                  # 4
        "ray@example.org,kpr,2026-01-15,,",               # 5 unknown course
        "ray@example.org,retired,2026-01-15,,",           # 6 inactive course
        "ray@example.org,cpr,2026-02-30,,",               # 7 no such day
        "ray@example.org,cpr,03/04/2026,,",               # 8 ambiguous
        "ray@example.org,cpr,13/04/2025,,",               # 9 not ISO
        "ray@example.org,cpr,yesterday,,",                # 10
        "ray@example.org,cpr,2026-03-11,,",               # 11 tomorrow
        "ray@example.org,cpr,2026-01-10,2026-01-09,",     # 12 expiry before completion
        "ray@example.org,cpr,2026-01-11,2028-02-01,",     # 13 expiry later than the course allows
        "pat@example.org,mhfa,2026-01-15,,",              # 14
        "PAT@example.org,MHFA,2026-01-15,,",              # 15 the same as row 14
        ",cpr,,,",                                        # 16 two required values missing
        "pat@example.org,cpr,2026-01-15,," + "9" * 65,    # 17 certificate number too long
        "pat@example.org,cpr,2025-01-15,,C-1,surplus",    # 18 a cell beyond the header
        "cora@example.org,cpr,2026-01-15,,",              # 19 the importer's own record
        "ray@example.org,cpr,2026-01-20,,C-2",            # 20 fine
    )
    before = _state()

    response = _upload(client, org, content)

    assert response.status_code == 400
    assert _codes(response) == [
        (2, "email", "unknown_responder"),
        (3, "email", "unknown_responder"),
        (4, "email", "invalid_email"),
        (5, "course_code", "unknown_course"),
        (6, "course_code", "inactive_course"),
        (7, "completed_on", "invalid_date"),
        (8, "completed_on", "ambiguous_date"),
        (9, "completed_on", "invalid_date"),
        (10, "completed_on", "invalid_date"),
        (11, "completed_on", "future_date"),
        (12, "expires_on", "expiry_before_completion"),
        (13, "expires_on", "expiry_too_late"),
        (15, None, "duplicate_row"),
        (16, "email", "required"),
        (16, "completed_on", "required"),
        (17, "certificate_number", "too_long"),
        (18, None, "extra_cells"),
        (19, "email", "own_record"),
    ]
    messages = {(p.row, p.column): p.message for p in response.context["report"].problems}
    # Someone of another organization gets the same words as someone who does not exist.
    assert messages[(2, "email")] == "No responder of Harbor Outreach has the email “nobody@example.org”."
    assert messages[(3, "email")] == "No responder of Harbor Outreach has the email “elsewhere@example.org”."
    assert messages[(8, "completed_on")] == ("“03/04/2026” is ambiguous (day and month could be either way "
                                             "round). Write dates as YYYY-MM-DD, for example 2026-03-04.")
    assert messages[(13, "expires_on")] == ("The expiry date is later than the course allows (2028-01-31 for a "
                                            "completion on this date).")
    assert messages[(15, None)] == "The same record as row 14 (same person, course and completion date)."
    html = response.content.decode()
    assert "18 problems found." in html
    assert 'action="/training/records/import/confirm/"' not in html
    assert response.context["token"] == ""
    assert _state() == before


def test_existing_records_are_skipped_and_reported(client, org, responder, peer, coordinator, cpr):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2026, 1, 15))
    TrainingRecordFactory(responder=peer, organization=org, course=cpr, completed_on=date(2026, 1, 15),
                          status=TrainingRecord.Status.REJECTED, rejection_reason="Blurry")
    client.force_login(coordinator)

    response = _upload(client, org, _csv("ray@example.org,cpr,2026-01-15,,", "pat@example.org,cpr,2026-01-15,,"))

    assert response.status_code == 200
    report = response.context["report"]
    assert [(n.row, n.code) for n in report.notes] == [(2, "already_recorded")]
    assert [(r.row, r.action) for r in report.rows] == [(2, "skip"), (3, "create")]
    client.post(CONFIRM_URL, {"token": response.context["token"]})
    assert TrainingRecord.objects.filter(responder=peer, status=TrainingRecord.Status.VERIFIED).count() == 1
    assert TrainingRecord.objects.filter(responder=responder).count() == 1


def test_a_file_of_records_all_already_there_has_nothing_to_import(client, org, responder, coordinator, cpr):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2026, 1, 15))
    client.force_login(coordinator)
    before = _state()

    response = _upload(client, org, _csv("ray@example.org,cpr,2026-01-15,,"))

    assert response.status_code == 400
    assert [(p.row, p.code) for p in response.context["report"].problems] == [(None, "nothing_to_import")]
    assert _state() == before


# --- the confirm step ----------------------------------------------------------------------------

@pytest.fixture
def checked(client, org, responder, coordinator, cpr):
    client.force_login(coordinator)
    response = _upload(client, org, _csv("ray@example.org,cpr,2026-01-15,,"))
    assert response.status_code == 200
    return response.context["token"]


def test_confirming_twice_imports_once(client, checked):
    assert client.post(CONFIRM_URL, {"token": checked}).status_code == 302
    state = _state()
    response = client.post(CONFIRM_URL, {"token": checked})
    assert response.status_code == 400
    assert response.context["errors"] == [
        "This upload has expired or is not valid; upload the file again."]
    assert _state() == state
    assert TrainingRecord.objects.count() == 1


@pytest.mark.parametrize("tamper", ["forged", "other_user", "expired", "changed_file", "missing"])
def test_a_bad_confirmation_writes_nothing(client, org, checked, tamper):
    token = checked
    data = signing.loads(token, salt=import_views.TOKEN_SALT)
    if tamper == "forged":
        token = signing.dumps({**data, "o": OrganizationFactory().pk}, salt="another-salt")
    elif tamper == "other_user":
        other = user_with_role(Role.COORDINATOR, org)
        client.force_login(other)
    elif tamper == "changed_file":
        default_storage.delete(data["s"])
        default_storage.save(data["s"], SimpleUploadedFile("x.csv", _csv("ray@example.org,cpr,2026-01-16,,")))
    elif tamper == "missing":
        token = ""
    before = _state()
    with time_machine.travel(NOW + (timedelta(hours=1, minutes=1) if tamper == "expired" else timedelta()),
                             tick=False):
        response = client.post(CONFIRM_URL, {"token": token})

    assert response.status_code == 400
    assert response.context["errors"] == [
        "This upload has expired or is not valid; upload the file again."]
    assert _state() == before


def test_confirm_checks_the_file_again(client, org, responder, checked):
    Membership.objects.filter(user=responder).update(is_active=False)  # left between the two steps
    before = _state()

    response = client.post(CONFIRM_URL, {"token": checked})

    assert response.status_code == 400
    assert _codes(response) == [(2, "email", "unknown_responder")]
    assert "nothing was imported" in response.context["errors"][0]
    assert _state() == before


def _stored() -> list[str]:
    return default_storage.listdir(import_views.STORAGE_DIR)[1]


def test_stale_uploads_are_purged(client, org, checked):
    [stale] = _stored()
    # Written two hours ago (the file's own clock; the stored time comes from the filesystem).
    old = (NOW - timedelta(hours=2)).timestamp()
    os.utime(default_storage.path(f"{import_views.STORAGE_DIR}/{stale}"), (old, old))

    _upload(client, org, _csv("ray@example.org,cpr,2026-01-15,,"))

    [fresh] = _stored()
    assert fresh != stale


# --- who may import ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.RESPONDER, Role.PROGRAM_ADMIN, Role.PROGRAM_EVALUATOR])
def test_others_get_403(client, org, role, responder, cpr):
    user = user_with_role(role, org if role == Role.RESPONDER else None)
    client.force_login(user)
    before = _state()
    assert client.get(URL).status_code == 403
    assert _upload(client, org, _csv("ray@example.org,cpr,2026-01-15,,")).status_code == 403
    assert client.post(CONFIRM_URL, {"token": "x"}).status_code == 403
    assert client.get("/training/records/import/template.csv").status_code == 403
    assert _state() == before


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_trainer_may_import(client, org, responder, trainer, cpr):
    client.force_login(trainer)
    assert client.get(URL).status_code == 200
    response = _upload(client, org, _csv("ray@example.org,cpr,2026-01-15,,"))
    assert response.status_code == 200
    assert client.post(CONFIRM_URL, {"token": response.context["token"]}).status_code == 302
    assert TrainingRecord.objects.get().verified_by == trainer


def test_outsider_cannot_import_into_another_organization(client, org, responder, outsider, cpr):
    client.force_login(outsider)
    before = _state()
    response = _upload(client, org, _csv("ray@example.org,cpr,2026-01-15,,"))
    assert response.status_code == 400
    assert "organization" in response.context["form"].errors
    assert _state() == before


def test_outsider_file_naming_our_responders_finds_no_one(client, other_org, responder, outsider, cpr):
    client.force_login(outsider)
    response = _upload(client, other_org, _csv("ray@example.org,cpr,2026-01-15,,"))
    assert _messages(response) == ["No responder of Riverside Care has the email “ray@example.org”."]


# --- the query count does not grow with the rows -------------------------------------------------

def _people(org, n: int) -> list[str]:
    return [user_with_role(Role.RESPONDER, org, email=f"p{i}@example.org").email for i in range(n)]


def test_check_uses_the_same_queries_for_10_and_100_rows(client, org, coordinator, cpr, mhfa):
    emails = _people(org, 100)
    client.force_login(coordinator)
    counts = []
    for n in (10, 100):
        content = _csv(*[f"{e},{'cpr' if i % 2 else 'mhfa'},2026-01-{1 + i % 28:02d},," for i, e in
                         enumerate(emails[:n])])
        _upload(client, org, content)
        with CaptureQueriesContext(connection) as ctx:
            response = _upload(client, org, content)
        assert response.status_code == 200 and len(response.context["report"].rows) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- the API -------------------------------------------------------------------------------------

@pytest.fixture
def api():
    return APIClient()


def _api_post(api, content: bytes, **fields):
    return api.post(API_URL, {"file": SimpleUploadedFile("r.csv", content, "text/csv"), **fields},
                    format="multipart")


def test_api_dry_run_then_import(api, org, responder, coordinator, cpr):
    api.force_authenticate(coordinator)
    content = _csv("ray@example.org,cpr,2026-01-15,,AHA-9")
    before = _state()

    response = _api_post(api, content)  # dry_run defaults to true

    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["organization"], body["row_count"], body["to_create"], body["created"],
            body["problems"]) == (True, "harbor-outreach", 1, 1, [], [])
    assert body["rows"][0] | {"responder": None} == {
        "row": 2, "email": "ray@example.org", "responder": None, "responder_name": "Ray Sponder",
        "course_code": "cpr", "course_title": "CPR and First Aid", "completed_on": "2026-01-15",
        "expires_on": "2028-01-31", "certificate_number": "AHA-9", "action": "create"}
    assert _state() == before

    response = _api_post(api, content, dry_run="false", organization="harbor-outreach")

    assert response.status_code == 201
    record = TrainingRecord.objects.get()
    assert response.json()["created"] == [record.pk]
    assert (record.responder, record.course, record.certificate_number, record.status) == (
        responder, cpr, "AHA-9", "verified")


def test_api_bad_file_is_400_with_every_problem(api, org, responder, coordinator, cpr):
    api.force_authenticate(coordinator)
    before = _state()
    response = _api_post(api, _csv("nobody@example.org,cpr,2026-01-15,,", "ray@example.org,cpr,15/01/2026,,"),
                         dry_run="false")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"file": [body["detail"]]}
    assert [(p["row"], p["column"], p["code"]) for p in body["problems"]] == [
        (2, "email", "unknown_responder"), (3, "completed_on", "invalid_date")]
    assert _state() == before


@pytest.mark.parametrize(("fields", "field"), [
    ({"organization": "riverside-care"}, "organization"),
    ({"organization": "x" * 300}, "organization"),
    ({"dry_run": "maybe"}, "dry_run"),
])
def test_api_bad_fields(api, org, other_org, responder, coordinator, cpr, fields, field):
    api.force_authenticate(coordinator)
    response = _api_post(api, _csv("ray@example.org,cpr,2026-01-15,,"), **fields)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_api_needs_a_file_and_multipart(api, coordinator):
    api.force_authenticate(coordinator)
    assert list(api.post(API_URL, {}, format="multipart").json()["errors"]) == ["file"]
    assert api.post(API_URL, {"file": "x"}, format="json").status_code == 415


def test_api_organization_required_when_several(api, org, other_org, coordinator, responder, cpr):
    MembershipFactory(user=coordinator, organization=other_org, role=Role.TRAINER)
    api.force_authenticate(coordinator)
    response = _api_post(api, _csv("ray@example.org,cpr,2026-01-15,,"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"organization": ["You look after several organizations: name one."]}


def test_api_permissions(api, org, responder, cpr):
    api.force_authenticate(responder)
    assert _api_post(api, _csv("ray@example.org,cpr,2026-01-15,,")).status_code == 403
    api.force_authenticate(None)
    assert _api_post(api, _csv("ray@example.org,cpr,2026-01-15,,")).status_code == 401
    assert TrainingRecord.objects.count() == 0


# --- the commit: all or nothing, notices safe to send twice ---------------------------------------

def test_a_failure_during_the_commit_leaves_nothing(monkeypatch, org, responder, peer, coordinator, cpr):
    from apps.training import services

    def broken(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "audit_many", broken)
    before = _state()
    with pytest.raises(RuntimeError):
        services.records_import(by=coordinator, organization=org,
                                content=_csv("ray@example.org,cpr,2026-01-15,,", "pat@example.org,cpr,2026-01-15,,"))
    assert _state() == before


def test_notices_for_imported_records_are_sent_once(org, responder, coordinator, cpr,
                                                    django_capture_on_commit_callbacks):
    from apps.training import services, tasks

    with django_capture_on_commit_callbacks(execute=True):
        report = services.records_import(by=coordinator, organization=org,
                                         content=_csv("ray@example.org,cpr,2026-01-15,,"))
    [record] = report.created
    assert Notification.objects.filter(dedupe_key=f"training.record_verified:{record.pk}").count() == 2  # mail, app
    # A redelivered task finds the notices already written.
    assert tasks.notify_imported_records(record_ids=[record.pk]) == 0
    assert Notification.objects.filter(dedupe_key=f"training.record_verified:{record.pk}").count() == 2


def test_notices_lost_with_the_broker_are_sent_by_the_sweep(monkeypatch, org, responder, coordinator, cpr,
                                                            django_capture_on_commit_callbacks):
    """The import's notice task was never published (broker down): the records are committed, and
    the training.verified_notices scanner tells each responder once."""
    from apps.notifications.scanners import run_scanners
    from apps.training import services

    monkeypatch.setattr(services, "enqueue_on_commit", lambda task, **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.records_import(by=coordinator, organization=org,
                                         content=_csv("ray@example.org,cpr,2026-01-15,,"))
    [record] = report.created
    key = f"training.record_verified:{record.pk}"
    assert not Notification.objects.filter(dedupe_key=key).exists()
    assert run_scanners(only=["training.verified_notices"]) == {"training.verified_notices": 1}
    assert Notification.objects.filter(dedupe_key=key).count() == 2  # mail, app
    assert run_scanners(only=["training.verified_notices"]) == {"training.verified_notices": 0}
    assert Notification.objects.filter(dedupe_key=key).count() == 2
