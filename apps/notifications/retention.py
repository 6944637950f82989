"""How long the delivery log keeps messages, and erasing a resident's messages on request.

A resident (no account) is reached only at the contact they consented to; a message row keeps that
address, their name and, in the body, links to their registration. Those rows go with the
resident's other details (on request, or after the resident-contact retention period). Staff's
messages are kept longer: the delivery log answers "was I told?" about shifts and awards.
"""

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from .models import Notification, ResidentOptOut
from .services import contact_hash

# Final states: nothing will be sent any more. Queued and in-flight rows are never purged.
FINISHED = [Notification.Status.SENT, Notification.Status.FAILED, Notification.Status.SUPPRESSED,
            Notification.Status.CANCELLED]


def phone_digits(phone: str) -> str:
    """The comparable form of a phone number: digits only, without the North American country code."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def phone_matches(stored: str, wanted: str) -> bool:
    digits = phone_digits(wanted)
    return len(digits) >= 7 and phone_digits(stored) == digits


def _resident_rows(*, email: str, phone: str):
    """Messages to residents at this email or phone (phones compared digit by digit)."""
    rows = Notification.objects.filter(recipient_user__isnull=True)
    match = Q(pk__in=[])
    if email:
        match |= Q(recipient_email__iexact=email)
    digits = phone_digits(phone)
    if len(digits) >= 7:
        # Phones are stored as typed: compared digit by digit here.
        candidates = rows.exclude(recipient_phone="").values_list("pk", "recipient_phone")
        match |= Q(pk__in=[pk for pk, stored in candidates if phone_matches(stored, phone)])
    return rows.filter(match)


@transaction.atomic
def resident_messages_erase(*, email: str = "", phone: str = "", extra_phones: Iterable[str] = ()) -> dict[str, int]:
    """Delete every message row to this resident contact, and their unsubscribe records.

    Deleting (rather than blanking) is what leaves nothing: the body carries their name and links.
    Whatever was still queued is deleted with the rest and so never sent.
    """
    deleted, _ = _resident_rows(email=email, phone=phone).delete()
    for other in extra_phones:
        if other and not phone_matches(other, phone):
            more, _ = _resident_rows(email="", phone=other).delete()
            deleted += more
    contacts = {c for c in (email, phone, *extra_phones) if c}
    hashes = {contact_hash(c) for c in contacts}
    opt_outs, _ = ResidentOptOut.objects.filter(contact_hash__in=hashes).delete()
    return {"notifications": deleted, "opt_outs": opt_outs}


def messages_for_target_erase(*, target_type_id: int, target_id: str) -> int:
    """Delete the resident messages about one object (one registration's confirmations and reminders)."""
    deleted, _ = Notification.objects.filter(recipient_user__isnull=True, target_type_id=target_type_id,
                                             target_id=target_id).delete()
    return deleted


def notification_purge(*, resident_before: datetime, user_before: datetime, batch_size: int = 1000) -> int:
    """Delete finished messages: residents' older than `resident_before`, users' older than `user_before`.

    In batches, each its own transaction, so a large first run neither holds long locks nor
    grows one huge transaction. Running it twice deletes nothing the second time.
    """
    old = Q(recipient_user__isnull=True, created_at__lt=resident_before) | Q(
        recipient_user__isnull=False, created_at__lt=user_before)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(Notification.objects.filter(old, status__in=FINISHED).order_by("id")
                       .values_list("id", flat=True)[:batch_size])
            if not ids:
                return total
            deleted, _ = Notification.objects.filter(pk__in=ids).delete()
            total += deleted
