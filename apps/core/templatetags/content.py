"""Translated content in templates: `{% localized obj "title" %}` and `{% fallback_note obj ... %}`.

Both read apps.core.translated.localize, the one rule: the text in the page's language, else the
English text marked `lang="en"` (screen readers switch voice) with a visible note, never a blank.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language_info, gettext

from apps.core.translated import content_language, localize

register = template.Library()


@register.simple_tag
def localized(obj, field):
    """The field in the page's language; English wrapped in `<span lang="en">` when it falls back."""
    value = localize(obj, field)
    if value.fell_back:
        return format_html('<span lang="en" class="content-fallback">{}</span>', value.text)
    return value.text


@register.filter
def tr(obj, field):
    """The field in the page's language as plain text (titles, attributes, emails)."""
    return localize(obj, field).text


def _objects(args):
    for arg in args:
        if arg is None:
            continue
        if hasattr(arg, "TRANSLATED_FIELDS"):
            yield arg
        else:
            yield from arg


def any_fell_back(*objects) -> bool:
    return any(localize(obj, field).fell_back for obj in _objects(objects) for field in obj.TRANSLATED_FIELDS)


@register.simple_tag
def fallback_note(*objects):
    """The visible note when any translatable text of `objects` (models or lists of them) is shown in
    English because the page's language has none yet; nothing otherwise."""
    if not any_fell_back(*objects):
        return ""
    code = content_language()
    name = get_language_info(code)["name_local"]
    return format_html('<p class="usa-hint content-fallback-note">{}</p>',
                       gettext("This text is not yet available in %(language)s; shown in English.")
                       % {"language": name})


@register.simple_tag
def text_in(obj, field, language):
    """The field in `language` (PDFs and other documents in a chosen language), English when it has none."""
    return localize(obj, field, language).text


@register.filter
def tr_exact(obj, language):
    """The stored text of obj's (first) translatable field in `language`, "" when none: no fallback."""
    from apps.core.translated import translation_of

    return translation_of(obj, obj.TRANSLATED_FIELDS[0], language)


@register.filter(name="fell_back")
def fell_back_filter(obj, field):
    """True when the field shows in English for want of text in the page's language (to mark it lang="en")."""
    return localize(obj, field).fell_back
