"""The resident catalogs as a reviewer sees them: each resident message of a language with its current
translation (the shipped .po, with the reviewed overrides layered over it), and the difference a
reviewed .po file would make (changed / new / removed strings) before it is applied."""

from dataclasses import dataclass, field, replace
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation import to_locale

from .models import CatalogOverride


def resident_languages() -> list[str]:
    """The languages whose catalogs residents read (every interface language but English)."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalog_path(code: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / to_locale(code) / "LC_MESSAGES" / "django.po"


@dataclass
class Message:
    msgctxt: str
    msgid: str
    msgid_plural: str
    msgstr: str
    msgstr_plural: list[str]
    reviewed: bool = False  # the translation shown is a reviewer's override

    @property
    def key(self) -> tuple[str, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translation(self) -> str:
        return " / ".join(self.msgstr_plural) if self.msgid_plural else self.msgstr

    @property
    def empty(self) -> bool:
        return not all(self.msgstr_plural) if self.msgid_plural else not self.msgstr


def _messages(po: polib.POFile) -> dict[tuple[str, str], Message]:
    out = {}
    for entry in po:
        if entry.obsolete:
            continue
        plural = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)] if entry.msgid_plural else []
        message = Message(entry.msgctxt or "", entry.msgid, entry.msgid_plural or "", entry.msgstr or "", plural)
        out[message.key] = message
    return out


_parsed: dict[str, tuple[float, dict]] = {}


def shipped_catalog(code: str) -> dict[tuple[str, str], Message]:
    """The .po file's messages (a fresh copy; parsed once per process while the file is unchanged)."""
    path = catalog_path(code)
    if not path.exists():
        return {}
    mtime = path.stat().st_mtime
    cached = _parsed.get(code)
    if cached is None or cached[0] != mtime:
        cached = _parsed[code] = (mtime, _messages(polib.pofile(str(path))))
    return {key: replace(m, msgstr_plural=list(m.msgstr_plural)) for key, m in cached[1].items()}


def current_catalog(code: str, overrides=None) -> list[Message]:
    """The language's messages with the translation residents see now: one query for the overrides, or
    none when the caller read them (`overrides`, every language's)."""
    messages = shipped_catalog(code)
    if overrides is None:
        overrides = CatalogOverride.objects.filter(language=code)
    for override in overrides:
        if override.language != code:
            continue
        message = messages.get((override.msgctxt, override.msgid))
        if message is None:
            continue
        message.msgstr, message.msgstr_plural, message.reviewed = override.msgstr, list(override.msgstr_plural), True
    return sorted(messages.values(), key=lambda m: (m.msgid.lower(), m.msgctxt))


@dataclass
class CatalogDiff:
    changed: list[tuple[Message, Message]] = field(default_factory=list)  # (now, reviewed)
    new: list[Message] = field(default_factory=list)  # translated in the file, untranslated now
    removed: list[Message] = field(default_factory=list)  # translated now, missing or empty in the file
    unknown: list[Message] = field(default_factory=list)  # in the file, not a resident message: ignored

    @property
    def to_apply(self) -> list[Message]:
        return [reviewed for _now, reviewed in self.changed] + self.new

    @property
    def empty(self) -> bool:
        return not (self.changed or self.new)


def parse_po(text: str) -> dict[tuple[str, str], Message]:
    """A reviewer's .po file; ValueError with polib's words when it is not one."""
    try:
        po = polib.pofile(text)
    except (OSError, ValueError) as error:
        raise ValueError(str(error)) from error
    return _messages(po)


def catalog_diff(code: str, text: str) -> CatalogDiff:
    current = {m.key: m for m in current_catalog(code)}
    uploaded = parse_po(text)
    diff = CatalogDiff()
    for key, reviewed in uploaded.items():
        now = current.get(key)
        if now is None:
            diff.unknown.append(reviewed)
        elif reviewed.empty:
            if not now.empty:
                diff.removed.append(now)
        elif now.empty:
            diff.new.append(reviewed)
        elif (reviewed.msgstr, reviewed.msgstr_plural) != (now.msgstr, now.msgstr_plural):
            diff.changed.append((now, reviewed))
    diff.removed += [now for key, now in current.items() if key not in uploaded and not now.empty]
    return diff
