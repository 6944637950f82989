"""Markdown rendered safely: the text is converted, then every tag and attribute not on nh3's
allow-list is stripped, so an author cannot slip a script into a public page."""

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(name="markdown")
def render_markdown(text: str) -> str:
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer nofollow"))  # noqa: S308  sanitized by nh3


@register.filter
def rating_label(value: str) -> str:
    """An adjectival rating's words ("Highly advantageous") for a key kept as data ("highly_advantageous"),
    as the procurement file's JSON keeps it; an unknown key is shown as it is."""
    from apps.procurement.models import Rating

    return str(Rating(value).label) if value in Rating.values else (value or "")
