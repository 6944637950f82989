"""The API's own throttles (DRF's per-minute limits, beside the residents' per-client limits) know a
client the way apps/core/clients.py does: by an HMAC of its address under the day's key, never by the
address, and only through the proxies we trust."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.77"
FEEDBACK = "/api/v1/engagement/public-feedback/"


def _cached_keys() -> list[str]:
    """Every key the cache holds, as stored (with its prefix): Redis when CACHE_URL names it (CI), else the
    local-memory cache `make test` uses on a machine without Redis."""
    store = cache._cache
    if hasattr(store, "get_client"):  # django-redis
        return [k.decode() for k in store.get_client(None, write=False).keys(f"{cache.key_prefix}*")]
    return list(store.keys())  # LocMemCache: its dict of stored keys


def test_an_anonymous_call_keeps_no_address_in_the_cache(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    response = APIClient().post(FEEDBACK, {"text": "Thank you for the night team.", "language": "en"},
                                format="json", REMOTE_ADDR=ADDRESS)
    # Accepted, refused for its fields, or over a limit: whichever, the call went through the throttles.
    assert response.status_code in (201, 400, 429), response.content
    keys = _cached_keys()
    assert any("throttle_anon_" in key for key in keys), keys
    assert [key for key in keys if ADDRESS in key] == []


def test_a_made_up_forwarded_for_does_not_escape_the_anonymous_limit(settings, monkeypatch):
    """No proxy is trusted: X-Forwarded-For is the client's own words and names no one."""
    settings.TRUSTED_PROXY_COUNT = 0
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    api = APIClient()
    codes = [api.get("/api/v1/procurement/solicitations/", REMOTE_ADDR=ADDRESS,
                     HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]
