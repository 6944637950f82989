"""Residents' privacy: client keys without stored IPs, masking of personal details, the safety screen.

The rate limit needs to recognize a client for a while, not to know who it is. The client's IP is
hashed with HMAC under a random key that lives only in the cache and changes every day; yesterday's
key expires with the cache entry, so no hash can be linked to an address after two days, and
nothing about the IP is ever written to the database.
"""

import hashlib
import hmac
import re
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


# --- masking -------------------------------------------------------------------------------------

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
STREET_RE = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][\w'-]*\s+){1,4}"
    r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Pl|Place|Ct|Court|Sq|Square|Ter|Terrace"
    r"|Pkwy|Parkway|Hwy|Highway|Calle|Avenida)\b\.?",
    re.IGNORECASE,
)


def mask_personal_details(text: str) -> str:
    """Emails, phone numbers and street addresses replaced before anything is shown publicly."""
    text = EMAIL_RE.sub("[email]", text)
    text = PHONE_RE.sub("[phone]", text)
    return STREET_RE.sub("[address]", text)


# --- the safety screen ---------------------------------------------------------------------------

# Phrases that describe a crisis now (harm to self or others), English and Spanish. The screen errs
# on the side of alerting: a person reads every flagged message.
CRISIS_PATTERNS = [re.compile(p, re.IGNORECASE) for p in [
    r"\bkill(ing)?\s+(my|him|her|them)sel(f|ves)\b",
    r"\bkill\s+myself\b", r"\bend\s+my\s+life\b", r"\bsuicid(e|al)\b", r"\bwant\s+to\s+die\b",
    r"\bhurt(ing)?\s+myself\b", r"\bself[-\s]?harm\b", r"\boverdos(e|ing)\b",
    r"\bgoing\s+to\s+(kill|hurt|shoot|stab)\b", r"\bno\s+reason\s+to\s+live\b",
    r"\bsuicid(io|arme|arse)\b", r"\bmatarme\b", r"\bquitarme\s+la\s+vida\b", r"\bquiero\s+morir(me)?\b",
    r"\bhacerme\s+da[ñn]o\b", r"\blastimarme\b", r"\bvoy\s+a\s+matar(lo|la|los|las)?\b",
    r"\bno\s+quiero\s+vivir\b",
]]


def describes_crisis(text: str) -> bool:
    return any(p.search(text) for p in CRISIS_PATTERNS)
