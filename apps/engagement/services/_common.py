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


def clean_translations(model, value) -> dict:
    """`value` as a model's `translations` (languages of settings.LANGUAGES, its translatable fields,
    within their lengths), or a 400 naming `translations`."""
    from apps.core.errors import ApplicationError
    from apps.core.translated import clean_translations as clean

    limits = {f: model._meta.get_field(f).max_length for f in model.TRANSLATED_FIELDS}
    try:
        return clean(value, model.TRANSLATED_FIELDS, max_lengths=limits)
    except ValueError as error:
        raise ApplicationError(str(error), field="translations") from error
