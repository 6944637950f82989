"""Bulk moderation of feedback: the same rules as one moderation, applied to up to 100 items of the
moderator's own queue in one transaction, through the queue page and the API."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.core.audit import verify_chain
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.engagement import services
from apps.engagement.models import FeedbackItem
from apps.notifications.models import Notification
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, SessionFactory, moderator_of

pytestmark = pytest.mark.django_db

PAGE = "/staff/engagement/feedback/"
API = "/api/v1/engagement/feedback/moderate/"


@pytest.fixture
def department():
    return CityDepartmentFactory()


@pytest.fixture
def moderator(department):
    return moderator_of(department)


def _items(department, n, **kwargs):
    session = SessionFactory(organization=department)
    return [FeedbackFactory(organization=department, session=session, **kwargs) for _ in range(n)]


def _statuses(items):
    return list(FeedbackItem.objects.filter(pk__in=[i.pk for i in items]).order_by("pk")
                .values_list("status", "reject_reason"))


# --- the service ---------------------------------------------------------------------------------

def test_bulk_approve_publishes_each_item_and_audits_each_like_a_single_moderation(department, moderator):
    items = _items(department, 3)
    result = services.feedback_moderate_bulk(by=moderator, item_ids=[i.pk for i in items], approve=True,
                                             note="  fine  ")
    assert (result.done, result.skipped, result.not_found) == ([i.pk for i in items], [], [])
    rows = FeedbackItem.objects.filter(pk__in=[i.pk for i in items]).order_by("pk")
    assert [(r.status, r.reject_reason, r.moderator_note, r.moderated_by_id) for r in rows] == [
        ("approved", "", "fine", moderator.pk)] * 3
    assert all(r.moderated_at is not None and r.updated_at == r.moderated_at for r in rows)
    events = list(AuditEvent.objects.filter(action="engagement.feedback.moderated").order_by("id"))
    assert [(e.target_id, e.actor_id, e.organization_id, e.before, e.after, e.target_label) for e in events] == [
        (str(i.pk), moderator.pk, department.pk, {"status": "pending", "reject_reason": ""},
         {"status": "approved", "reject_reason": ""}, f"feedback #{i.pk}") for i in items]
    assert verify_chain()[1] is None


def test_bulk_audit_matches_the_single_path_event_for_event(department, moderator):
    single, bulk = _items(department, 2)
    services.feedback_moderate(by=moderator, item=single, approve=False, reason="spam")
    services.feedback_moderate_bulk(by=moderator, item_ids=[bulk.pk], approve=False, reason="spam")
    one, many = AuditEvent.objects.filter(action="engagement.feedback.moderated").order_by("id")
    fields = ("actor_id", "actor_label", "action", "target_type_id", "organization_id", "before", "after")
    assert [getattr(one, f) for f in fields] == [getattr(many, f) for f in fields]
    assert verify_chain()[1] is None


def test_bulk_reject_needs_a_listed_reason_and_changes_nothing_without_it(department, moderator):
    items = _items(department, 2)
    for reason in ("", "rude"):
        with pytest.raises(ApplicationError, match="Choose the reason") as error:
            services.feedback_moderate_bulk(by=moderator, item_ids=[i.pk for i in items], approve=False,
                                            reason=reason)
        assert error.value.field == "reason"
    assert _statuses(items) == [("pending", "")] * 2
    result = services.feedback_moderate_bulk(by=moderator, item_ids=[i.pk for i in items], approve=False,
                                             reason="off_topic")
    assert result.outcome == {items[0].pk: "rejected", items[1].pk: "rejected"}
    assert _statuses(items) == [("rejected", "off_topic")] * 2


def test_crisis_items_are_skipped_by_number_and_the_rest_are_published(department, moderator):
    calm = _items(department, 2)
    crisis = services.feedback_submit(text="quiero morir", language=calm[0].language, session=calm[0].session)
    assert crisis.safety_flag is True
    ids = [calm[0].pk, crisis.pk, calm[1].pk]
    result = services.feedback_moderate_bulk(by=moderator, item_ids=ids, approve=True)
    assert (result.done, result.skipped) == ([calm[0].pk, calm[1].pk], [crisis.pk])
    assert result.results() == [{"id": calm[0].pk, "result": "approved"},
                                {"id": crisis.pk, "result": "skipped_crisis"},
                                {"id": calm[1].pk, "result": "approved"}]
    crisis.refresh_from_db()
    assert (crisis.status, crisis.moderated_by) == ("pending", None)
    assert not AuditEvent.objects.filter(action="engagement.feedback.moderated", target_id=str(crisis.pk)).exists()


def test_crisis_items_can_be_rejected_in_bulk_as_on_the_single_path(department, moderator):
    crisis = services.feedback_submit(text="I am going to hurt myself", language=_items(department, 1)[0].language)
    result = services.feedback_moderate_bulk(by=moderator, item_ids=[crisis.pk], approve=False, reason="safety")
    assert (result.done, result.skipped) == ([crisis.pk], [])
    crisis.refresh_from_db()
    assert (crisis.status, crisis.reject_reason) == ("rejected", "safety")


def test_another_departments_items_are_not_found_and_never_touched(department, moderator):
    own = _items(department, 1)[0]
    theirs = _items(CityDepartmentFactory(), 1)[0]
    unsessioned = FeedbackFactory()  # feedback tied to no session: every moderator handles it
    result = services.feedback_moderate_bulk(by=moderator, item_ids=[theirs.pk, own.pk, 999999, unsessioned.pk],
                                             approve=True)
    assert result.outcome == {theirs.pk: "not_found", own.pk: "approved", 999999: "not_found",
                              unsessioned.pk: "approved"}
    theirs.refresh_from_db()
    assert (theirs.status, theirs.moderated_by) == ("pending", None)
    assert not AuditEvent.objects.filter(target_id=str(theirs.pk), action="engagement.feedback.moderated").exists()


def test_program_admin_moderates_every_department(department):
    admin = user_with_role(Role.PROGRAM_ADMIN)
    items = _items(department, 1) + _items(CityDepartmentFactory(), 1)
    result = services.feedback_moderate_bulk(by=admin, item_ids=[i.pk for i in items], approve=True)
    assert result.done == [i.pk for i in items]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.RESPONDER, Role.PROGRAM_EVALUATOR, Role.TRAINER])
def test_non_moderators_are_refused(department, role):
    item = _items(department, 1)[0]
    with pytest.raises(ApplicationError, match="Only a moderator") as error:
        services.feedback_moderate_bulk(by=user_with_role(role), item_ids=[item.pk], approve=True)
    assert error.value.code == "forbidden"
    assert _statuses([item]) == [("pending", "")]


def test_at_most_100_ids_and_at_least_one(department, moderator):
    items = _items(department, 1)
    with pytest.raises(ApplicationError, match=r"at most 100 items at a time \(101 selected\)") as error:
        services.feedback_moderate_bulk(by=moderator, item_ids=[items[0].pk, *range(10**6, 10**6 + 100)],
                                        approve=True)
    assert error.value.field == "ids"
    assert _statuses(items) == [("pending", "")]
    with pytest.raises(ApplicationError, match="Select at least one") as error:
        services.feedback_moderate_bulk(by=moderator, item_ids=[], approve=True)
    assert error.value.field == "ids"
    with pytest.raises(ApplicationError, match="is not a feedback number"):
        services.feedback_moderate_bulk(by=moderator, item_ids=["x"], approve=True)
    # Repeats count once: 100 distinct ids given twice over is within the limit.
    ids = [items[0].pk, *range(10**6, 10**6 + 99)]
    assert services.feedback_moderate_bulk(by=moderator, item_ids=ids + ids, approve=True).done == [items[0].pk]


def test_one_transaction_a_failure_changes_nothing(department, moderator, monkeypatch):
    items = _items(department, 3)

    def broken(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("apps.engagement.services.feedback.audit_many", broken)
    with pytest.raises(RuntimeError):
        services.feedback_moderate_bulk(by=moderator, item_ids=[i.pk for i in items], approve=True)
    assert _statuses(items) == [("pending", "")] * 3


def test_authors_who_left_a_contact_are_told_as_on_the_single_path(department, moderator,
                                                                    django_capture_on_commit_callbacks):
    told = _items(department, 1, contact_consent=True, contact_email="ana@example.org")[0]
    anonymous = _items(department, 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_moderate_bulk(by=moderator, item_ids=[told.pk, anonymous.pk], approve=False,
                                        reason="off_topic")
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "Not about the program" in mail.outbox[0].body
    assert list(Notification.objects.values_list("kind", "dedupe_key")) == [
        ("engagement.moderation_result", f"engagement.moderation:{told.pk}:rejected:off_topic")]
    # The same decision again tells no one twice (the single path's dedupe key).
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_moderate_bulk(by=moderator, item_ids=[told.pk], approve=False, reason="off_topic")
    assert len(mail.outbox) == 1


def _bulk_queries(moderator, items) -> int:
    with CaptureQueriesContext(connection) as context:
        services.feedback_moderate_bulk(by=moderator, item_ids=[i.pk for i in items], approve=True)
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_batch(department, moderator):
    # Warm the process-wide caches (roles, content types) the way any earlier request would.
    moderator.has_role(Role.MODERATOR)
    ContentType.objects.get_for_model(FeedbackItem)
    two, twenty = _items(department, 2), _items(department, 20)
    # The lock-and-read, one UPDATE and one audit INSERT (unsealed, no lock: the sealer chains it
    # later), plus the test's savepoint and its release.
    assert (_bulk_queries(moderator, two), _bulk_queries(moderator, twenty)) == (5, 5)


# --- the queue page ------------------------------------------------------------------------------

def test_page_shows_a_labelled_checkbox_per_item_and_select_all(client, department, moderator):
    items = _items(department, 2)
    client.force_login(moderator)
    body = client.get(PAGE).content.decode()
    for item in items:
        assert f'<input type="checkbox" name="ids" value="{item.pk}" id="select-{item.pk}">' in body
        assert f'<label for="select-{item.pk}" class="usa-sr-only">Select feedback #{item.pk}</label>' in body
        assert f'<input type="hidden" name="shown" value="{item.pk}">' in body
    assert '<label for="id_all_on_page">Select all on this page</label>' in body
    assert '<legend class="usa-legend usa-legend--large">Moderate the selected feedback</legend>' in body


def test_page_approves_ticked_items_and_summarises_with_the_skipped_crisis(client, department, moderator):
    calm = _items(department, 2)
    crisis = services.feedback_submit(text="quiero morir", language=calm[0].language, session=calm[0].session)
    client.force_login(moderator)
    response = client.post(PAGE + "?status=pending", {
        "ids": [calm[0].pk, calm[1].pk, crisis.pk], "decision": "approve", "reason": "", "note": ""}, follow=True)
    assert response.redirect_chain == [("/staff/engagement/feedback/?status=pending", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"2 approved, 1 skipped (crisis message #{crisis.pk})"]
    assert _statuses(calm) == [("approved", "")] * 2


def test_page_select_all_acts_on_the_items_shown_only(client, department, moderator):
    shown = _items(department, 2)
    arrived_since = _items(department, 1)[0]
    client.force_login(moderator)
    response = client.post(PAGE, {"all_on_page": "on", "shown": [i.pk for i in shown], "decision": "reject",
                                  "reason": "spam"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["2 rejected"]
    assert _statuses(shown) == [("rejected", "spam")] * 2
    assert _statuses([arrived_since]) == [("pending", "")]


def test_page_reports_another_departments_item_as_not_found(client, department, moderator):
    own, theirs = _items(department, 1)[0], _items(CityDepartmentFactory(), 1)[0]
    client.force_login(moderator)
    response = client.post(PAGE, {"ids": [own.pk, theirs.pk], "decision": "approve"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"1 approved, 1 not found in your queue (#{theirs.pk})"]
    assert _statuses([theirs]) == [("pending", "")]


def test_page_errors_are_tied_to_their_fields_and_nothing_changes(client, department, moderator):
    items = _items(department, 1)
    client.force_login(moderator)
    response = client.post(PAGE, {"ids": [items[0].pk], "decision": "reject", "reason": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["bulk_form"].errors == {"reason": ["Choose the reason for rejecting it."]}
    assert 'aria-describedby="id_reason_help id_reason_error" aria-invalid="true"' in body
    assert '<span class="usa-error-message" id="id_reason_error">Choose the reason for rejecting it.</span>' in body
    # The ticked item stays ticked for the second try.
    assert f'value="{items[0].pk}" id="select-{items[0].pk}" checked' in body
    assert _statuses(items) == [("pending", "")]

    response = client.post(PAGE, {"decision": "approve"})
    assert response.context["bulk_form"].errors == {
        "ids": ["Tick the items to moderate, or select all on this page."]}
    assert '<span class="usa-error-message" id="id_ids_error">' in response.content.decode()

    response = client.post(PAGE, {"ids": [items[0].pk, *range(10**6, 10**6 + 100)], "decision": "approve"})
    assert response.context["bulk_form"].errors == {
        "ids": ["Select at most 100 items at a time (101 selected)."]}
    assert _statuses(items) == [("pending", "")]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.RESPONDER])
def test_page_post_is_forbidden_to_non_moderators(client, department, role):
    item = _items(department, 1)[0]
    client.force_login(user_with_role(role))
    assert client.post(PAGE, {"ids": [item.pk], "decision": "approve"}).status_code == 403
    assert _statuses([item]) == [("pending", "")]


def test_page_post_needs_sign_in(client, department):
    item = _items(department, 1)[0]
    response = client.post(PAGE, {"ids": [item.pk], "decision": "approve"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _statuses([item]) == [("pending", "")]


# --- the API -------------------------------------------------------------------------------------

@pytest.fixture
def api():
    return APIClient()


def test_api_answers_per_id_results(api, department, moderator):
    calm = _items(department, 1)[0]
    crisis = services.feedback_submit(text="quiero morir", language=calm.language, session=calm.session)
    theirs = _items(CityDepartmentFactory(), 1)[0]
    api.force_authenticate(moderator)
    response = api.post(API, {"ids": [calm.pk, crisis.pk, theirs.pk], "approve": True}, format="json")
    assert response.status_code == 200
    assert response.json() == {"approved": 1, "rejected": 0, "skipped_crisis": 1, "not_found": 1, "results": [
        {"id": calm.pk, "result": "approved"}, {"id": crisis.pk, "result": "skipped_crisis"},
        {"id": theirs.pk, "result": "not_found"}]}
    rejected = api.post(API, {"ids": [calm.pk], "approve": False, "reason": "abusive", "note": "slur"}, format="json")
    assert rejected.json()["rejected"] == 1
    calm.refresh_from_db()
    assert (calm.status, calm.reject_reason, calm.moderator_note) == ("rejected", "abusive", "slur")


@pytest.mark.parametrize(("body", "errors"), [
    ({"ids": [1], "approve": False}, {"reason": ["Choose the reason for rejecting it."]}),
    ({"ids": [], "approve": True}, {"ids": ["Ensure this field has at least 1 elements."]}),
    ({"ids": list(range(1, 102)), "approve": True}, {"ids": ["Ensure this field has no more than 100 elements."]}),
    ({"ids": ["x"], "approve": True}, {"ids": ["0: A valid integer is required."]}),
    ({"ids": [1]}, {"approve": ["This field is required."]}),
    ({"ids": [1], "approve": False, "reason": "rude"}, {"reason": ['"rude" is not a valid choice.']}),
])
def test_api_bad_input_is_a_400_with_the_field(api, department, moderator, body, errors):
    item = _items(department, 1)[0]
    api.force_authenticate(moderator)
    response = api.post(API, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert _statuses([item]) == [("pending", "")]


def test_api_refuses_non_moderators_and_anonymous(api, department):
    item = _items(department, 1)[0]
    assert api.post(API, {"ids": [item.pk], "approve": True}, format="json").status_code == 401
    api.force_authenticate(user_with_role(Role.COORDINATOR))
    assert api.post(API, {"ids": [item.pk], "approve": True}, format="json").status_code == 403
    assert _statuses([item]) == [("pending", "")]
