"""Service tokens on the API: `Authorization: Bearer cps_…`, the 911 center's dispatch system.

`ServiceTokenAuthentication` is listed only by the dispatch views. `ServiceTokenGate` is in the API's
default authentication classes and refuses a service token everywhere else, so a dispatch token can never
read another endpoint, not even public reference data (an invalid or expired token: 401; a valid token on
another endpoint: 403)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from apps.operations.models import ServiceToken, hash_service_token

KEYWORD = "Bearer"
TOKEN_PREFIX = "cps_"


class ServiceClient:
    """The request's user when a service token authenticated it: a system, not a person. It holds no role,
    belongs to no organization and is never city staff, so every person-scoped permission refuses it."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = is_superuser = is_city_staff = False
    role_names = frozenset()

    def __init__(self, token: ServiceToken) -> None:
        self.token = token
        # The throttles key an authenticated caller by pk: each token gets its own allowance.
        self.pk = self.id = f"service-token-{token.pk}"

    def has_role(self, role: str, organization_id: int | None = None) -> bool:
        return False

    def has_any_role(self, *roles: str) -> bool:
        return False

    def organization_ids(self, *roles: str) -> set[int]:
        return set()

    def __str__(self) -> str:
        return f"service token {self.token.prefix}…"


def _raw_token(request) -> str | None:
    """The token of an `Authorization: Bearer cps_…` header; None for any other header (a personal
    token, a session), which the other authentication classes read."""
    parts = authentication.get_authorization_header(request).split()
    if not parts or parts[0].decode("latin-1").lower() != KEYWORD.lower():
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(_("Send the service token as “Authorization: Bearer <token>”."))
    raw = parts[1].decode("latin-1")
    return raw if raw.startswith(TOKEN_PREFIX) else None


def _refusal(token: ServiceToken | None) -> exceptions.AuthenticationFailed:
    if token is None:
        return exceptions.AuthenticationFailed(_("Invalid service token."))
    if token.revoked_at is not None:
        return exceptions.AuthenticationFailed(_("This service token has been revoked."))
    return exceptions.AuthenticationFailed(_("This service token has expired."))


def _active_token(raw: str) -> ServiceToken:
    token = ServiceToken.objects.filter(token_hash=hash_service_token(raw)).first()
    if token is None or not token.is_active:
        raise _refusal(token)
    return token


def _count_use(raw: str) -> ServiceToken:
    """The active token of `raw`, its use counted, in one statement (UPDATE … RETURNING: the dispatch system
    polls, and a lookup then an update was a second round trip on every call). A refused token is looked up
    again only to say why."""
    table = connection.ops.quote_name(ServiceToken._meta.db_table)
    now = timezone.now()
    sql = (f"UPDATE {table} SET use_count = use_count + 1, last_used_at = %s "  # noqa: S608 (no user input)
           "WHERE token_hash = %s AND revoked_at IS NULL AND expires_at > %s "
           "RETURNING id, name, prefix, token_hash, scopes, expires_at, revoked_at, revoked_by_id, created_by_id, "
           "use_count, last_used_at, created_at, updated_at")
    token = next(iter(ServiceToken.objects.raw(sql, [now, hash_service_token(raw), now])), None)
    if token is None:
        raise _refusal(ServiceToken.objects.filter(token_hash=hash_service_token(raw)).first())
    return token


class ServiceTokenAuthentication(authentication.BaseAuthentication):
    """A service token, counted on every use (an UPDATE of the counter in the database, so concurrent uses are
    never lost)."""

    def authenticate(self, request):
        raw = _raw_token(request)
        if raw is None:
            return None
        token = _count_use(raw)
        return ServiceClient(token), token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class ServiceTokenGate(authentication.BaseAuthentication):
    """Every endpoint but the dispatch ones: a service token is refused, never taken for anonymous."""

    def authenticate(self, request):
        raw = _raw_token(request)
        if raw is None:
            return None
        _active_token(raw)  # an invalid, revoked or expired token is a 401 here too
        raise exceptions.PermissionDenied(_("A service token opens only the dispatch endpoints."))


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.operations.api.authentication.ServiceTokenAuthentication"
    name = "serviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": ('Service token of a machine client (the 911 center\'s dispatch system), sent as '
                            '"Authorization: Bearer cps_…". A program admin creates it under Operations → Service '
                            "tokens with the scope dispatch:read; it expires, can be revoked, and every use is "
                            "counted. It opens only the /api/v1/dispatch/ endpoints."),
        }


class ServiceTokenGateScheme(OpenApiAuthenticationExtension):
    """The gate authenticates no one: it adds nothing to an operation's security."""

    target_class = "apps.operations.api.authentication.ServiceTokenGate"
    name: list = []  # no security scheme of its own

    def get_security_requirement(self, auto_schema):
        return []

    def get_security_definition(self, auto_schema):
        return []
