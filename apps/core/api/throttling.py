"""DRF's per-minute throttles, knowing a client as apps/core/clients.py does.

DRF keys an anonymous caller by its address as it reads it: the raw IP, kept in the cache for the
throttle's window (a resident's address, on the public feedback and cancel operations), and, with
no proxy configured (NUM_PROXIES None), the whole X-Forwarded-For header the client sends, so a
made-up header per request escapes the limit. `client_key` is the HMAC of the address under the
day's key, read through exactly the proxies we trust (TRUSTED_PROXY_COUNT), as the residents'
limits use."""

from rest_framework import throttling

from apps.core.clients import client_key


class ClientKeyMixin:
    def get_ident(self, request) -> str:
        return client_key(request)


class AnonRateThrottle(ClientKeyMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientKeyMixin, throttling.UserRateThrottle):
    """Signed-in callers are still keyed by their user; the address counts only for anonymous ones."""
