"""Training pages: my training, the readiness matrix, expiring list, requirements, field hours, cards, nav."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.roles import Role
from apps.core.models import AuditEvent
from apps.training.models import FieldHours, RoleRequirement
from tests.factories import CityDepartmentFactory, UserFactory, user_with_role
from tests.factories.training import FieldHoursFactory, TrainingRecordFactory
from tests.training.conftest import local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _ready(user, org, cpr, mhfa):
    TrainingRecordFactory(responder=user, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    TrainingRecordFactory(responder=user, organization=org, course=mhfa, completed_on=date(2025, 5, 2))
    FieldHoursFactory(responder=user, organization=org, hours=Decimal("10"), preceptor=UserFactory())


def _count(client, url) -> tuple[int, object]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# --- my training ---------------------------------------------------------------------------------

def test_my_training_shows_readiness_and_reasons(client, org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    client.force_login(responder)

    response = client.get(reverse("training:my-training"))

    assert response.status_code == 200
    [(organization, readiness)] = response.context["readiness"]
    assert (organization, readiness.reason_codes) == (org, ["missing_course", "insufficient_field_hours"])
    html = response.content.decode()
    assert "✗ Not cleared" in html
    assert "Mental Health First Aid has not been completed." in html


def test_my_training_is_for_responders(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("training:my-training")).status_code == 403


# --- readiness matrix ----------------------------------------------------------------------------

def test_matrix_shows_status_words_and_constant_queries(client, org, coordinator, baseline, cpr, mhfa):
    first = user_with_role(Role.RESPONDER, org, full_name="Ann Able")
    _ready(first, org, cpr, mhfa)
    client.force_login(coordinator)
    url = reverse("training:readiness-matrix")

    one, response = _count(client, url)
    assert [(p.full_name, r.cleared) for p, r in response.context["rows"]] == [("Ann Able", True)]

    second = user_with_role(Role.RESPONDER, org, full_name="Ben Bold")
    TrainingRecordFactory(responder=second, organization=org, course=cpr, completed_on=date(2024, 3, 2))
    user_with_role(Role.RESPONDER, org, full_name="Cy Cole")
    three, response = _count(client, url)

    assert one == three
    assert [(p.full_name, r.reason_codes) for p, r in response.context["rows"]] == [
        ("Ben Bold", ["missing_course", "insufficient_field_hours"]),
        ("Cy Cole", ["missing_course", "missing_course", "insufficient_field_hours"]),
        ("Ann Able", []),
    ]
    html = response.content.decode()
    assert "! Expires within 30 days" in html
    assert "✗ Missing" in html
    assert "✓ Current" in html


def test_matrix_permissions(client, org, other_org, responder, trainer, outsider, baseline):
    client.force_login(responder)
    assert client.get(reverse("training:readiness-matrix")).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("training:readiness-matrix"), {"organization": org.slug}).status_code == 404
    client.force_login(trainer)
    response = client.get(reverse("training:readiness-matrix"), {"organization": org.slug})
    assert [p for p, _ in response.context["rows"]] == [responder]


def test_matrix_program_admin_chooses_organization(client, org, other_org, responder):
    admin = user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory())
    other = user_with_role(Role.RESPONDER, other_org)
    client.force_login(admin)
    response = client.get(reverse("training:readiness-matrix"), {"organization": other_org.slug})
    assert [p for p, _ in response.context["rows"]] == [other]
    assert response.context["rows"][0][1].reason_codes == ["no_requirements"]


def test_matrix_csv_export(client, org, coordinator, responder, baseline, cpr, mhfa):
    _ready(responder, org, cpr, mhfa)
    client.force_login(coordinator)
    response = client.get(reverse("training:readiness-export"), {"organization": org.slug})
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "name,email,cleared,field_hours,field_hours_required,cpr,mhfa,reasons",
        "Ray Sponder,ray@example.org,yes,10.00,10.00,valid 2027-05-31,valid 2028-05-02,",
    ]


@pytest.fixture
def four(org, baseline, cpr, mhfa):
    """Ann: cleared. Dee: cleared, CPR expires on 31 March. Ben: CPR only, expiring. Cy: nothing."""
    ann = user_with_role(Role.RESPONDER, org, full_name="Ann Able", email="ann@example.org")
    _ready(ann, org, cpr, mhfa)
    dee = user_with_role(Role.RESPONDER, org, full_name="Dee Due", email="dee@example.org")
    TrainingRecordFactory(responder=dee, organization=org, course=cpr, completed_on=date(2024, 3, 2))
    TrainingRecordFactory(responder=dee, organization=org, course=mhfa, completed_on=date(2025, 5, 2))
    FieldHoursFactory(responder=dee, organization=org, hours=Decimal("10"), preceptor=UserFactory())
    ben = user_with_role(Role.RESPONDER, org, full_name="Ben Bold", email="ben@example.org")
    TrainingRecordFactory(responder=ben, organization=org, course=cpr, completed_on=date(2024, 3, 2))
    user_with_role(Role.RESPONDER, org, full_name="Cy Cole", email="cy@example.org")


def _names(client, **params) -> list[str]:
    response = client.get(reverse("training:readiness-matrix"), {"organization": "harbor-outreach", **params})
    assert response.status_code == 200
    return [p.full_name for p, _ in response.context["rows"]]


def test_matrix_sorts_not_cleared_first_then_expiring_by_default(client, coordinator, four):
    client.force_login(coordinator)
    assert _names(client) == ["Ben Bold", "Cy Cole", "Dee Due", "Ann Able"]
    assert _names(client, sort="status") == ["Ben Bold", "Cy Cole", "Dee Due", "Ann Able"]


def test_matrix_sorts_by_name_on_request(client, coordinator, four):
    client.force_login(coordinator)
    assert _names(client, sort="name") == ["Ann Able", "Ben Bold", "Cy Cole", "Dee Due"]


@pytest.mark.parametrize(("status", "names"), [
    ("cleared", ["Dee Due", "Ann Able"]),
    ("not_cleared", ["Ben Bold", "Cy Cole"]),
    ("expiring", ["Ben Bold", "Dee Due"]),
    ("", ["Ben Bold", "Cy Cole", "Dee Due", "Ann Able"]),
])
def test_matrix_filters_by_status(client, coordinator, four, status, names):
    client.force_login(coordinator)
    assert _names(client, status=status) == names


def test_matrix_searches_names_and_emails(client, coordinator, four):
    client.force_login(coordinator)
    assert _names(client, q="  bold ") == ["Ben Bold"]
    response = client.get(reverse("training:readiness-matrix"), {"q": "bold"})
    assert "Showing 1 of 4 responders." in response.content.decode()
    assert _names(client, q="DEE@example") == ["Dee Due"]
    assert _names(client, q="e", status="cleared", sort="name") == ["Ann Able", "Dee Due"]
    response = client.get(reverse("training:readiness-matrix"), {"q": "nobody"})
    assert "No responder matches these filters." in response.content.decode()


def test_matrix_unknown_filter_values_fall_back_to_the_defaults(client, coordinator, four):
    client.force_login(coordinator)
    assert _names(client, status="bogus", sort="bogus") == ["Ben Bold", "Cy Cole", "Dee Due", "Ann Able"]


def test_matrix_pages_after_sorting_and_keeps_the_filters(client, coordinator, four, monkeypatch):
    from apps.training.views import readiness as views

    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 1)
    client.force_login(coordinator)
    url = reverse("training:readiness-matrix")
    params = {"organization": "harbor-outreach", "status": "expiring", "q": "e", "sort": "name"}

    first = client.get(url, params)
    second = client.get(url, {**params, "page": 2})

    assert [p.full_name for p, _ in first.context["rows"]] == ["Ben Bold"]
    assert [p.full_name for p, _ in second.context["rows"]] == ["Dee Due"]
    query = "organization=harbor-outreach&amp;role=responder&amp;status=expiring&amp;q=e&amp;sort=name"
    assert f'href="?{query}&amp;page=2" rel="next"' in first.content.decode()
    assert f'href="?{query}&amp;page=1" rel="prev"' in second.content.decode()
    assert f'href="/training/readiness/export.csv?{query}"' in first.content.decode()
    # Sorted by status over the whole organization, not within a page: Ann, first by name, is last.
    pages = [_names(client, page=n) for n in (1, 2, 3, 4)]
    assert pages == [["Ben Bold"], ["Cy Cole"], ["Dee Due"], ["Ann Able"]]


def test_matrix_queries_do_not_grow_with_rows_when_filtered(client, org, coordinator, baseline, cpr, mhfa):
    client.force_login(coordinator)
    url = reverse("training:readiness-matrix") + "?status=not_cleared&q=o&sort=status"
    user_with_role(Role.RESPONDER, org, full_name="Bo One")
    one, response = _count(client, url)
    assert len(response.context["rows"]) == 1
    for name in ("Bo Two", "Bo Three"):
        TrainingRecordFactory(responder=user_with_role(Role.RESPONDER, org, full_name=name), organization=org,
                              course=cpr, completed_on=date(2025, 5, 2))
    three, response = _count(client, url)
    assert len(response.context["rows"]) == 3
    assert one == three


def test_matrix_headers_show_course_titles_with_the_full_title(client, org, coordinator, responder, baseline,
                                                                  cpr, mhfa):
    mhfa.title = "Mental Health First Aid (Adult) with recertification"
    mhfa.save()
    client.force_login(coordinator)
    html = client.get(reverse("training:readiness-matrix")).content.decode()
    assert '<th scope="col" class="course-col">CPR and First Aid</th>' in html
    assert ('<th scope="col" class="course-col"><span class="course-abbr" tabindex="0">'
            '<span aria-hidden="true">Mental Health First Aid…</span>'
            '<span class="course-full">Mental Health First Aid (Adult) with recertification</span></span></th>') in html
    assert ">cpr<" not in html and ">mhfa<" not in html


def test_short_title_cuts_long_titles_at_a_word():
    from apps.training.views.readiness import _short_title

    assert _short_title("Mental Health First Aid (Adult)") == "Mental Health First Aid…"
    assert _short_title("Privacy and confidentiality") == ""
    assert _short_title("Heartsaver CPR, AED and First Aid with AED practice") == "Heartsaver CPR, AED and First…"
    assert _short_title("Supervised field practice and a preceptor") == "Supervised field practice…"
    assert _short_title("Naloxone administration and harm reduction") == "Naloxone administration…"
    assert _short_title("Crisis Intervention Team (CIT) foundations") == "Crisis Intervention Team (CIT)…"
    assert _short_title("Supercalifragilisticexpialidocious and more") == "Supercalifragilisticexpialido…"


def test_matrix_dates_use_the_site_date_format(client, org, coordinator, baseline, cpr, mhfa):
    ann = user_with_role(Role.RESPONDER, org, full_name="Ann Able")
    _ready(ann, org, cpr, mhfa)
    # The past: a certificate that lapsed over a year ago still shows when it ran out.
    lapsed = user_with_role(Role.RESPONDER, org, full_name="Len Lapsed")
    TrainingRecordFactory(responder=lapsed, organization=org, course=cpr, completed_on=date(2022, 12, 3))
    client.force_login(coordinator)
    html = client.get(reverse("training:readiness-matrix")).content.decode()
    assert "until May 31, 2027" in html
    assert "until May 2, 2028" in html
    assert "✗ Expired</span><br><small>until Dec. 31, 2024</small>" in html
    assert "05/31/2027" not in html


def test_matrix_csv_export_honours_the_filters(client, coordinator, four):
    client.force_login(coordinator)
    url = reverse("training:readiness-export")
    response = client.get(url, {"organization": "harbor-outreach", "status": "cleared"})
    assert [line.split(",")[0] for line in response.content.decode().splitlines()] == ["name", "Dee Due", "Ann Able"]
    response = client.get(url, {"organization": "harbor-outreach", "status": "not_cleared", "q": "cole"})
    assert response.content.decode().splitlines() == [
        "name,email,cleared,field_hours,field_hours_required,cpr,mhfa,reasons",
        "Cy Cole,cy@example.org,no,0.00,10.00,missing,missing,missing_course; missing_course; insufficient_field_hours",
    ]
    response = client.get(url, {"organization": "harbor-outreach", "sort": "name"})
    assert [line.split(",")[0] for line in response.content.decode().splitlines()] == [
        "name", "Ann Able", "Ben Bold", "Cy Cole", "Dee Due"]


# --- expiring list -------------------------------------------------------------------------------

def test_expiring_list_scoped_with_constant_queries(client, org, other_org, coordinator, responder, peer, cpr):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2024, 3, 2))
    TrainingRecordFactory(responder=user_with_role(Role.RESPONDER, other_org), organization=other_org, course=cpr,
                          completed_on=date(2024, 3, 2))
    client.force_login(coordinator)
    url = reverse("training:expiring-list") + "?days=30"
    one, response = _count(client, url)
    assert [r.responder for r in response.context["page"]] == [responder]
    TrainingRecordFactory(responder=peer, organization=org, course=cpr, completed_on=date(2024, 3, 5))
    newer = TrainingRecordFactory(responder=peer, organization=org, course=cpr, completed_on=date(2024, 3, 9))
    third = user_with_role(Role.RESPONDER, org)
    TrainingRecordFactory(responder=third, organization=org, course=cpr, completed_on=date(2024, 3, 1))
    three, response = _count(client, url)
    # Peer's two cards expire the same day: only one is listed.
    assert [(r.responder, r.pk) for r in response.context["page"]] == [
        (responder, response.context["page"][0].pk), (peer, newer.pk), (third, response.context["page"][2].pk)]
    assert one == three


# --- requirements --------------------------------------------------------------------------------

def test_program_admin_sets_a_requirement_from_a_date(client, org, cpr, mhfa):
    admin = user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory())
    client.force_login(admin)
    response = client.post(reverse("training:requirement-list"), {
        "role": "responder", "organization": org.pk, "effective_from": "2026-04-01", "courses": [cpr.pk],
        "min_field_hours": "76", "note": "Org pilot"})
    assert response.status_code == 302
    row = RoleRequirement.objects.get()
    assert (row.organization, row.effective_from, list(row.courses.all()), row.min_field_hours) == (
        org, date(2026, 4, 1), [cpr], Decimal("76.00"))
    event = AuditEvent.objects.get(action="training.requirement.set")
    assert event.after["courses"] == ["cpr"]


def test_requirement_cannot_change_the_past(client, cpr):
    admin = user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory())
    client.force_login(admin)
    response = client.post(reverse("training:requirement-list"), {
        "role": "responder", "effective_from": "2026-03-09", "courses": [cpr.pk], "min_field_hours": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "effective_from": ["A requirement cannot change the past: choose today or a later date."]}


def test_coordinator_reads_requirements_but_cannot_set_them(client, coordinator, baseline, cpr):
    client.force_login(coordinator)
    response = client.get(reverse("training:requirement-list"))
    assert (response.status_code, response.context["form"], list(response.context["page"])) == (200, None, [baseline])
    assert client.post(reverse("training:requirement-list"), {"role": "responder"}).status_code == 403


# --- field hours ---------------------------------------------------------------------------------

def test_field_hours_logged_and_signed_off_by_the_preceptor_only(client, org, responder, trainer, coordinator):
    client.force_login(responder)
    response = client.post(reverse("training:field-hours"), {
        "organization": org.pk, "worked_on": "2026-03-09", "hours": "7.5", "preceptor": trainer.pk,
        "activity": "Ride-along"})
    assert response.status_code == 302
    entry = FieldHours.objects.get()

    client.force_login(coordinator)
    assert client.post(reverse("training:field-hours-sign-off", args=[entry.pk]),
                       {"approve": "yes"}).status_code == 403
    client.force_login(trainer)
    response = client.get(reverse("training:field-hours"))
    assert response.context["to_sign"] == [entry]
    assert client.post(reverse("training:field-hours-sign-off", args=[entry.pk]), {"approve": "yes"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.hours) == ("signed_off", Decimal("7.50"))


def test_field_hours_of_another_organization_are_not_found(client, org, responder, trainer, outsider):
    entry = FieldHoursFactory(responder=responder, organization=org, preceptor=trainer,
                              status=FieldHours.Status.PENDING)
    client.force_login(outsider)
    assert client.post(reverse("training:field-hours-sign-off", args=[entry.pk]),
                       {"approve": "yes"}).status_code == 404


# --- shell ---------------------------------------------------------------------------------------

def _nav_keys(response):
    return [i["key"] for i in response.context["nav_items"] if i["key"].startswith("training")]


@pytest.mark.parametrize(("role", "keys"), [
    (Role.RESPONDER, ["training-my", "training-sessions"]),
    (Role.COORDINATOR, ["training-readiness", "training-verification", "training-import", "training-sessions"]),
    (Role.TRAINER, ["training-readiness", "training-verification", "training-import", "training-sessions"]),
    (Role.PROCUREMENT_OFFICER, []),
])
def test_navigation_per_role(client, org, role, keys):
    organization = CityDepartmentFactory() if role == Role.PROCUREMENT_OFFICER else org
    client.force_login(user_with_role(role, organization))
    assert _nav_keys(client.get(reverse("training:course-list"))) == keys


def test_dashboard_cards(client, org, responder, coordinator, trainer, baseline, cpr, mhfa):
    _ready(responder, org, cpr, mhfa)
    client.force_login(responder)
    cards = {c.key: c for c in client.get("/").context["cards"]}
    [(organization, readiness)] = cards["training-my-readiness"].context["items"]
    assert (organization, readiness.cleared) == (org, True)

    user_with_role(Role.RESPONDER, org)
    client.force_login(coordinator)
    cards = {c.key: c for c in client.get("/").context["cards"]}
    assert cards["training-not-ready"].context["rows"] == [(org, 1, 2)]

    client.force_login(trainer)
    cards = {c.key: c for c in client.get("/").context["cards"]}
    assert "training-not-ready" not in cards
    assert (cards["training-upcoming"].context["sessions"], cards["training-upcoming"].context["pending"]) == ([], 0)


def test_course_catalog_page(client, responder, cpr, mhfa):
    client.force_login(responder)
    response = client.get(reverse("training:course-list"))
    assert [c.code for c in response.context["page"]] == ["cpr", "mhfa"]
    assert "recertify up to 90 days after expiry" in response.content.decode()


def test_pages_need_sign_in(client):
    for name in ("my-training", "readiness-matrix", "verification-queue", "session-list", "field-hours"):
        assert client.get(reverse(f"training:{name}")).status_code == 302


def test_session_reminder_window_constant(org):
    from apps.training.reminders import SESSION_REMINDER_AHEAD
    assert timedelta(days=2) == SESSION_REMINDER_AHEAD


def test_my_training_shows_what_team_lead_asks_beside_the_responder_requirement(
        client, org, responder, baseline, cpr, mhfa):
    _ready(responder, org, cpr, mhfa)
    lead = RoleRequirement.objects.create(organization=org, role="team_lead", effective_from=date(2025, 1, 1),
                                          min_field_hours=Decimal("120"))
    lead.courses.set([cpr, mhfa])
    client.force_login(responder)
    html = client.get(reverse("training:my-training")).content.decode()
    assert "Supervised field hours signed off: 10<" in html  # "10", not "10.00"
    table = html.split('next-roles">')[1].split("</table>")[0]
    assert '<th scope="row">Responder</th><td>' in table and "✓ Cleared" in table
    assert '<th scope="row">Team lead</th><td>120</td>' in table
    assert "10 of 120 supervised field hours are signed off." in table


def test_my_training_leaves_out_a_role_the_organization_does_not_define(client, org, responder, baseline, cpr, mhfa):
    _ready(responder, org, cpr, mhfa)
    client.force_login(responder)
    html = client.get(reverse("training:my-training")).content.decode()
    assert "Team lead" not in html.split('next-roles">')[1].split("</table>")[0]


def test_dates_a_person_types_use_the_uswds_date_picker():
    from apps.core.rendering import DatePickerInput
    from apps.training import forms

    assert isinstance(forms.RecordForm.base_fields["completed_on"].widget, DatePickerInput)
    assert isinstance(forms.RequirementForm.base_fields["effective_from"].widget, DatePickerInput)
    assert isinstance(forms.FieldHoursForm.base_fields["worked_on"].widget, DatePickerInput)
    widget = forms.FieldHoursForm.base_fields["worked_on"].widget
    assert widget.value_from_datadict({"worked_on": "12/10/2026"}, {}, "worked_on") == "2026-12-10"
