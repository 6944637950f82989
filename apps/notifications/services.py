"""The one way crisisprog sends anything.

Apps call `notify(...)` inside their own transaction. It renders the message in the recipient's
language, writes one row per channel (once per dedupe key), and after commit hands due email and
SMS rows to Celery. In-app messages are delivered by being written.
"""

import hashlib
import hmac
import logging
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import models
from django.db.models import F, Q
from django.template import Context
from django.template.loader import TemplateDoesNotExist, get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from apps.core.i18n import ensure_catalog_current
from apps.core.queue import enqueue, enqueue_on_commit

from .kinds import Channel, Kind, get_kind
from .models import Notification, NotificationPreference, ResidentOptOut
from .sms import SMSMessage, get_sms_backend

logger = logging.getLogger(__name__)

# Errors worth another try later: the server is away or busy. Anything else fails the row for good.
TRANSIENT_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError,
                    ConnectionError, TimeoutError, socket.timeout)
UNSUBSCRIBE_SALT = "crisisprog.notifications.unsubscribe"
BATCH_SIZE = 100


@dataclass(frozen=True)
class Contact:
    """A resident's consented contact: no account, only what they gave us to reach them."""

    email: str = ""
    phone: str = ""
    name: str = ""
    language: str = "en"


# --- rendering -----------------------------------------------------------------------------------

def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: in a text part, an SMS or a subject,
    `&lt;` is not markup but garbage in the resident's name ("O'Brien & Sons" stays as typed)."""
    template = get_template(template_name)
    # The engine's own Template, so the Context can turn autoescape off for it and its includes.
    return template.template.render(Context(context, autoescape=False))


def one_line(text: str) -> str:
    """A header value on one line: newlines in a subject would start a new header."""
    return " ".join(text.split())


def render_message(*, kind: Kind, context: dict, language: str) -> tuple[str, str, str, str]:
    """(subject, text body, html body, sms body) in `language`; times in the city's zone."""
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        ensure_catalog_current()  # a Celery worker shows a reviewer's corrections too (core.i18n)
        subject = one_line(render_text(f"emails/{kind.template}_subject.txt", context))
        text = render_text(f"emails/{kind.template}_body.txt", context)
        html = render_to_string(f"emails/{kind.template}_body.html", context)
        try:
            sms = one_line(render_text(f"sms/{kind.template}.txt", context))
        except TemplateDoesNotExist:
            sms = subject
    return subject, text, html, sms


# --- residents' opt-out --------------------------------------------------------------------------

def contact_hash(contact: str) -> str:
    key = hashlib.sha256(("optout:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, contact.strip().lower().encode(), hashlib.sha256).hexdigest()


def unsubscribe_token(*, contact: str, kind: str = "") -> str:
    return signing.dumps({"c": contact_hash(contact), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, contact: str, kind: str = "") -> str:
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(contact=contact,
                                                                                            kind=kind)])


def resident_opt_out(*, token: str) -> ResidentOptOut:
    """One click: the link itself is the proof. Raises signing.BadSignature for a forged link."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    optout, _ = ResidentOptOut.objects.get_or_create(contact_hash=data["c"], kind=data.get("k", ""))
    return optout


def _resident_opted_out(contact: str, kind: str) -> bool:
    return ResidentOptOut.objects.filter(contact_hash=contact_hash(contact), kind__in=["", kind]).exists()


# --- preferences ---------------------------------------------------------------------------------

def disabled_channels(*, user, kind: Kind) -> set[str]:
    if not kind.optional:
        return set()
    return set(NotificationPreference.objects.filter(user=user, kind=kind.key, enabled=False)
               .values_list("channel", flat=True))


def preference_set(*, user, kind_key: str, channel: str, enabled: bool) -> NotificationPreference:
    kind = get_kind(kind_key)
    from apps.core.errors import ApplicationError

    if not kind.optional and not enabled:
        raise ApplicationError(f"“{kind.label}” is a notice you must receive; it cannot be turned off.",
                               field="kind")
    if channel not in kind.channels:
        raise ApplicationError(f"“{kind.label}” is not sent by {Channel(channel).label}.", field="channel")
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind_key, channel=channel, defaults={"enabled": enabled})
    return preference


# --- the sender ----------------------------------------------------------------------------------

def notify(
    *,
    kind: str,
    to,
    dedupe_key: str,
    context: dict | None = None,
    target: models.Model | None = None,
    scheduled_for: datetime | None = None,
    channels: tuple[str, ...] | None = None,
    link: str = "",
    rendered: tuple[str, str, str] | None = None,
) -> list[Notification]:
    """Send `kind` to `to` (a User or a Contact) once per `dedupe_key` and channel.

    Call it inside the transaction that made the change: nothing is sent if that rolls back.
    Returns the rows this call created (none when the intent was already recorded).
    """
    spec = get_kind(kind)
    now = timezone.now()
    scheduled_for = scheduled_for or now
    is_user = not isinstance(to, Contact)
    language = (to.preferred_language if is_user else to.language) or settings.LANGUAGE_CODE
    wanted = [c for c in (channels or spec.channels) if c in spec.channels]
    if not is_user:
        wanted = [c for c in wanted if (c == Channel.EMAIL and to.email) or (c == Channel.SMS and to.phone)]
    elif not getattr(to, "phone", ""):
        wanted = [c for c in wanted if c != Channel.SMS]
    if not wanted:
        return []

    existing = set(Notification.objects.filter(dedupe_key=dedupe_key, channel__in=wanted)
                   .values_list("channel", flat=True))
    wanted = [c for c in wanted if c not in existing]
    if not wanted:
        return []

    off = disabled_channels(user=to, kind=spec) if is_user else set()
    contact_for_optout = "" if is_user else (to.email or to.phone)
    resident_off = bool(contact_for_optout) and spec.optional and _resident_opted_out(contact_for_optout, kind)
    unsub = ""
    if not is_user and spec.optional:
        unsub = unsubscribe_url(contact=contact_for_optout, kind="")
    ctx = {"recipient_name": (to.get_short_name() if is_user else to.name), "link": link,
           "unsubscribe_url": unsub, "site_url": settings.SITE_URL,
           # A resident (no account): the footer offers to erase what we hold for them.
           "resident": not is_user, **(context or {})}
    if rendered is not None:
        subject, text, html = rendered
        subject = one_line(subject)
        sms = subject
    else:
        subject, text, html, sms = render_message(kind=spec, context=ctx, language=language)

    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    rows = []
    for channel in wanted:
        suppressed = channel in off or resident_off
        rows.append(Notification(
            kind=kind, channel=channel, dedupe_key=dedupe_key,
            recipient_user=to if is_user else None,
            recipient_email="" if is_user else to.email,
            recipient_phone=getattr(to, "phone", "") or "",
            recipient_name="" if is_user else to.name,
            language=language, target_type=target_type, target_id=str(target.pk) if target is not None else "",
            subject=subject[:255], body_text=sms if channel == Channel.SMS else text,
            body_html=html if channel == Channel.EMAIL else "", link=link, unsubscribe_url=unsub,
            scheduled_for=scheduled_for,
            status=(Notification.Status.SUPPRESSED if suppressed
                    else Notification.Status.SENT if channel == Channel.IN_APP
                    else Notification.Status.QUEUED),
            sent_at=now if channel == Channel.IN_APP and not suppressed else None,
        ))
    # A concurrent scanner may have recorded the same intent a moment ago: the unique constraint
    # decides, and the loser's rows are simply not created.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(Notification.objects.filter(dedupe_key=dedupe_key, channel__in=wanted, created_at__gte=now)
                   .exclude(channel__in=existing))
    due = [n.pk for n in created if n.status == Notification.Status.QUEUED and n.scheduled_for <= now]
    if due:
        _enqueue_after_commit(due)
    return created


def _enqueue_after_commit(ids: list[int]) -> None:
    from .tasks import deliver_notifications

    for start in range(0, len(ids), BATCH_SIZE):
        # If the broker is down the rows stay queued and dispatch_due hands them out later.
        enqueue_on_commit(deliver_notifications, notification_ids=ids[start:start + BATCH_SIZE])


def notification_cancel(*, dedupe_key_prefix: str) -> int:
    """Cancel queued messages whose intent no longer holds (a shift was cancelled, say)."""
    return Notification.objects.filter(
        dedupe_key__startswith=dedupe_key_prefix, status=Notification.Status.QUEUED
    ).update(status=Notification.Status.CANCELLED)


# --- delivery ------------------------------------------------------------------------------------

def _claim(ids: list[int], now: datetime) -> list[Notification]:
    """Claim the claimable rows among `ids` in one UPDATE; returns the rows this call won.

    The conditional UPDATE is the lock: a row another worker holds (lease running) or has sent is
    not matched, so two workers never both claim a row. The claim token tells our rows apart.
    """
    lease = timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    token = uuid.uuid4().hex
    claimable = Q(status=Notification.Status.QUEUED, scheduled_for__lte=now) | Q(
        status=Notification.Status.SENDING, lease_expires_at__lt=now)
    Notification.objects.filter(claimable, pk__in=ids).update(
        status=Notification.Status.SENDING, lease_expires_at=now + lease, claim_token=token,
        attempts=F("attempts") + 1)
    return list(Notification.objects.filter(claim_token=token, status=Notification.Status.SENDING)
                .select_related("recipient_user").order_by("id"))


def _email_message(n: Notification, connection) -> EmailMultiAlternatives:
    to = n.recipient_user.email if n.recipient_user_id else n.recipient_email
    headers = {
        # The same Message-ID on a resend lets mail systems drop the duplicate (see README).
        "Message-ID": f"<notification-{n.pk}@{settings.NOTIFICATION_MESSAGE_ID_DOMAIN}>",
        "X-Crisisprog-Kind": n.kind,
    }
    if n.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{n.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject=n.subject, body=n.body_text, from_email=settings.DEFAULT_FROM_EMAIL,
                                     to=[to], headers=headers, connection=connection)
    if n.body_html:
        message.attach_alternative(n.body_html, "text/html")
    return message


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def deliver(*, notification_ids: list[int]) -> dict[str, int]:
    """Deliver a batch over one mail connection. Safe to run twice: each row is claimed first."""
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    connection = None
    sms_backend = None
    max_attempts = settings.NOTIFICATION_MAX_ATTEMPTS
    claimed = _claim(notification_ids, timezone.now())
    counts["skipped"] = len(notification_ids) - len(claimed)
    # Never start a send that could outlast the lease: once it lapses another worker may take the row.
    # The margin covers one send (twice the mail timeout), at most a third of the lease.
    margin = timedelta(seconds=min(2 * settings.EMAIL_TIMEOUT,
                                   settings.NOTIFICATION_LEASE_SECONDS / 3))
    _fast_commits(True)
    try:
        for n in claimed:
            pk, now = n.pk, timezone.now()
            if now >= n.lease_expires_at - margin:
                counts["skipped"] += 1  # left to the dispatcher, which hands it out again after the lease
                continue
            try:
                if n.channel == Channel.EMAIL:
                    if connection is None:
                        connection = get_connection()
                        connection.open()
                    _email_message(n, connection).send()
                elif n.channel == Channel.SMS:
                    sms_backend = sms_backend or get_sms_backend()
                    sms_backend.send(SMSMessage(to=n.recipient_phone, body=n.body_text, reference=str(n.pk)))
            except TRANSIENT_ERRORS as exc:
                give_up = n.attempts >= max_attempts
                Notification.objects.filter(pk=pk).update(
                    status=Notification.Status.FAILED if give_up else Notification.Status.QUEUED,
                    scheduled_for=now + _retry_delay(n.attempts), lease_expires_at=None,
                    last_error=f"{type(exc).__name__}: {exc}"[:2000])
                counts["failed" if give_up else "retry"] += 1
                logger.warning("notification %s (%s) attempt %s failed: %s", pk, n.kind, n.attempts, exc)
                if connection is not None:
                    connection.close()
                    connection = None
                continue
            except Exception as exc:  # permanent: keep the error visible on the row, never retry
                Notification.objects.filter(pk=pk).update(
                    status=Notification.Status.FAILED, lease_expires_at=None,
                    last_error=f"{type(exc).__name__}: {exc}"[:2000])
                counts["failed"] += 1
                logger.exception("notification %s (%s) failed permanently", pk, n.kind)
                continue
            # The one window no design closes: the server has the message and this update has not
            # run yet. It lasts one local UPDATE; a resend after it carries the same Message-ID.
            Notification.objects.filter(pk=pk).update(
                status=Notification.Status.SENT, sent_at=timezone.now(), lease_expires_at=None)
            counts["sent"] += 1
    finally:
        _fast_commits(False)
        if connection is not None:
            connection.close()
    return counts


def _fast_commits(on: bool) -> None:
    """Marking a message sent need not wait for the disk flush (PostgreSQL's asynchronous commit).

    A killed worker loses nothing by it: the database still writes the mark. Only a crash of the
    database server itself in the next fraction of a second could forget a mark, and that message
    would then be sent again with the same Message-ID. The claim before the send stays synchronous.
    """
    if db_connection.vendor != "postgresql" or db_connection.in_atomic_block:
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF" if on else "SET synchronous_commit TO DEFAULT")


def dispatch_due(*, limit: int = 10_000) -> int:
    """Hand due rows to workers: queued ones whose time has come and any whose lease expired."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            Q(status=Notification.Status.QUEUED, scheduled_for__lte=now)
            | Q(status=Notification.Status.SENDING, lease_expires_at__lt=now),
            channel__in=[Channel.EMAIL, Channel.SMS],
        ).order_by("scheduled_for", "id").values_list("id", flat=True)[:limit]
    )
    from .tasks import deliver_notifications

    handed_out = 0
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start:start + BATCH_SIZE]
        if not enqueue(deliver_notifications, notification_ids=batch):
            break  # the broker is away: the next run tries again
        handed_out += len(batch)
    return handed_out


# --- the in-app centre ---------------------------------------------------------------------------

def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient_user=user, channel=Channel.IN_APP, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


def one_off_key(kind: str) -> str:
    """A dedupe key for a message that is its own intent (a password-reset mail, a receipt)."""
    return f"{kind}:{uuid.uuid4()}"
