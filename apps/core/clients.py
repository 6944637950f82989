"""Residents' per-client limits, without stored IPs.

The rate limit needs to recognize a client for a while, not to know who it is. The client's IP is
hashed with HMAC under a random key that lives only in the cache and changes every day; yesterday's
key expires with the cache entry, so no hash can be linked to an address after two days, and
nothing about the IP is ever written to the database.

Every public action a resident can take without an account (feedback, registration, cancel, forget,
unsubscribe) passes through `resident_limit`, from its page and from its API alike. It lives in core
because two apps (engagement, notifications) use it and neither may import the other.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

RATE_WINDOW_SECONDS = 3600
KEY_TTL_SECONDS = 2 * 24 * 3600


def client_ip(request) -> str:
    """The client address, trusting exactly TRUSTED_PROXY_COUNT X-Forwarded-For hops."""
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if trusted <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    # Each trusted proxy appends the address it saw: the client is `trusted` entries from the end.
    if len(hops) >= trusted:
        return hops[-trusted]
    return hops[0] if hops else remote


# This process's copy of the day's key, as read back from the cache: (day, key, read at). Every
# public form counts its client, so reading the key from the cache each time cost two round trips
# per request; the copy is re-read after KEY_MEMO_SECONDS, so a key lost with a flushed cache is
# agreed on again across processes within that time.
KEY_MEMO_SECONDS = 60
_key_memo: tuple[str, bytes, float] | None = None


def _daily_key() -> bytes:
    global _key_memo
    day = timezone.now().date().isoformat()
    now = time.monotonic()
    memo = _key_memo
    if memo is not None and memo[0] == day and now - memo[2] < KEY_MEMO_SECONDS:
        return memo[1]
    cache_key = f"engagement:client-key:{day}"
    fresh = secrets.token_hex(32)
    cache.add(cache_key, fresh, KEY_TTL_SECONDS)  # the first request of the day wins
    stored = cache.get(cache_key)
    if stored is None:  # the cache is failing: use this key now, agree on one when it is back
        return fresh.encode()
    _key_memo = (day, stored.encode(), now)
    return _key_memo[1]


def client_key(request) -> str:
    return hmac.new(_daily_key(), client_ip(request).encode(), hashlib.sha256).hexdigest()


def rate_limited(request, *, scope: str, limit: int) -> bool:
    """Count one attempt for this client; True when it is over `limit` within the hour."""
    key = f"engagement:rate:{scope}:{client_key(request)}"
    # Most clients are new: their first attempt is one round trip (add), not two (add, incr).
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > limit


# --- residents' per-client limits -----------------------------------------------------------------

# Every public action a resident can take without an account, with the setting that caps it per
# client and hour (its default is in crisisprog/settings/base.py, and only there). The pages and
# the API call `resident_limit` with the same action, so they share one count: a client cannot get
# around the page's limit through the API. Unsubscribe is generous: mail providers send one-click
# (RFC 8058) unsubscribes for many residents from a few addresses, and refusing a legitimate
# opt-out is worse than a few extra writes.
RESIDENT_LIMITS = {
    "feedback": "ENGAGEMENT_FEEDBACK_PER_HOUR",
    "register": "ENGAGEMENT_REGISTRATIONS_PER_HOUR",
    "cancel": "ENGAGEMENT_CANCEL_PER_HOUR",
    "forget": "ENGAGEMENT_FORGET_PER_HOUR",
    "unsubscribe": "ENGAGEMENT_UNSUBSCRIBE_PER_HOUR",
}


def resident_limit_for(action: str) -> int:
    return getattr(settings, RESIDENT_LIMITS[action])


def resident_limit(action: str, request) -> bool:
    """Count one `action` by this client; True when it is over the hour's limit (refuse it)."""
    return rate_limited(request, scope=action, limit=resident_limit_for(action))
