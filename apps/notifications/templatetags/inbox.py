"""The inbox's compact view of a message: the email body is written to be read in a mail client (a link
on a line of its own, a signature); the inbox shows one line of it, and the rest on demand."""

import re

from django import template
from django.utils.text import Truncator

register = template.Library()

_SIGNATURE = re.compile(r"\n-- ?\n.*\Z", re.DOTALL)
_LINK = re.compile(r"https?://\S+")


@register.filter
def message_text(body: str) -> str:
    """The message without its signature and without the trailing blank lines."""
    return _SIGNATURE.sub("", body or "").strip()


@register.filter
def message_summary(body: str, length: int = 160) -> str:
    """The message's first words on one line: no links (the Open button is the link), no signature."""
    text = " ".join(_LINK.sub("", message_text(body)).split())
    return Truncator(text).chars(length)
