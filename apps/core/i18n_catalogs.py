"""Which interface messages are the residents' (issue 23), and keeping every resident catalog in step.

Staff pages speak English and Spanish only, so the Spanish catalog (locale/es, made by `makemessages -l
es`) holds every message, and the other resident languages' catalogs hold only the resident ones: the
messages whose source reference (the catalog's `#:` lines) is a resident template or module, matched by
RESIDENT_SOURCES. A string that appears on a resident page but is not matched here stays English there;
tests/core/test_resident_crawl.py finds it.

This module needs no Django settings: scripts/resident_catalogs.py (make catalogs) uses it outside Django.
"""

import re
from pathlib import Path

import polib

RESIDENT_SOURCES = re.compile(r"""^(
 templates/(base\.html|40[34]\.html|429\.html|50[03]\.html)
|templates/includes/
|templates/core/(home|offline|dashboard)\.html
|templates/engagement/(?!staff_|feedback_list|feedback_detail|feedback_staff_form|decision_form|decision_list
   |decision_preview|theme_|_staff_field|_picker|_card_)
|templates/emails/_footer
|templates/emails/engagement_(cancelled|decision|erasure_link|promoted|registration|reminder|moderation)_
|templates/sms/engagement_
|templates/notifications/unsubscribe
|templates/procurement/(solicitation_list|solicitation_detail|_dates|_terms|_head)\.html
|apps/engagement/(forms|models|views/public|views/privacy|views/_common|services/|privacy|erasure|semantics/)
|apps/notifications/(views|services|unsubscribe)
|apps/reports/(labels|kinds/engagement)
|apps/procurement/views/public
|apps/core/(forms|validators|views|templatetags|localtime|privacy|widgets|context_processors|reference_data)
)""", re.X)

# Messages of staff modules that a resident page also shows: a public RFP's status and kind (the labels of
# apps/procurement/models.py, most of whose messages are the officers').
RESIDENT_MSGIDS = frozenset({
    "Open for proposals", "Closed", "Opened", "In evaluation", "Consensus", "Price opened", "Award recommended",
    "Awarded", "Cancelled", "Chapter 30B contract", "Public-purpose grant", "Weighted points", "Adjectival ratings",
})

# The resident languages besides Spanish (whose catalog is the full one), as locale directory names.
RESIDENT_LOCALES = ["ht", "kea", "zh_Hans", "zh_Hant", "vi", "pt", "ru", "ar", "so", "fr"]
# Django ships no catalog for these: theirs also carry Django's own form and date messages.
WITH_DJANGO_MESSAGES = {"ht", "kea", "so"}


def is_resident(entry: polib.POEntry) -> bool:
    return entry.msgid in RESIDENT_MSGIDS or any(RESIDENT_SOURCES.match(path) for path, _line in entry.occurrences)


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def resident_entries(spanish: polib.POFile) -> dict[tuple[str, str], polib.POEntry]:
    return {key(e): e for e in spanish if not e.obsolete and e.msgid and is_resident(e)}


def django_keys() -> set[tuple[str, str]]:
    """Django's own messages (its Spanish catalog's): kept in the catalogs that carry them."""
    import django

    path = Path(django.__file__).parent / "conf" / "locale" / "es" / "LC_MESSAGES" / "django.po"
    return {key(e) for e in polib.pofile(str(path))}


def _nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def sync(po: polib.POFile, resident: dict, *, keep: set) -> tuple[list[str], list[str]]:
    """Add each resident message `po` lacks (untranslated, so the crawl test fails until it is translated)
    and drop each message no longer resident (unless in `keep`). Returns (added, dropped) msgids."""
    have = {key(e): e for e in po if not e.obsolete}
    added, dropped = [], []
    for k, source in resident.items():
        if k in have:
            have[k].occurrences = list(source.occurrences)
            continue
        entry = polib.POEntry(msgid=source.msgid, msgctxt=source.msgctxt or None, flags=list(source.flags),
                              occurrences=list(source.occurrences))
        if source.msgid_plural:
            entry.msgid_plural = source.msgid_plural
            entry.msgstr_plural = dict.fromkeys(range(_nplurals(po)), "")
        else:
            entry.msgstr = ""
        po.append(entry)
        added.append(source.msgid)
    for k, entry in have.items():
        if k not in resident and k not in keep:
            po.remove(entry)
            dropped.append(entry.msgid)
    return added, dropped


def empty_entries(po: polib.POFile) -> list[str]:
    """Messages with an empty translation (a plural with any empty form)."""
    out = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                out.append(entry.msgid)
        elif not entry.msgstr:
            out.append(entry.msgid)
    return out
