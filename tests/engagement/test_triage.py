"""Moderator triage: the feedback queue's filters and Received column, moderating and coding an item in
one step with the next item of the same filtered queue, the decision form's feedback picker, and the
preview a decision is published from."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.roles import Role
from apps.core.models import AuditEvent
from apps.engagement import services
from apps.engagement.models import Decision, FeedbackItem
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, SessionFactory, ThemeFactory, language, moderator_of

pytestmark = pytest.mark.django_db

QUEUE = "/staff/engagement/feedback/"
BOSTON = ZoneInfo("America/New_York")


def _received(item: FeedbackItem, *args) -> FeedbackItem:
    """Backdate an item's arrival to a local (Boston) time: created_at is set on insert."""
    when = datetime(*args, tzinfo=BOSTON)
    FeedbackItem.objects.filter(pk=item.pk).update(created_at=when)
    item.created_at = when
    return item


def _numbers(client, query: str = "") -> list[int]:
    response = client.get(QUEUE + query)
    assert response.status_code == 200
    return [item.pk for item in response.context["page"]]


@pytest.fixture
def department():
    return CityDepartmentFactory()


@pytest.fixture
def moderator(department):
    return moderator_of(department)


@pytest.fixture
def world(department, moderator):
    """Four items of the department that differ in one respect each, newest first: d, c, b, a."""
    library, clinic = SessionFactory(organization=department), SessionFactory(organization=department)
    parent = ThemeFactory(name="Response")
    child = ThemeFactory(name="Night hours", parent=parent)
    other = ThemeFactory(name="Police")
    a = _received(FeedbackFactory(organization=department, session=library, text="Vans at night, please."),
                  2026, 11, 2, 9, 0)
    b = _received(FeedbackFactory(organization=department, session=clinic, text="Más horas de noche.",
                                  language=language("es")), 2026, 11, 3, 23, 30)
    c = _received(FeedbackFactory(organization=department, session=library, text="Peer responders.",
                                  status="approved"), 2026, 11, 4, 0, 30)
    d = _received(FeedbackFactory(organization=department, text="Quick answer.", safety_flag=True),
                  2026, 11, 1, 8, 0)
    services.feedback_code(by=moderator, item=a, themes=[child])
    services.feedback_code(by=moderator, item=c, themes=[other])
    return {"a": a, "b": b, "c": c, "d": d, "library": library, "clinic": clinic, "parent": parent,
            "child": child, "other": other}


# --- the queue -----------------------------------------------------------------------------------

def test_queue_opens_on_pending_crisis_first_then_newest(client, moderator, world):
    client.force_login(moderator)
    w = world
    assert _numbers(client) == [w["d"].pk, w["b"].pk, w["a"].pk]
    assert _numbers(client, "?status=") == [w["d"].pk, w["c"].pk, w["b"].pk, w["a"].pk]


@pytest.mark.parametrize(("query", "expected"), [
    ("?status=&q=night", ["a"]),  # words of the text, whatever the case
    ("?status=&q=noche", ["b"]),
    ("?status=approved", ["c"]),
    ("?status=&language=es", ["b"]),
    ("?status=&session={library}", ["c", "a"]),
    ("?status=&theme={child}", ["a"]),
    ("?status=&theme={parent}", ["a"]),  # a top-level theme includes its sub-themes
    ("?status=&theme={other}", ["c"]),
    ("?status=&received_from=2026-11-03&received_to=2026-11-03", ["b"]),  # 11:30 p.m. is still the 3rd
    ("?status=&received_from=2026-11-04", ["c"]),
    ("?status=&received_to=2026-11-02", ["d", "a"]),
    ("?status=&flagged=1", ["d"]),
    ("?status=&flagged=0", ["c", "b", "a"]),
    ("?status=pending&language=en&session={library}&theme={parent}&q=vans", ["a"]),
])
def test_each_filter_narrows_the_queue_exactly(client, moderator, world, query, expected):
    client.force_login(moderator)
    query = query.format(**{k: v.pk for k, v in world.items()})
    assert _numbers(client, query) == [world[key].pk for key in expected]


def test_search_by_number(client, moderator, world):
    client.force_login(moderator)
    assert _numbers(client, f"?status=&q=%23{world['c'].pk}") == [world["c"].pk]


def test_a_bad_filter_value_is_shown_on_its_field_and_narrows_nothing(client, moderator, world):
    client.force_login(moderator)
    response = client.get(QUEUE + "?status=&received_from=2026-02-30")
    assert len(response.context["page"]) == 4
    body = response.content.decode()
    assert 'aria-describedby="id_received_from_error"' in body
    assert '<span class="usa-error-message" id="id_received_from_error">Enter a valid date.</span>' in body


def test_another_departments_session_is_not_a_choice(client, moderator, world):
    theirs = SessionFactory()
    client.force_login(moderator)
    response = client.get(QUEUE)
    choices = [value for value, _label in response.context["filters"].form.fields["session"].choices if value]
    assert sorted(int(str(v)) for v in choices) == sorted([world["library"].pk, world["clinic"].pk])
    assert theirs.pk not in [int(str(v)) for v in choices]


def test_received_column_shows_the_local_date(client, moderator, world):
    client.force_login(moderator)
    body = client.get(QUEUE + f"?status=&q=%23{world['b'].pk}").content.decode()
    assert '<th scope="col">Received</th>' in body
    # 11:30 p.m. in Boston is 4:30 a.m. the next day in UTC: the column shows the city's date.
    assert '<time datetime="2026-11-03T23:30:00-05:00">Nov. 3, 2026</time>' in body


def test_queue_layout_filters_table_then_bulk_bar(client, moderator, world):
    client.force_login(moderator)
    body = client.get(QUEUE).content.decode()
    assert body.index('aria-label="Filter the feedback queue"') < body.index("<table") < body.index(
        '<legend class="usa-legend usa-legend--large">Moderate the selected feedback</legend>')
    assert 'role="region" tabindex="0" aria-label="Feedback queue"' in body
    assert "<caption>Feedback queue" in body
    for field in ("id_q", "id_status", "id_language", "id_session", "id_theme", "id_received_from",
                  "id_received_to", "id_flagged"):
        assert f'<label class="usa-label" for="{field}">' in body


def test_filters_travel_to_the_pages_and_the_items_and_back_after_a_bulk_action(client, moderator, world):
    extra = [FeedbackFactory(organization=world["a"].organization, session=world["library"]) for _ in range(50)]
    client.force_login(moderator)
    query = f"q=&status=pending&session={world['library'].pk}"
    response = client.get(QUEUE + "?" + query)
    body = response.content.decode()
    assert f'href="?status=pending&amp;session={world["library"].pk}&amp;page=2" rel="next"' in body
    assert f'/staff/engagement/feedback/{extra[-1].pk}/?status=pending&amp;session={world["library"].pk}"' in body
    response = client.post(QUEUE + f"?status=pending&session={world['library'].pk}&page=2",
                           {"ids": [world["a"].pk], "decision": "reject", "reason": "spam"})
    assert response["Location"] == QUEUE + f"?status=pending&session={world['library'].pk}&page=2"


def test_queue_query_count_is_constant_in_rows(client, department, moderator):
    theme = ThemeFactory()
    session = SessionFactory(organization=department)
    client.force_login(moderator)

    def add():
        item = FeedbackFactory(organization=department, session=session, entered_by=moderator,
                               channel="paper_card")
        services.feedback_code(by=moderator, item=item, themes=[theme])

    def measure(url):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        return len(context.captured_queries)

    url = QUEUE + f"?status=pending&session={session.pk}&theme={theme.pk}&language=en&q=send"
    add()
    one = measure(url)
    add()
    add()
    assert measure(url) == one
    assert len(client.get(url).context["page"]) == 3


# --- one item: moderate and code, then the next ----------------------------------------------------

def test_moderate_and_code_in_one_post_then_the_next_item_of_the_filtered_queue(client, moderator, world):
    client.force_login(moderator)
    w = world
    query = f"status=pending&session={w['library'].pk}"
    other = FeedbackFactory(organization=w["a"].organization, session=w["library"])
    _received(other, 2026, 10, 30, 12, 0)  # older than a: after it in the queue
    response = client.post(f"/staff/engagement/feedback/{w['a'].pk}/?{query}", {
        "decision": "approve", "themes": [w["other"].pk, w["child"].pk], "then": "next"}, follow=True)
    assert response.redirect_chain == [(f"/staff/engagement/feedback/{other.pk}/?{query}", 302)]
    assert [str(m) for m in response.context["messages"]] == [f"Feedback #{w['a'].pk} saved."]
    w["a"].refresh_from_db()
    assert (w["a"].status, w["a"].moderated_by) == ("approved", moderator)
    assert sorted(t.pk for t in w["a"].themes.all()) == sorted([w["other"].pk, w["child"].pk])
    actions = list(AuditEvent.objects.filter(target_id=str(w["a"].pk)).values_list("action", flat=True)
                   .order_by("id"))
    assert actions[-2:] == ["engagement.feedback.moderated", "engagement.feedback.coded"]

    # The last item of the queue: back to the queue, with the filters and a word.
    response = client.post(f"/staff/engagement/feedback/{other.pk}/?{query}", {
        "decision": "reject", "reason": "off_topic", "then": "next"}, follow=True)
    assert response.redirect_chain == [(f"{QUEUE}?{query}", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Feedback #{other.pk} saved.", "No more feedback in this queue. You are back at its first page."]


def test_next_follows_the_queue_order_crisis_first_then_newest(client, moderator, world):
    client.force_login(moderator)
    w = world
    # Pending, all sessions: d (crisis), b, a.
    response = client.post(f"/staff/engagement/feedback/{w['d'].pk}/?status=pending", {"then": "skip"})
    assert response["Location"] == f"/staff/engagement/feedback/{w['b'].pk}/?status=pending"
    response = client.post(f"/staff/engagement/feedback/{w['b'].pk}/?status=pending", {"then": "skip"})
    assert response["Location"] == f"/staff/engagement/feedback/{w['a'].pk}/?status=pending"
    response = client.post(f"/staff/engagement/feedback/{w['a'].pk}/?status=pending", {"then": "skip"})
    assert response["Location"] == f"{QUEUE}?status=pending"
    w["d"].refresh_from_db()
    assert w["d"].status == "pending"  # skipping changes nothing


def test_save_stays_on_the_item_and_unchanged_decision_adds_no_moderation_event(client, moderator, world):
    client.force_login(moderator)
    c = world["c"]  # approved already
    before = AuditEvent.objects.filter(action="engagement.feedback.moderated").count()
    response = client.post(f"/staff/engagement/feedback/{c.pk}/?status=", {
        "decision": "approve", "themes": [world["parent"].pk], "then": "stay"})
    assert response["Location"] == f"/staff/engagement/feedback/{c.pk}/?status="
    assert AuditEvent.objects.filter(action="engagement.feedback.moderated").count() == before
    assert [t.pk for t in c.themes.all()] == [world["parent"].pk]


def test_the_form_shows_the_items_decision_and_themes(client, moderator, world):
    client.force_login(moderator)
    form = client.get(f"/staff/engagement/feedback/{world['c'].pk}/").context["form"]
    assert form.initial["decision"] == "approve"
    assert form.initial["themes"] == [world["other"].pk]


def test_errors_are_tied_to_their_fields_and_nothing_is_saved(client, moderator, world):
    client.force_login(moderator)
    a = world["a"]
    response = client.post(f"/staff/engagement/feedback/{a.pk}/", {
        "decision": "reject", "reason": "", "themes": [world["other"].pk], "then": "next"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-describedby="id_reason_error"' in body
    assert '<span class="usa-error-message" id="id_reason_error">Choose the reason for rejecting it.</span>' in body
    a.refresh_from_db()
    assert (a.status, [t.pk for t in a.themes.all()]) == ("pending", [world["child"].pk])


def test_a_crisis_message_can_only_be_rejected(client, moderator, world):
    client.force_login(moderator)
    d = world["d"]
    response = client.get(f"/staff/engagement/feedback/{d.pk}/")
    assert [value for value, _ in response.context["form"].fields["decision"].choices] == ["reject"]
    response = client.post(f"/staff/engagement/feedback/{d.pk}/", {"decision": "approve", "then": "next"})
    assert response.status_code == 200
    d.refresh_from_db()
    assert d.status == "pending"
    response = client.post(f"/staff/engagement/feedback/{d.pk}/", {"decision": "reject", "reason": "safety",
                                                                  "then": "stay"})
    d.refresh_from_db()
    assert (d.status, d.reject_reason, d.safety_flag) == ("rejected", "safety", True)


def test_another_departments_moderator_gets_404_and_changes_nothing(client, world):
    a = world["a"]
    client.force_login(moderator_of())
    assert client.get(f"/staff/engagement/feedback/{a.pk}/").status_code == 404
    assert client.post(f"/staff/engagement/feedback/{a.pk}/", {"decision": "approve"}).status_code == 404
    assert client.post(f"/staff/engagement/feedback/{a.pk}/", {"then": "skip"}).status_code == 404
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.post(f"/staff/engagement/feedback/{a.pk}/", {"decision": "approve"}).status_code == 403
    a.refresh_from_db()
    assert a.status == "pending"


def test_next_never_leaves_the_moderators_departments(client, department, moderator, world):
    theirs = _received(FeedbackFactory(organization=CityDepartmentFactory()), 2026, 11, 2, 8, 0)
    client.force_login(moderator)
    response = client.post(f"/staff/engagement/feedback/{world['a'].pk}/?status=pending", {"then": "skip"})
    assert response["Location"] == f"{QUEUE}?status=pending"
    assert theirs.status == "pending"


# --- decisions: the picker and the preview ---------------------------------------------------------

DECISION = {"title": "Night coverage", "title_es": "Cobertura nocturna", "action": "Extended to 11 pm.",
            "action_es": "Hasta las 11 pm.", "outcome": "adapted", "progress": "in_progress",
            "decided_on": "2026-04-01"}


def test_picker_search_lists_published_matches_in_full_and_links_them(client, department, moderator):
    long_text = "Vans at night would help my street. " * 6
    night = FeedbackFactory(organization=department, status="approved", text=long_text)
    FeedbackFactory(organization=department, status="approved", text="Daytime only.")
    FeedbackFactory(organization=department, status="pending", text="Night pending.")
    FeedbackFactory(organization=CityDepartmentFactory(), status="approved", text="Night elsewhere.")
    client.force_login(moderator)
    # Without JavaScript: "Search" posts the form back, keeping what was typed, saving nothing.
    response = client.post("/staff/engagement/decisions/new/", {**DECISION, "q": "night", "search": "1"})
    assert response.status_code == 200
    assert [i.pk for i in response.context["matches"]] == [night.pk]
    body = response.content.decode()
    assert long_text.strip() in body  # the full text, not a truncation
    assert 'value="Night coverage"' in body
    assert Decision.objects.count() == 0
    # Ticked and saved: linked.
    response = client.post("/staff/engagement/decisions/new/", {**DECISION, "feedback_items": [night.pk], "q": ""})
    decision = Decision.objects.get()
    assert response["Location"] == f"/staff/engagement/decisions/{decision.pk}/"
    assert [i.pk for i in decision.feedback_items.all()] == [night.pk]
    # The linked item is listed, ticked, and not among the matches; unticked and saved, it is removed.
    response = client.get(f"/staff/engagement/decisions/{decision.pk}/?q=night")
    assert [i.pk for i in response.context["linked"]] == [night.pk]
    assert response.context["matches"] == []
    assert f'name="feedback_items" value="{night.pk}" id="link-{night.pk}" checked' in response.content.decode()
    client.post(f"/staff/engagement/decisions/{decision.pk}/", {**DECISION})
    assert decision.feedback_items.count() == 0


def test_picker_results_fragment_for_picker_js(client, department, moderator):
    night = FeedbackFactory(organization=department, status="approved", text="Night vans.")
    linked = FeedbackFactory(organization=department, status="approved", text="Night, linked already.")
    client.force_login(moderator)
    response = client.get(f"/staff/engagement/decisions/new/?results=1&q=night&feedback_items={linked.pk}")
    assert response.status_code == 200
    assert [i.pk for i in response.context["matches"]] == [night.pk]
    assert "<html" not in response.content.decode()
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get("/staff/engagement/decisions/new/?results=1&q=night").status_code == 403


def test_picker_is_capped_with_a_note_to_refine(client, department, moderator):
    for _ in range(21):
        FeedbackFactory(organization=department, status="approved", text="Night.")
    client.force_login(moderator)
    response = client.get("/staff/engagement/decisions/new/?q=night")
    assert len(response.context["matches"]) == 20
    assert "The first 20 matches, newest first. Refine your search to find others." in response.content.decode()


def test_picker_query_count_is_constant_in_items(client, department, moderator):
    client.force_login(moderator)
    decision = services.decision_save(by=moderator, **{**DECISION, "decided_on": datetime(2026, 4, 1).date()})

    def add():
        linked = FeedbackFactory(organization=department, status="approved", session=SessionFactory(),
                                 text="Night linked.")
        decision.feedback_items.add(linked)
        FeedbackFactory(organization=department, status="approved", session=SessionFactory(), text="Night match.")

    def measure(url):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        return len(context.captured_queries)

    url = f"/staff/engagement/decisions/{decision.pk}/?q=night"
    add()
    one, fragment = measure(url), measure(url + "&results=1")
    add()
    add()
    assert (measure(url), measure(url + "&results=1")) == (one, fragment)
    assert len(client.get(url).context["matches"]) == 3


def test_preview_shows_the_decision_as_residents_will_in_both_languages(client, department, moderator):
    theme = ThemeFactory(name="Hours", name_es="Horario")
    quoted = FeedbackFactory(organization=department, status="approved", text="Call me at 617-555-0100, vans.")
    client.force_login(moderator)
    client.post("/staff/engagement/decisions/new/", {**DECISION, "themes": [theme.pk],
                                                     "feedback_items": [quoted.pk]})
    decision = Decision.objects.get()
    response = client.get(f"/staff/engagement/decisions/{decision.pk}/publish/")
    assert response.status_code == 200
    body = response.content.decode()
    assert ('<h3 class="usa-summary-box__heading">Night coverage</h3>' in body
            and '<h3 class="usa-summary-box__heading">Cobertura nocturna</h3>' in body)
    assert "Themes: Hours" in body and "Horario" in body
    assert "617-555-0100" not in body  # masked, as on the public page
    assert '<input type="hidden" name="confirm" value="yes">' in body
    assert f'href="/staff/engagement/decisions/{decision.pk}/">Back to edit</a>' in body
    decision.refresh_from_db()
    assert decision.is_published is False  # looking publishes nothing


def test_publishing_needs_the_previews_confirmation(client, department, moderator):
    client.force_login(moderator)
    client.post("/staff/engagement/decisions/new/", DECISION, follow=True)
    decision = Decision.objects.get()
    url = f"/staff/engagement/decisions/{decision.pk}/publish/"
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Nothing was published: check the preview, then publish from it."]
    decision.refresh_from_db()
    assert decision.is_published is False
    response = client.post(url, {"confirm": "yes"})
    assert response["Location"] == f"/staff/engagement/decisions/{decision.pk}/"
    decision.refresh_from_db()
    assert decision.is_published is True
    assert AuditEvent.objects.filter(action="engagement.decision.published", target_id=str(decision.pk)).count() == 1


def test_decision_pages_refuse_other_roles(client, department, moderator):
    decision = services.decision_save(by=moderator, **{**DECISION, "decided_on": datetime(2026, 4, 1).date()})
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get(f"/staff/engagement/decisions/{decision.pk}/publish/").status_code == 403
    assert client.post(f"/staff/engagement/decisions/{decision.pk}/publish/", {"confirm": "yes"}).status_code == 403
    decision.refresh_from_db()
    assert decision.is_published is False
