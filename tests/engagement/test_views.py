"""Residents' pages (public, no JavaScript) and moderators' pages: roles, scoping, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.roles import Role
from apps.engagement import services
from apps.engagement.models import CommunitySession, Registration
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.engagement import (
    FeedbackFactory,
    RegistrationFactory,
    SessionFactory,
    ThemeFactory,
    language,
    moderator_of,
    neighborhood,
)

pytestmark = pytest.mark.django_db


def _measure(client, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _sessions_with_languages(n, **kwargs):
    sessions = [SessionFactory(**kwargs) for _ in range(n)]
    for s in sessions:
        s.interpretation_languages.set([language("es"), language("ase")])
        RegistrationFactory(session=s)
    return sessions


# --- public --------------------------------------------------------------------------------------

def test_public_session_list_is_open_and_filters(client):
    dorchester = SessionFactory(neighborhood=neighborhood("Dorchester"), title="In Dorchester")
    dorchester.interpretation_languages.set([language("ase")])
    SessionFactory(neighborhood=neighborhood("Roxbury"), title="In Roxbury")
    SessionFactory(status=CommunitySession.Status.DRAFT, title="Draft one")

    def titles(query=""):
        response = client.get("/sessions/" + query)
        assert response.status_code == 200
        return [s.title for s in response.context["page"]]

    assert titles() == ["In Dorchester", "In Roxbury"]
    assert titles("?neighborhood=roxbury") == ["In Roxbury"]
    assert titles("?language=ase") == ["In Dorchester"]


def test_public_session_list_query_count_is_constant(client):
    _sessions_with_languages(1)
    one = _measure(client, "/sessions/")
    _sessions_with_languages(2)
    assert _measure(client, "/sessions/") == one


def test_pages_render_in_spanish(client):
    session = SessionFactory(title_es="Sesión en Roxbury")
    body = client.get(f"/sessions/{session.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<html lang=\"es\" dir=\"ltr\">" in body
    assert "Sesión en Roxbury" in body
    assert "Díganos cómo se deben atender" in body


def test_draft_session_page_is_404(client):
    assert client.get(f"/sessions/{SessionFactory(status='draft').pk}/").status_code == 404


def test_register_then_manage_then_cancel_without_account(client):
    session = SessionFactory(capacity=1)
    waiting = RegistrationFactory(session=session, status="waitlisted", code="WAIT01")
    response = client.post(f"/sessions/{session.pk}/register/", {
        "name": "Ana", "language": language("es").pk, "interpretation_language": language("ase").pk})
    assert response.status_code == 302
    registration = Registration.objects.get(name="Ana")
    assert registration.status == "registered"
    page = client.get(response["Location"])
    assert registration.code in page.content.decode()
    cancel_url = response["Location"] + "cancel/"
    assert client.get(cancel_url).status_code == 200
    assert client.post(cancel_url).status_code == 302
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.status, waiting.status) == ("cancelled", "registered")


def test_forged_registration_link_is_404(client):
    assert client.get("/sessions/registration/not-a-token/").status_code == 404


def test_registration_form_errors_are_tied_to_fields(client):
    session = SessionFactory()
    response = client.post(f"/sessions/{session.pk}/register/", {"name": "", "language": language("en").pk,
                                                                 "email": "a@example.org"})
    form = response.context["form"]
    assert form.errors["name"] == ["This field is required."]
    assert "contact_consent" in form.errors
    assert Registration.objects.count() == 0


def test_ics_download(client):
    session = SessionFactory(title="Calendar session")
    response = client.get(f"/sessions/{session.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert "SUMMARY:Calendar session" in body
    assert f"UID:engagement-session-{session.pk}@crisisprog" in body


def test_public_pages_use_no_inline_script_or_style(client):
    session = SessionFactory()
    for url in ["/sessions/", f"/sessions/{session.pk}/", f"/sessions/{session.pk}/register/", "/feedback/",
                "/you-said-we-did/"]:
        body = client.get(url).content.decode()
        assert "style=" not in body, url
        assert "<script>" not in body, url


def test_public_report_back_query_count_is_constant(client):
    moderator = moderator_of()

    def add():
        decision = services.decision_save(
            by=moderator, title="T", translations={"es": {"title": "T", "action": "A"}}, action="A", outcome="adopted",
            progress="planned", decided_on="2026-01-01", themes=[ThemeFactory()],
            feedback_items=[FeedbackFactory(status="approved")])
        services.decision_publish(by=moderator, decision=decision)

    add()
    one = _measure(client, "/you-said-we-did/")
    add()
    add()
    assert _measure(client, "/you-said-we-did/") == one


# --- staff ---------------------------------------------------------------------------------------

@pytest.fixture
def department():
    return CityDepartmentFactory()


@pytest.fixture
def session(department):
    return SessionFactory(organization=department)


STAFF_PAGES = ["/staff/engagement/sessions/{pk}/", "/staff/engagement/sessions/{pk}/edit/",
               "/staff/engagement/sessions/{pk}/check-in/", "/staff/engagement/sessions/{pk}/close/"]


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_session_pages_owner_peer_outsider_wrong_role(client, department, session, page):
    url = page.format(pk=session.pk)
    for user, expected in [
        (moderator_of(department), 200),
        (moderator_of(department), 200),  # a peer moderator of the same department
        (user_with_role(Role.PROGRAM_ADMIN), 200),
        (moderator_of(), 404),  # another department's moderator
        (user_with_role(Role.COORDINATOR), 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == expected, (user.role_names, url)
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("url", ["/staff/engagement/sessions/", "/staff/engagement/feedback/",
                                 "/staff/engagement/codebook/", "/staff/engagement/decisions/",
                                 "/staff/engagement/feedback/new/", "/staff/engagement/sessions/new/"])
def test_staff_lists_are_for_moderators_only(client, url):
    client.force_login(moderator_of())
    assert client.get(url).status_code == 200
    client.force_login(user_with_role(Role.RESPONDER))
    assert client.get(url).status_code == 403


def test_staff_feedback_detail_outsider_404(client, department, session):
    item = FeedbackFactory(session=session, organization=department)
    client.force_login(moderator_of(department))
    assert client.get(f"/staff/engagement/feedback/{item.pk}/").status_code == 200
    client.force_login(moderator_of())
    assert client.get(f"/staff/engagement/feedback/{item.pk}/").status_code == 404
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get(f"/staff/engagement/feedback/{item.pk}/").status_code == 403


def test_staff_session_list_query_count_is_constant(client, department):
    client.force_login(moderator_of(department))
    _sessions_with_languages(1, organization=department)
    one = _measure(client, "/staff/engagement/sessions/")
    _sessions_with_languages(2, organization=department)
    assert _measure(client, "/staff/engagement/sessions/") == one


def test_feedback_queue_query_count_is_constant(client):
    moderator = moderator_of()
    client.force_login(moderator)
    theme = ThemeFactory()

    def add():
        item = FeedbackFactory(session=SessionFactory(), entered_by=moderator, channel="paper_card")
        services.feedback_code(by=moderator, item=item, themes=[theme])

    add()
    one = _measure(client, "/staff/engagement/feedback/?status=")
    add()
    add()
    assert _measure(client, "/staff/engagement/feedback/?status=") == one


def test_moderator_creates_publishes_and_checks_in(client, department):
    moderator = moderator_of(department)
    client.force_login(moderator)
    response = client.post("/staff/engagement/sessions/new/", {
        "organization": department.pk, "kind": "design", "title": "Design", "title_es": "Diseño",
        "description": "D", "description_es": "D", "neighborhood": neighborhood("South End").pk,
        "format": "hybrid", "venue_name": "Blackstone", "online_link": "https://meet.example.org/x",
        "starts_at": "2030-05-01T18:00", "ends_at": "2030-05-01T20:00", "capacity": 30, "reserved_seats": 5,
        "interpretation_languages": [language("es").pk, language("ase").pk],
        "agenda": "Welcome | 15\nTables | 60", "agenda_es": "Bienvenida\nMesas", "agenda_ht": "\nTab yo"})
    assert response.status_code == 302, response.context["form"].errors
    session = CommunitySession.objects.get(title="Design")
    assert session.status == "draft"
    assert [(a.title, a.translations, a.minutes) for a in session.agenda_items.all()] == [
        ("Welcome", {"es": {"title": "Bienvenida"}}, 15),
        ("Tables", {"es": {"title": "Mesas"}, "ht": {"title": "Tab yo"}}, 60)]
    assert session.translations == {"es": {"title": "Diseño", "description": "D"}}
    assert client.post(f"/staff/engagement/sessions/{session.pk}/publish/").status_code == 302
    session.refresh_from_db()
    assert session.status == "published"
    registration = services.registration_create(session_id=session.pk, name="Walk", language=language("en"))
    response = client.post(f"/staff/engagement/sessions/{session.pk}/check-in/", {"code": registration.code})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_by == moderator


def test_online_session_without_link_is_refused_on_the_field(client, department):
    client.force_login(moderator_of(department))
    response = client.post("/staff/engagement/sessions/new/", {
        "organization": department.pk, "kind": "listening", "title": "X", "title_es": "X",
        "description": "D", "description_es": "D", "neighborhood": neighborhood().pk, "format": "online",
        "starts_at": "2030-05-01T18:00", "ends_at": "2030-05-01T20:00", "capacity": 30, "reserved_seats": 0})
    assert response.status_code == 200
    assert response.context["form"].errors["online_link"] == ["An online or hybrid session needs its link."]


def test_moderator_cannot_create_for_another_department(client, department):
    client.force_login(moderator_of(department))
    other = CityDepartmentFactory()
    response = client.post("/staff/engagement/sessions/new/", {
        "organization": other.pk, "kind": "listening", "title": "X", "title_es": "X",
        "description": "D", "description_es": "D", "neighborhood": neighborhood().pk, "format": "in_person",
        "venue_name": "V", "starts_at": "2030-05-01T18:00", "ends_at": "2030-05-01T20:00", "capacity": 30,
        "reserved_seats": 0})
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert CommunitySession.objects.count() == 0


def test_dashboard_card_for_moderators(client):
    moderator = moderator_of()
    FeedbackFactory()
    FeedbackFactory(safety_flag=True)
    client.force_login(moderator)
    body = client.get("/").content.decode()
    assert "2 feedback items wait for moderation." in body
    assert "1 describes a crisis: follow up now." in body
    client.force_login(user_with_role(Role.RESPONDER))
    assert "wait for moderation" not in client.get("/").content.decode()


def test_decision_pages_create_and_publish(client):
    moderator = moderator_of()
    client.force_login(moderator)
    theme = ThemeFactory()
    item = FeedbackFactory(status="approved")
    response = client.post("/staff/engagement/decisions/new/", {
        "title": "Night coverage", "title_es": "Cobertura nocturna", "action": "Extended to 11 pm.",
        "action_es": "Hasta las 11 pm.", "outcome": "adapted", "progress": "in_progress",
        "decided_on": "2026-04-01", "themes": [theme.pk], "feedback_items": [item.pk]})
    assert response.status_code == 302
    decision = item.decisions.get()
    assert client.get(f"/staff/engagement/decisions/{decision.pk}/").status_code == 200
    # Publishing is confirmed on the preview page: a bare POST publishes nothing.
    assert client.post(f"/staff/engagement/decisions/{decision.pk}/publish/").status_code == 302
    decision.refresh_from_db()
    assert decision.is_published is False
    assert client.get(f"/staff/engagement/decisions/{decision.pk}/publish/").status_code == 200
    assert client.post(f"/staff/engagement/decisions/{decision.pk}/publish/", {"confirm": "yes"}).status_code == 302
    decision.refresh_from_db()
    assert decision.is_published is True
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.post(f"/staff/engagement/decisions/{decision.pk}/publish/").status_code == 403


def test_not_adopted_decision_needs_a_reason(client):
    client.force_login(moderator_of())
    response = client.post("/staff/engagement/decisions/new/", {
        "title": "No police", "title_es": "Sin policía", "action": "Kept co-response.", "action_es": "X",
        "outcome": "not_adopted", "progress": "done", "decided_on": "2026-04-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why it was not adopted: residents are told."]


def test_cancel_session_and_complete_task_pages(client, department, session):
    registration = services.registration_create(session_id=session.pk, name="A", language=language("en"),
                                                access_needs="Large print")
    task = registration.tasks.get()
    client.force_login(moderator_of(department))
    assert client.post(f"/staff/engagement/tasks/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    client.force_login(moderator_of())
    assert client.post(f"/staff/engagement/sessions/{session.pk}/cancel/", {"reason": "x"}).status_code == 404
    client.force_login(moderator_of(department))
    assert client.post(f"/staff/engagement/sessions/{session.pk}/cancel/", {"reason": "Storm"}).status_code == 302
    session.refresh_from_db()
    assert (session.status, session.cancellation_reason) == ("cancelled", "Storm")
    assert "This session is cancelled." in client.get(f"/sessions/{session.pk}/").content.decode()


def test_moderation_page_publishes_and_codes(client):
    moderator = moderator_of()
    client.force_login(moderator)
    item = FeedbackFactory()
    theme = ThemeFactory()
    # One form moderates and codes (the two were separate forms before).
    assert client.post(f"/staff/engagement/feedback/{item.pk}/",
                       {"decision": "approve", "themes": [theme.pk]}).status_code == 302
    item.refresh_from_db()
    assert (item.status, list(item.themes.all())) == ("approved", [theme])
    assert client.post("/staff/engagement/codebook/", {"name": "Hours", "parent": theme.pk}).status_code == 302
    assert theme.children.get().name == "Hours"
