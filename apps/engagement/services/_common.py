"""What the engagement services share: absolute links for messages, and the contact a resident left
on their feedback."""

from django.conf import settings

from apps.notifications.services import Contact

from ..models import FeedbackItem


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def feedback_contact(item: FeedbackItem) -> Contact | None:
    """Where to tell the author of `item`, in their language: only when they consented and left an email
    or a phone."""
    if not item.contact_consent or not (item.contact_email or item.contact_phone):
        return None
    return Contact(email=item.contact_email, phone=item.contact_phone, name=item.contact_name,
                   language=item.contact_language)
