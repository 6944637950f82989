"""Service tokens of the 911 center's dispatch system: made and revoked by a program admin, read by the
token pages. Only the token's SHA-256 hash is stored; the token itself is returned once, by
`service_token_create`, for the page to show and never again.

The predicate lives here, beside the only services it guards (the board's permissions.py is another
part's); the API's own checks are in api/permissions.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require

from .models import ServiceScope, ServiceToken, hash_service_token, new_service_token

# A token for a dispatch system is renewed at least once a year; a shorter life is the admin's choice.
MAX_LIFETIME = timedelta(days=366)
PREFIX_LENGTH = 10  # "cps_" and six characters: enough to tell tokens apart on the list, useless to guess one


def can_manage_service_tokens(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PROGRAM_ADMIN)


def service_token_list(*, user) -> QuerySet[ServiceToken]:
    """Every service token, newest first (program admins only; others get none)."""
    if not can_manage_service_tokens(user):
        return ServiceToken.objects.none()
    return ServiceToken.objects.select_related("created_by", "revoked_by").order_by("-created_at", "-id")


def _audit_fields(token: ServiceToken) -> dict:
    # Never the hash, never the token: the prefix is how people recognise it.
    return {"name": token.name, "prefix": token.prefix, "scopes": token.scopes,
            "expires_at": timezone.localtime(token.expires_at).isoformat(),
            "revoked_at": timezone.localtime(token.revoked_at).isoformat() if token.revoked_at else None}


def service_token_create(*, by, name: str, scopes: list[str], expires_at: datetime) -> tuple[ServiceToken, str]:
    """Returns (the token row, the token itself). Show the token once: only its hash is kept."""
    require(can_manage_service_tokens(by), _("Only a program admin can create service tokens."))
    name = name.strip()
    if not name:
        raise ApplicationError(_("Name the system that will use the token."), field="name")
    known = set(ServiceScope.values)
    if not scopes or not set(scopes) <= known:
        raise ApplicationError(_("Choose at least one scope from the list."), field="scopes")
    now = timezone.now()
    if expires_at <= now:
        raise ApplicationError(_("The expiry must be in the future."), field="expires_at")
    if expires_at > now + MAX_LIFETIME:
        raise ApplicationError(_("A service token lasts at most a year: choose an earlier expiry."),
                               field="expires_at")
    raw = new_service_token()
    with transaction.atomic():
        token = ServiceToken.objects.create(name=name, prefix=raw[:PREFIX_LENGTH], token_hash=hash_service_token(raw),
                                            scopes=sorted(set(scopes)), expires_at=expires_at, created_by=by)
        audit(actor=by, action="operations.service_token.created", target=token, after=_audit_fields(token))
    return token, raw


def service_token_revoke(*, by, token: ServiceToken) -> ServiceToken:
    """Revoking is final; revoking a revoked token again changes nothing."""
    require(can_manage_service_tokens(by), _("Only a program admin can revoke service tokens."))
    with transaction.atomic():
        # Locked so two admins revoking at once write one revocation and one audit event.
        token = ServiceToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        before = _audit_fields(token)
        token.revoked_at, token.revoked_by = timezone.now(), by
        token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        audit(actor=by, action="operations.service_token.revoked", target=token, before=before,
              after=_audit_fields(token))
    return token
