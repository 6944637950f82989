"""A resident's right to be forgotten, through a link sent to the contact itself.

The resident types an email or phone; if we hold anything for it, a link goes to that contact
(proof that they control it). The link is single-purpose (its own salt), expires after
ERASURE_LINK_MAX_AGE and carries the contact *encrypted*, so the address never appears in an
access log, a browser history or a Referer. Confirming erases, in one transaction: the contact and
name on every registration (future ones are cancelled through the registration service, so seats
and the waitlist stay right), the contact on feedback items (the text stays: it is masked before
anything is published), the resident's messages in the delivery log and their unsubscribe records.
The audit event holds counts and a keyed hash of the contact, never the contact.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from apps.core.audit import audit
from apps.core.errors import ApplicationError
from apps.notifications.retention import (
    messages_for_target_erase,
    phone_digits,
    phone_matches,
    resident_messages_erase,
)
from apps.notifications.services import Contact, notify, one_off_key

from .models import CommunitySession, FeedbackItem, Registration
from .retention import blank_registrations
from .services import registration_cancel

ERASURE_SALT = "crisisprog.engagement.erasure"
ERASURE_LINK_MAX_AGE = timedelta(days=7)
ERASURE_KIND = "engagement.erasure_link"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


# --- the link ------------------------------------------------------------------------------------

def _fernet() -> Fernet:
    key = salted_hmac(ERASURE_SALT, "encryption-key", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def erasure_token(*, email: str = "", phone: str = "") -> str:
    secret = _fernet().encrypt(json.dumps({"purpose": "erase", "e": email, "p": phone}).encode()).decode()
    return signing.TimestampSigner(salt=ERASURE_SALT).sign(secret)


def contact_from_token(token: str) -> tuple[str, str]:
    """(email, phone) from a link. Raises LinkExpired after 7 days, LinkInvalid for anything forged."""
    signer = signing.TimestampSigner(salt=ERASURE_SALT)
    try:
        secret = signer.unsign(token, max_age=ERASURE_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    try:
        data = json.loads(_fernet().decrypt(secret.encode()))
    except (InvalidToken, ValueError) as exc:
        raise LinkInvalid from exc
    if not isinstance(data, dict) or data.get("purpose") != "erase":
        raise LinkInvalid
    email, phone = data.get("e", ""), data.get("p", "")
    if not isinstance(email, str) or not isinstance(phone, str) or not (email or phone):
        raise LinkInvalid
    return email, phone


def contact_reference(*, email: str = "", phone: str = "") -> str:
    """A keyed hash of the contact for the audit log: lets staff answer "was X erased?", reveals nothing."""
    key = hashlib.sha256(("erasure-audit:" + settings.SECRET_KEY).encode()).digest()
    value = f"{email.strip().lower()}|{phone_digits(phone)}"
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


# --- what we hold ---------------------------------------------------------------------------------

def _clean(email: str, phone: str) -> tuple[str, str]:
    email, phone = (email or "").strip(), (phone or "").strip()
    if not email and not phone:
        raise ApplicationError(_("Give the email or the phone number you used."), field="email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ApplicationError(_("Enter a valid email address."), field="email") from None
    if phone and len(phone_digits(phone)) < 7:
        raise ApplicationError(_("Enter the phone number with its area code."), field="phone")
    return email, phone


def _matching(model, *, email_field: str, phone_field: str, email: str, phone: str):
    """Rows of `model` whose email matches (case-insensitive) or whose phone has the same digits."""
    match = Q(pk__in=[])
    if email:
        match |= Q(**{f"{email_field}__iexact": email})
    digits = phone_digits(phone)
    if len(digits) >= 7:
        # Phones are stored as typed ("(617) 555-0100"): compared digit by digit here.
        candidates = model.objects.exclude(**{phone_field: ""}).values_list("pk", phone_field)
        match |= Q(pk__in=[pk for pk, stored in candidates if phone_matches(stored, phone)])
    return model.objects.filter(match)


def registrations_for(*, email: str, phone: str):
    return (_matching(Registration, email_field="email", phone_field="phone", email=email, phone=phone)
            .select_related("session", "language").order_by("session__starts_at", "id"))


def feedback_for(*, email: str, phone: str):
    return _matching(FeedbackItem, email_field="contact_email", phone_field="contact_phone", email=email,
                     phone=phone).order_by("created_at", "id")


@dataclass
class Holdings:
    registrations: list = field(default_factory=list)
    feedback_items: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.registrations and not self.feedback_items


def holdings_for(*, email: str, phone: str) -> Holdings:
    """What the confirmation page lists: the registrations and feedback this contact would lose."""
    return Holdings(registrations=list(registrations_for(email=email, phone=phone)),
                    feedback_items=list(feedback_for(email=email, phone=phone).select_related("language")))


# --- asking for the link --------------------------------------------------------------------------

def _language(holdings: Holdings) -> str:
    if holdings.registrations:
        return holdings.registrations[-1].message_language
    return holdings.feedback_items[-1].contact_language


def erasure_request(*, email: str = "", phone: str = "") -> int:
    """Send an erasure link to each given contact we hold anything for; returns how many were sent.

    Each link goes to one contact and erases that contact alone: someone who types their own phone
    next to another person's email must not receive a link that erases the other person's details.
    The caller answers the same way whatever this returns (no enumeration).
    """
    email, phone = _clean(email, phone)
    sent = 0
    for contact in (Contact(email=email) if email else None, Contact(phone=phone) if phone else None):
        if contact is None:
            continue
        holdings = holdings_for(email=contact.email, phone=contact.phone)
        if holdings.empty:
            continue
        url = settings.SITE_URL + reverse("engagement:privacy-forget-confirm",
                                          args=[erasure_token(email=contact.email, phone=contact.phone)])
        with transaction.atomic():
            notify(kind=ERASURE_KIND, to=Contact(email=contact.email, phone=contact.phone,
                                                 language=_language(holdings)),
                   dedupe_key=one_off_key(ERASURE_KIND), context={"url": url, "days": ERASURE_LINK_MAX_AGE.days})
        sent += 1
    return sent


# --- erasing --------------------------------------------------------------------------------------

@transaction.atomic
def resident_erase(*, email: str = "", phone: str = "") -> dict[str, int]:
    """Erase everything held for this contact. Running it twice changes nothing the second time."""
    email, phone = _clean(email, phone)
    now = timezone.now()
    # No row locks here: cancelling locks each session first, the order every seat change uses.
    registrations = list(registrations_for(email=email, phone=phone))
    ids = [r.pk for r in registrations]
    stored_phones = {r.phone for r in registrations if r.phone}
    # Blank first: cancelling then tells nobody (there is no contact left) and its audit label is the code.
    blank_registrations(ids)
    cancelled = 0
    for registration in registrations:
        session = registration.session
        if (registration.status != Registration.Status.CANCELLED
                and session.status == CommunitySession.Status.PUBLISHED and session.starts_at > now):
            registration_cancel(registration=registration)
            cancelled += 1
    items = list(feedback_for(email=email, phone=phone).values_list("pk", "contact_phone"))
    stored_phones |= {p for _, p in items if p}
    FeedbackItem.objects.filter(pk__in=[pk for pk, _ in items]).update(
        contact_consent=False, contact_name="", contact_email="", contact_phone="", updated_at=now)
    messages = resident_messages_erase(email=email, phone=phone, extra_phones=sorted(stored_phones))
    counts = {"registrations": len(ids), "registrations_cancelled": cancelled, "feedback_items": len(items),
              **messages}
    if any(counts.values()):
        audit(actor=None, action="engagement.resident.erased",
              after={"contact_ref": contact_reference(email=email, phone=phone), **counts})
    return counts


@transaction.atomic
def registration_erase(*, registration: Registration) -> Registration:
    """"Delete my details" on one registration page: that registration alone."""
    # The session first, as every seat change does (no lock-order deadlock with a cancel or a sign-up).
    CommunitySession.objects.select_for_update().get(pk=registration.session_id)
    registration = Registration.objects.select_related("session", "session__organization").get(pk=registration.pk)
    already = not (registration.name or registration.email or registration.phone or registration.access_needs)
    if already:
        return registration
    contact = {c for c in (registration.email, registration.phone) if c}
    blank_registrations([registration.pk])
    session = registration.session
    cancelled = False
    if (registration.status != Registration.Status.CANCELLED
            and session.status == CommunitySession.Status.PUBLISHED and session.starts_at > timezone.now()):
        registration_cancel(registration=registration)
        cancelled = True
    deleted = messages_for_target_erase(target_type_id=ContentType.objects.get_for_model(Registration).pk,
                                        target_id=str(registration.pk))
    registration.refresh_from_db()  # blank now: the audit label is the check-in code alone
    audit(actor=None, action="engagement.registration.erased", target=registration,
          organization=session.organization,
          after={"cancelled": cancelled, "notifications": deleted, "had_contact": bool(contact)})
    return registration
