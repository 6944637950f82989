"""The one way crisisprog sends anything. Apps call `email_enqueue`; Celery delivers."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboundEmail

logger = logging.getLogger(__name__)

# Errors worth a retry: the mail server is away or busy. Anything else fails the row for good.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)
MAX_ATTEMPTS = 5


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render templates/emails/<template>_subject.txt, _body.txt and _body.html in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    return subject, body, html


def email_enqueue(
    *, to: str, kind: str, subject: str, body_text: str, body_html: str = "", language: str = "en"
) -> OutboundEmail:
    """Record the email now; send it after the surrounding transaction commits."""
    from .tasks import send_email

    email = OutboundEmail.objects.create(
        to=to, kind=kind, subject=subject[:255], body_text=body_text, body_html=body_html, language=language
    )
    transaction.on_commit(lambda: send_email.delay(email_id=email.pk))
    return email


def email_send_templated(*, to: str, kind: str, template: str, context: dict, language: str = "en") -> OutboundEmail:
    subject, body, html = render_email(template=template, context=context, language=language)
    return email_enqueue(to=to, kind=kind, subject=subject, body_text=body, body_html=html, language=language)


def email_deliver(*, email_id: int) -> str:
    """Send one queued email. Returns its final status; raises a transient error to be retried."""
    claimed = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).update(
        status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return OutboundEmail.objects.filter(pk=email_id).values_list("status", flat=True).first() or "missing"
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to]
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except TRANSIENT_MAIL_ERRORS as exc:
        retry = email.attempts < MAX_ATTEMPTS
        email.status = OutboundEmail.Status.QUEUED if retry else OutboundEmail.Status.FAILED
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        email.save(update_fields=["status", "last_error"])
        logger.warning("email %s to kind=%s failed (attempt %s): %s", email.pk, email.kind, email.attempts, exc)
        if retry:
            raise
        return email.status
    except Exception as exc:  # a permanent error: keep it visible on the row, do not retry
        email.status = OutboundEmail.Status.FAILED
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        email.save(update_fields=["status", "last_error"])
        logger.exception("email %s failed permanently", email.pk)
        return email.status
    email.status, email.sent_at = OutboundEmail.Status.SENT, timezone.now()
    email.save(update_fields=["status", "sent_at"])
    return email.status
