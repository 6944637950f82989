"""What one resident's form submission costs: the load benchmark's (bench/load.py) findings, kept fixed.

A submitted form does not look up its initial values, the rate limit reads the day's key from the
cache once a minute rather than twice a request and counts a new client in one operation, and a
registration's check-in code is checked with one indexed look-up instead of reading every code.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core import clients as privacy
from apps.engagement import services
from apps.engagement.models import FeedbackItem, Registration
from apps.engagement.services import registrations
from tests.factories.engagement import RegistrationFactory, SessionFactory, language

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_key_memo(monkeypatch):
    monkeypatch.setattr(privacy, "_key_memo", None)


def _initial_language_queries(ctx) -> list[str]:
    """The look-up of the form's initial language (English), which only an unbound form needs."""
    return [q["sql"] for q in ctx.captured_queries if "\"core_language\".\"code\" = 'en'" in q["sql"]]


def test_submitted_feedback_form_does_not_look_up_its_initial_language(client):
    english = language("en")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/feedback/", {"text": "Send trained neighbors.", "language": english.pk})
    assert response.templates[0].name == "engagement/feedback_thanks.html"
    assert _initial_language_queries(ctx) == []
    assert FeedbackItem.objects.count() == 1


def test_feedback_form_page_still_preselects_english(client):
    body = client.get("/feedback/").content.decode()
    assert f'<option value="{language("en").pk}" selected>' in body


def test_submitted_registration_form_does_not_look_up_its_initial_language(client):
    session, english = SessionFactory(), language("en")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"/sessions/{session.pk}/register/", {"name": "Ana", "language": english.pk})
    assert response.status_code == 302
    assert _initial_language_queries(ctx) == []


def test_new_code_looks_up_only_the_code_it_tries(monkeypatch):
    session = SessionFactory(capacity=100)
    for n in range(30):
        RegistrationFactory(session=session, code=f"TKN{n:03d}")
    # The first try collides with a taken code, the second is free.
    monkeypatch.setattr(registrations.secrets, "choice", _choices_spelling(["TKN007", "ACDEFG"]))
    with CaptureQueriesContext(connection) as ctx:
        code = registrations._new_code(session)
    assert code == "ACDEFG"
    selects = [q["sql"] for q in ctx.captured_queries if '"engagement_registration"' in q["sql"]]
    assert len(selects) == 2
    assert all('"engagement_registration"."code" =' in sql for sql in selects)


def _choices_spelling(codes: list[str]):
    """A stand-in for secrets.choice that spells out `codes` one character at a time."""
    assert all(len(code) == services.CODE_LENGTH for code in codes)
    letters = iter("".join(codes))
    return lambda alphabet: next(letters)


def test_registration_query_count_does_not_grow_with_the_session():
    english = language("en")
    small, large = SessionFactory(capacity=500), SessionFactory(capacity=500)
    for n in range(40):
        RegistrationFactory(session=large, code=f"L{n:05d}")
    with CaptureQueriesContext(connection) as small_ctx:
        services.registration_create(session_id=small.pk, name="Ana", language=english)
    with CaptureQueriesContext(connection) as large_ctx:
        services.registration_create(session_id=large.pk, name="Ben", language=english)
    assert len(large_ctx.captured_queries) == len(small_ctx.captured_queries)
    assert Registration.objects.filter(session=large).count() == 41


def test_daily_key_is_read_from_the_cache_once_a_minute(monkeypatch):
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: reads.append(key) or real_get(key, *a, **kw))
    clock = [1000.0]
    monkeypatch.setattr(privacy.time, "monotonic", lambda: clock[0])
    first = privacy._daily_key()
    assert privacy._daily_key() == first
    assert len(reads) == 1
    clock[0] += privacy.KEY_MEMO_SECONDS + 1
    assert privacy._daily_key() == first  # the same key, read again from the cache
    assert len(reads) == 2


def test_daily_key_changes_with_the_day(monkeypatch):
    today = privacy._daily_key()
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(privacy.timezone, "now", lambda: tomorrow)
    assert privacy._daily_key() != today


def test_daily_key_is_not_kept_while_the_cache_fails(monkeypatch):
    monkeypatch.setattr(cache, "add", lambda *a, **kw: False)
    monkeypatch.setattr(cache, "get", lambda *a, **kw: None)
    first, second = privacy._daily_key(), privacy._daily_key()
    assert first != second
    assert privacy._key_memo is None


def test_rate_limit_counts_a_new_client_in_one_cache_operation(rf, monkeypatch, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    privacy._daily_key()  # the day's key is in hand, as on any but the first request of a minute
    calls = []
    for name in ("add", "incr", "set", "get"):
        real = getattr(cache, name)
        monkeypatch.setattr(cache, name,
                            lambda *a, _real=real, _name=name, **kw: calls.append(_name) or _real(*a, **kw))
    request = rf.post("/feedback/", REMOTE_ADDR="198.51.100.4")
    assert privacy.rate_limited(request, scope="feedback", limit=2) is False
    assert calls == ["add"]
    assert privacy.rate_limited(request, scope="feedback", limit=2) is False
    assert privacy.rate_limited(request, scope="feedback", limit=2) is True
    assert calls == ["add", "add", "incr", "add", "incr"]


def test_rate_limit_of_zero_refuses_the_first_attempt(rf):
    request = rf.post("/feedback/", REMOTE_ADDR="198.51.100.5")
    assert privacy.rate_limited(request, scope="feedback", limit=0) is True
