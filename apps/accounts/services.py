"""Every write to accounts, organizations, memberships and invitations."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.core.audit import audit
from apps.core.errors import ApplicationError
from apps.core.transitions import transition
from apps.notifications.services import Contact, notify

from .models import Invitation, Membership, Organization, User
from .permissions import can_invite, can_manage_members
from .roles import ROLE_ORGANIZATION_KINDS, Role

INVITATION_SALT = "crisisprog.accounts.invitation"


def invitation_ttl() -> timedelta:
    return timedelta(days=settings.INVITATION_TTL_DAYS)


# --- organizations -------------------------------------------------------------------------------

def organization_create(*, by: User | None, name: str, kind: str, email: str = "", phone: str = "",
                        address: str = "") -> Organization:
    with transaction.atomic():
        base = slugify(name)[:180] or "organization"
        slug, n = base, 2
        while Organization.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        organization = Organization.objects.create(
            name=name, slug=slug, kind=kind, email=email, phone=phone, address=address
        )
        audit(actor=by, action="accounts.organization.created", target=organization, organization=organization,
              after={"name": name, "kind": kind})
    return organization


# --- memberships ---------------------------------------------------------------------------------

def membership_grant(*, by: User | None, user: User, organization: Organization, role: str,
                     invited_by: User | None = None) -> Membership:
    if organization.kind not in ROLE_ORGANIZATION_KINDS.get(role, ()):
        raise ApplicationError(
            _("The role %(role)s cannot be held in a %(kind)s.")
            % {"role": Role(role).label, "kind": organization.get_kind_display()},
            field="role",
        )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"invited_by": invited_by or by}
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active", "updated_at"])
        elif not created:
            return membership
        audit(actor=by, action="accounts.membership.granted", target=membership, organization=organization,
              after={"user": user.email, "role": role})
    return membership


def membership_deactivate(*, by: User, membership: Membership) -> Membership:
    if not can_manage_members(by, membership.organization):
        raise ApplicationError(_("Only a program admin or a coordinator of this organization can remove members."))
    if membership.user_id == by.pk and membership.role in (Role.PROGRAM_ADMIN, Role.COORDINATOR):
        raise ApplicationError(_("You cannot remove your own administrative role; ask another admin."))
    if not membership.is_active:
        return membership
    with transaction.atomic():
        membership.is_active = False
        membership.save(update_fields=["is_active", "updated_at"])
        audit(actor=by, action="accounts.membership.deactivated", target=membership,
              organization=membership.organization, before={"is_active": True}, after={"is_active": False})
    return membership


# --- invitations ---------------------------------------------------------------------------------

def invitation_token(*, invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT, compress=True)


def invitation_url(*, invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation-accept", args=[invitation_token(invitation=invitation)])


def _send_invitation(invitation: Invitation) -> None:
    notify(
        kind="accounts.invitation",
        to=Contact(email=invitation.email, name=invitation.full_name,
                   language=invitation.invited_by.preferred_language),
        # The nonce changes on every (re)send, so each link is its own intent.
        dedupe_key=f"invitation:{invitation.pk}:{invitation.nonce}",
        target=invitation,
        context={
            "invitation": invitation,
            "role": invitation.get_role_display(),
            "organization": invitation.organization.name,
            "inviter": invitation.invited_by.get_full_name(),
            "url": invitation_url(invitation=invitation),
            "expires_at": invitation.expires_at,
        },
    )


def invitation_create(*, by: User, email: str, organization: Organization, role: str, full_name: str = "",
                      message: str = "") -> Invitation:
    """Invite a person by email to hold `role` in `organization`.

    Re-inviting someone with a pending invitation to the same role renews and resends it.
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise ApplicationError(_("Choose one of the listed roles."), field="role")
    if organization.kind not in ROLE_ORGANIZATION_KINDS[role]:
        raise ApplicationError(
            _("The role %(role)s cannot be held in a %(kind)s.")
            % {"role": Role(role).label, "kind": organization.get_kind_display()},
            field="role",
        )
    if not can_invite(by, organization, role):
        raise ApplicationError(_("You cannot invite people to this role in %(org)s.") % {"org": organization.name},
                               field="role")
    if not organization.is_active:
        raise ApplicationError(_("This organization is inactive."), field="organization")
    if Membership.objects.filter(user__email__iexact=email, organization=organization, role=role,
                                 is_active=True).exists():
        raise ApplicationError(_("This person already holds that role in %(org)s.") % {"org": organization.name},
                               field="email")
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email__iexact=email, organization=organization, role=role, status=Invitation.Status.PENDING)
            .first()
        )
        expires_at = timezone.now() + invitation_ttl()
        if invitation is not None:
            invitation.expires_at, invitation.invited_by = expires_at, by
            invitation.nonce = secrets.token_urlsafe(24)  # the old link stops working
            invitation.save(update_fields=["expires_at", "invited_by", "nonce", "updated_at"])
            action = "accounts.invitation.resent"
        else:
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        email=email, organization=organization, role=role, full_name=full_name.strip(),
                        message=message.strip(), nonce=secrets.token_urlsafe(24), invited_by=by,
                        expires_at=expires_at,
                    )
            except IntegrityError as exc:  # a concurrent request created it first
                raise ApplicationError(_("An invitation for this person was just sent."), field="email") from exc
            action = "accounts.invitation.created"
        audit(actor=by, action=action, target=invitation, organization=organization,
              after={"email": email, "role": role, "expires_at": expires_at.isoformat()})
        _send_invitation(invitation)
    return invitation


def invitation_from_token(*, token: str) -> Invitation:
    """The invitation a link names, if the link is authentic, current and unused."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=invitation_ttl())
    except signing.SignatureExpired as exc:
        raise ApplicationError(_("This invitation link has expired. Ask for a new invitation."),
                               code="expired") from exc
    except signing.BadSignature as exc:
        raise ApplicationError(_("This invitation link is not valid."), code="invalid") from exc
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=data.get("i"), nonce=data.get("n"))
        .first()
    )
    if invitation is None:
        raise ApplicationError(_("This invitation link is no longer valid. A newer one may have been sent."),
                               code="invalid")
    _check_open(invitation)
    return invitation


def _check_open(invitation: Invitation) -> None:
    if invitation.status == Invitation.Status.ACCEPTED:
        raise ApplicationError(_("This invitation has already been used. Sign in instead."), code="used")
    if invitation.status == Invitation.Status.REVOKED:
        raise ApplicationError(_("This invitation was withdrawn."), code="revoked")
    if invitation.status == Invitation.Status.EXPIRED or invitation.is_expired:
        raise ApplicationError(_("This invitation link has expired. Ask for a new invitation."), code="expired")


def invitation_accept(*, invitation: Invitation, user: User | None = None, full_name: str = "",
                      password: str = "") -> User:
    """Accept: link the signed-in user, or create the account with the given password.

    The row lock makes the link single-use even when it is submitted twice at once.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
        _check_open(invitation)
        if user is not None and user.is_authenticated:
            if user.email.lower() != invitation.email.lower():
                raise ApplicationError(
                    _("This invitation is for %(email)s. Sign out and open the link again.")
                    % {"email": invitation.email},
                    code="wrong_user",
                )
            account = user
        else:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ApplicationError(_("An account with this email exists. Sign in to accept."),
                                       code="sign_in")
            try:
                validate_password(password, User(email=invitation.email, full_name=full_name))
            except ValidationError as exc:
                raise ApplicationError(" ".join(exc.messages), field="password1") from exc
            account = User.objects.create_user(
                email=invitation.email, password=password,
                full_name=full_name.strip() or invitation.full_name,
                preferred_language=invitation.invited_by.preferred_language,
            )
            audit(actor=account, action="accounts.user.created", target=account,
                  organization=invitation.organization, after={"via": "invitation"})
        # Following the emailed link proves the address.
        EmailAddress.objects.update_or_create(
            user=account, email__iexact=invitation.email,
            defaults={"email": invitation.email, "verified": True, "primary": True},
        )
        membership_grant(by=account, user=account, organization=invitation.organization,
                         role=invitation.role, invited_by=invitation.invited_by)
        invitation.status, invitation.accepted_at, invitation.accepted_by = (
            Invitation.Status.ACCEPTED, timezone.now(), account)
        invitation.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
        audit(actor=account, action="accounts.invitation.accepted", target=invitation,
              organization=invitation.organization, after={"role": invitation.role})
    return account


def invitation_revoke(*, by: User, invitation: Invitation) -> Invitation:
    if not can_invite(by, invitation.organization, invitation.role):
        raise ApplicationError(_("You cannot withdraw this invitation."))

    def stamp(row: Invitation) -> list[str]:
        row.revoked_at = timezone.now()
        return ["revoked_at"]

    return transition(invitation, from_states={Invitation.Status.PENDING}, to_state=Invitation.Status.REVOKED,
                      refused=_("Only a pending invitation can be withdrawn."), apply=stamp, actor=by,
                      action="accounts.invitation.revoked", organization=invitation.organization,
                      before={"status": "pending"}, after={"status": "revoked"})


def invitation_expire_due() -> int:
    """Mark pending invitations past their deadline as expired (the beat task calls this)."""
    due = Invitation.objects.filter(status=Invitation.Status.PENDING, expires_at__lte=timezone.now())
    expired: list[int] = []
    for invitation in due.select_related("organization"):
        # accepted or revoked a moment ago: left as it is, and not counted
        transition(invitation, from_states={Invitation.Status.PENDING},
                   done_states={Invitation.Status.ACCEPTED, Invitation.Status.REVOKED, Invitation.Status.EXPIRED},
                   to_state=Invitation.Status.EXPIRED, actor=None, action="accounts.invitation.expired",
                   organization=invitation.organization, then=lambda row: expired.append(row.pk))
    return len(expired)


# --- profile -------------------------------------------------------------------------------------

def user_update_profile(*, user: User, full_name: str, preferred_language: str, phone: str = "") -> User:
    if preferred_language not in dict(settings.STAFF_LANGUAGES):
        raise ApplicationError(_("Choose one of the listed languages."), field="preferred_language")
    before = {"full_name": user.full_name, "preferred_language": user.preferred_language,
              "phone_set": bool(user.phone)}
    with transaction.atomic():
        user.full_name, user.preferred_language, user.phone = full_name.strip(), preferred_language, phone.strip()
        user.save(update_fields=["full_name", "preferred_language", "phone"])
        audit(actor=user, action="accounts.user.profile_updated", target=user, before=before,
              after={"full_name": user.full_name, "preferred_language": preferred_language,
                     "phone_set": bool(user.phone)})
    return user


# --- API tokens ----------------------------------------------------------------------------------

def api_token_create(*, user: User, name: str):
    """Returns (token row, the token itself). Only its hash is kept: show it to the user once."""
    from .models import ApiToken

    with transaction.atomic():
        token, raw = ApiToken.objects.create(user=user, name=name.strip())
        audit(actor=user, action="accounts.api_token.created", target=user,
              after={"token": token.token_key, "name": token.name})
    return token, raw


def api_token_revoke(*, user: User, token) -> None:
    with transaction.atomic():
        audit(actor=user, action="accounts.api_token.revoked", target=user,
              before={"token": token.token_key, "name": token.name})
        token.delete()
