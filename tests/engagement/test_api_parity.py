"""The engagement operations added for API parity (issue 24): the codebook, decisions, staff sessions
and tasks, public feedback and registration cancel, and moderation with themes, through the pages'
services and predicates. For each: the right role succeeds (audited), a wrong role gets 403,
another department's object 404, bad input a 400 naming the field."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.engagement import services
from apps.engagement.models import CommunitySession, Decision, FeedbackItem, Registration, StaffTask, Theme
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.engagement import (
    FeedbackFactory,
    RegistrationFactory,
    SessionFactory,
    ThemeFactory,
    language,
    moderator_of,
)
from tests.support.api import audited as _audited
from tests.support.api import field_errors as _errors
from tests.support.api import signed_in as _as

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return CityDepartmentFactory(name="Health and Human Services", slug="hhs")


@pytest.fixture
def moderator(department):
    return moderator_of(department, email="mo@city.example")


@pytest.fixture
def other_moderator():
    return moderator_of(CityDepartmentFactory(name="Parks", slug="parks"), email="pam@city.example")


@pytest.fixture
def coordinator():
    return user_with_role(Role.COORDINATOR, OrganizationFactory(), email="cora@example.org")


# --- the codebook --------------------------------------------------------------------------------

def test_theme_create(api, moderator, coordinator):
    url = "/api/v1/engagement/themes/"
    parent = ThemeFactory(name="Response")
    response = _as(api, moderator).post(url, {"name": "Wait times", "translations": {"es": {"name": "Esperas"}},
                                                   "parent": parent.pk},
                                        format="json")
    assert response.status_code == 201, response.content
    theme = Theme.objects.get(name="Wait times")
    assert (response.json()["id"], theme.parent_id) == (theme.pk, parent.pk)
    assert _audited("engagement.theme.created") == 1
    assert "name" in _errors(api.post(url, {"name": "Wait times", "parent": parent.pk}, format="json"))
    assert "parent" in _errors(api.post(url, {"name": "Deeper", "parent": theme.pk}, format="json"))
    assert _as(api, coordinator).post(url, {"name": "X"}, format="json").status_code == 403


# --- decisions -----------------------------------------------------------------------------------

DECISION = {"title": "More night teams", "action": "A second team",
            "translations": {"es": {"title": "Más equipos de noche", "action": "Un segundo equipo"}},
            "outcome": "adopted", "decided_on": "2026-01-10"}


def test_decision_create_edit_publish(api, moderator, coordinator):
    theme = ThemeFactory()
    published = FeedbackFactory(status=FeedbackItem.Status.APPROVED)
    pending = FeedbackFactory()
    url = "/api/v1/engagement/decisions/"
    assert _as(api, coordinator).post(url, DECISION, format="json").status_code == 403
    response = _as(api, moderator).post(url, {**DECISION, "themes": [theme.pk], "feedback_items": [published.pk]},
                                        format="json")
    assert response.status_code == 201, response.content
    decision = Decision.objects.get()
    assert (response.json()["themes"], response.json()["feedback_items"], decision.is_published) == (
        [theme.pk], [published.pk], False)
    assert _audited("engagement.decision.created") == 1
    # Only published feedback may be quoted; not adopted needs a reason (the service's field).
    assert "feedback_items" in _errors(api.post(url, {**DECISION, "feedback_items": [pending.pk]}, format="json"))
    assert "reason" in _errors(api.post(url, {**DECISION, "outcome": "not_adopted"}, format="json"))

    detail = f"{url}{decision.pk}/"
    response = api.put(detail, {**DECISION, "progress": "in_progress"}, format="json")
    assert (response.status_code, response.json()["progress"], response.json()["themes"]) == (200, "in_progress", [])
    assert _audited("engagement.decision.updated") == 1
    assert _as(api, coordinator).put(detail, DECISION, format="json").status_code == 403
    assert _as(api, coordinator).post(f"{detail}publish/").status_code == 403
    response = _as(api, moderator).post(f"{detail}publish/")
    assert (response.status_code, response.json()["is_published"]) == (200, True)
    assert _audited("engagement.decision.published") == 1
    assert api.put(f"{url}{decision.pk + 1000}/", DECISION, format="json").status_code == 404


# --- staff sessions ------------------------------------------------------------------------------

def _session_body(department, **changes) -> dict:
    starts = timezone.localtime(timezone.now() + timedelta(days=10)).replace(microsecond=0)
    return {"organization": department.pk, "kind": "listening", "title": "Dorchester listening",
            "description": "Tell us.",
            "translations": {"es": {"title": "Escucha en Dorchester", "description": "Díganos."}},
            "neighborhood": "dorchester", "format": "in_person", "venue_name": "Library",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 30,
            "interpretation_languages": ["es"],
            "agenda": [{"title": "Welcome", "translations": {"es": {"title": "Bienvenida"}}, "minutes": 10}],
            **changes}


def test_staff_session_create_and_edit(api, department, moderator, other_moderator, coordinator):
    url = "/api/v1/engagement/staff-sessions/"
    assert _as(api, coordinator).post(url, _session_body(department), format="json").status_code == 403
    assert "organization" in _errors(_as(api, other_moderator).post(url, _session_body(department), format="json"))
    response = _as(api, moderator).post(url, _session_body(department), format="json")
    assert response.status_code == 201, response.content
    session = CommunitySession.objects.get()
    assert (session.status, list(session.agenda_items.values_list("title", flat=True)),
            response.json()["interpretation_languages"]) == ("draft", ["Welcome"], ["es"])
    assert _audited("engagement.session.created") == 1
    assert "ends_at" in _errors(api.post(url, _session_body(department, ends_at=_session_body(department)[
        "starts_at"]), format="json"))
    assert "venue_name" in _errors(api.post(url, _session_body(department, venue_name=""), format="json"))
    # A year-230 date or a link with non-ASCII in its path would come back in a shape the schema refuses.
    assert "starts_at" in _errors(api.post(url, _session_body(department, starts_at="0230-08-17T15:13:39-04:00"),
                                           format="json"))
    assert "online_link" in _errors(api.post(url, _session_body(
        department, format="hybrid", online_link="https://meet.example.org/Q²¬"), format="json"))

    edit = {k: v for k, v in _session_body(department, capacity=45, agenda=[]).items() if k != "organization"}
    assert _as(api, other_moderator).put(f"{url}{session.pk}/", edit, format="json").status_code == 404
    response = _as(api, moderator).put(f"{url}{session.pk}/", edit, format="json")
    assert (response.status_code, response.json()["capacity"], response.json()["agenda_items"]) == (200, 45, [])
    assert _audited("engagement.session.updated") == 1


def test_staff_session_publish_cancel_check_in_walk_ins_close(api, department, moderator, other_moderator):
    draft = SessionFactory(organization=department, status=CommunitySession.Status.DRAFT, published_at=None)
    url = f"/api/v1/engagement/staff-sessions/{draft.pk}/"
    assert _as(api, other_moderator).post(f"{url}publish/").status_code == 404
    response = _as(api, moderator).post(f"{url}publish/")
    assert (response.status_code, response.json()["status"]) == (200, "published")
    assert _audited("engagement.session.published") == 1

    registration = services.registration_create(session_id=draft.pk, name="Rosa", language=language("en"))
    assert "code" in _errors(api.post(f"{url}check-in/", {"code": "NOPE"}, format="json"))
    response = api.post(f"{url}check-in/", {"code": registration.code}, format="json")
    assert (response.status_code, response.json()["registration"]) == (200, registration.pk)
    assert _audited("engagement.registration.checked_in") == 1
    assert "count" in _errors(api.post(f"{url}walk-ins/", {"count": -1}, format="json"))
    response = api.post(f"{url}walk-ins/", {"count": 4}, format="json")
    assert (response.status_code, response.json()["walk_in_count"]) == (200, 4)
    assert _audited("engagement.session.walk_ins") == 1
    # Not started yet: closing is refused by the service.
    assert api.post(f"{url}close/", {"summary_notes": "Good."}, format="json").status_code == 400
    assert "summary_notes" in _errors(api.post(f"{url}close/", {}, format="json"))
    assert "reason" in _errors(api.post(f"{url}cancel/", {}, format="json"))
    response = api.post(f"{url}cancel/", {"reason": "The library is closed."}, format="json")
    assert (response.status_code, response.json()["status"], response.json()["cancellation_reason"]) == (
        200, "cancelled", "The library is closed.")
    assert _audited("engagement.session.cancelled") == 1


def test_staff_session_close_once_started(api, department, moderator):
    session = SessionFactory(organization=department, starts_at=timezone.now() - timedelta(hours=1))
    response = _as(api, moderator).post(f"/api/v1/engagement/staff-sessions/{session.pk}/close/",
                                        {"summary_notes": "Twelve came."}, format="json")
    assert (response.status_code, response.json()["status"], response.json()["attendance_count"]) == (
        200, "completed", 0)
    assert _audited("engagement.session.closed") == 1


def test_staff_task_done(api, department, moderator, other_moderator, coordinator):
    registration = RegistrationFactory(session=SessionFactory(organization=department))
    task = StaffTask.objects.create(session=registration.session, registration=registration,
                                    kind=StaffTask.Kind.ACCESS, details="Wheelchair seating")
    url = f"/api/v1/engagement/tasks/{task.pk}/done/"
    assert _as(api, coordinator).post(url).status_code == 403
    assert _as(api, other_moderator).post(url).status_code == 404
    response = _as(api, moderator).post(url)
    assert (response.status_code, response.json()["status"], response.json()["done_by"]) == (200, "done",
                                                                                               moderator.pk)
    assert _audited("engagement.task.done") == 1


# --- residents -----------------------------------------------------------------------------------

def test_public_feedback_is_anonymous_unless_consented(api):
    url = "/api/v1/engagement/public-feedback/"
    response = api.post(url, {"text": "Send neighbors.", "language": "en"}, format="json")
    assert (response.status_code, response.json()) == (201, {"received": True, "crisis": False})
    item = FeedbackItem.objects.get()
    assert (item.channel, item.entered_by, item.contact_email) == ("online", None, "")
    assert _audited("engagement.feedback.received") == 1
    assert "contact_consent" in _errors(api.post(url, {"text": "Hi", "language": "en",
                                                       "contact_email": "a@example.org"}, format="json"))
    assert "text" in _errors(api.post(url, {"text": "", "language": "en"}, format="json"))
    draft = SessionFactory(status=CommunitySession.Status.DRAFT)
    assert "session" in _errors(api.post(url, {"text": "Hi", "language": "en", "session": draft.pk}, format="json"))


def test_registration_cancel_by_its_link(api):
    session = SessionFactory()
    registration = services.registration_create(session_id=session.pk, name="Rosa", language=language("en"))
    token = services.registration_token(registration)
    assert api.post(f"/api/v1/engagement/registrations/{token}x/cancel/").status_code == 404
    response = api.post(f"/api/v1/engagement/registrations/{token}/cancel/")
    assert (response.status_code, response.json()) == (200, {"status": "cancelled", "session": session.pk})
    assert Registration.objects.get().status == Registration.Status.CANCELLED
    assert _audited("engagement.registration.cancelled") == 1


# --- moderation with themes (the moderation page's one step) -------------------------------------

def test_moderate_with_themes_codes_in_the_same_step(api, moderator):
    theme = ThemeFactory()
    item = FeedbackFactory()
    url = f"/api/v1/engagement/feedback/{item.pk}/moderate/"
    response = _as(api, moderator).post(url, {"decision": "approve", "themes": [theme.pk]}, format="json")
    assert (response.status_code, response.json()["status"], response.json()["themes"]) == (
        200, "approved", [theme.pk])
    assert (_audited("engagement.feedback.moderated"), _audited("engagement.feedback.coded")) == (1, 1)
    # Without `themes` the coding is left as it is.
    response = api.post(url, {"decision": "reject", "reason": "off_topic"}, format="json")
    assert (response.status_code, response.json()["themes"]) == (200, [theme.pk])
    assert "themes" in _errors(api.post(url, {"decision": "approve", "themes": [theme.pk + 99]}, format="json"))


# --- the new lists: the query count does not grow with the rows ----------------------------------

def _queries(api, url) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.get(url)
    with CaptureQueriesContext(connection) as context:
        response = api.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.json()["count"]


def _staff_rows(department, moderator, n: int) -> None:
    for _ in range(n):
        theme = ThemeFactory()
        session = SessionFactory(organization=department)
        session.interpretation_languages.set([language("es")])
        session.agenda_items.create(order=0, title="Welcome", translations={"es": {"title": "Bienvenida"}}, minutes=5)
        registration = RegistrationFactory(session=session)
        StaffTask.objects.create(session=session, registration=registration, kind=StaffTask.Kind.ACCESS,
                                 details="Seating")
        services.decision_save(by=moderator, themes=[theme], feedback_items=[
            FeedbackFactory(status=FeedbackItem.Status.APPROVED)], **{**DECISION, "decided_on": timezone.localdate()})


@pytest.mark.parametrize("path", ["themes", "decisions", "staff-sessions", "tasks"])
def test_staff_lists_have_constant_queries(api, department, moderator, path):
    url = f"/api/v1/engagement/{path}/"
    _as(api, moderator)
    _staff_rows(department, moderator, 1)
    one = _queries(api, url)
    _staff_rows(department, moderator, 2)
    three = _queries(api, url)
    assert (one[1], three[1], three[0]) == (1, 3, one[0])
