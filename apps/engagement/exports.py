"""CSV exports: the staff export of feedback, and the open-data counts with small cells suppressed."""

import csv
import io

from .models import FeedbackCoding, FeedbackItem
from .selectors import SUPPRESSION_THRESHOLD

OPEN_DATA_HEADER = ["theme", "neighborhood", "language", "channel", "count"]
STAFF_HEADER = ["id", "received", "channel", "language", "neighborhood", "session", "status", "reject_reason",
                "crisis_flag", "entered_by", "themes", "text"]


def _cell(value) -> str:
    """Spreadsheet-safe: text that starts like a formula is prefixed so it is never evaluated."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def open_data_rows() -> list[list[str]]:
    """Published feedback counted by top-level theme × neighborhood × language × channel.

    A count under 5 is written as "<5": with neighborhood and language, a small cell could point at
    a person.
    """
    counts: dict[tuple, set[int]] = {}
    codings = (FeedbackCoding.objects.filter(item__status=FeedbackItem.Status.APPROVED, item__safety_flag=False)
               .values_list("item_id", "theme__name", "theme__parent__name", "item__neighborhood__name",
                            "item__language__code", "item__channel"))
    for item_id, theme, parent, hood, language, channel in codings:
        counts.setdefault((parent or theme, hood or "", language, channel), set()).add(item_id)
    rows = []
    for key in sorted(counts):
        n = len(counts[key])
        rows.append([*key, str(n) if n >= SUPPRESSION_THRESHOLD else f"<{SUPPRESSION_THRESHOLD}"])
    return rows


def open_data_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(OPEN_DATA_HEADER)
    writer.writerows([[_cell(v) for v in row] for row in open_data_rows()])
    return out.getvalue()


def staff_feedback_csv(items) -> str:
    """The moderator's export: the original text, no resident contact details."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(STAFF_HEADER)
    for item in items:
        writer.writerow([_cell(v) for v in (
            item.pk, item.created_at.isoformat(), item.channel, item.language.code,
            item.neighborhood.name if item.neighborhood_id else "", item.session_id or "", item.status,
            item.reject_reason, "yes" if item.safety_flag else "no",
            item.entered_by.email if item.entered_by_id else "",
            "; ".join(str(t) for t in item.themes.all()), item.text)])
    return out.getvalue()
