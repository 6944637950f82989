"""Template helpers for the residents' pages."""

from urllib.parse import urlencode

from django import template

from apps.core.reference_data import language_name as _language_name

register = template.Library()


@register.filter
def language_name(language) -> str:
    """"Spanish" on an English page, "Español" on a Spanish one."""
    return _language_name(language)


@register.filter
def map_url(address: str) -> str:
    """A plain link to the address on OpenStreetMap: no embedded map, so no third-party script or frame
    and the strict CSP stays as it is; the resident's browser leaves the site only if they tap it."""
    return "https://www.openstreetmap.org/search?" + urlencode({"query": address})
