"""How a figure reads in every report, decided once.

A count under 5 of people is suppressed in anything shared (DOMAIN.md: de-identified figures): it
reads "<5", wherever it appears, cover, table or chart. A rate whose base is fewer than 5 people is as
telling as the count and is suppressed the same way, so "Cleared for duty" reads "<5" on every page
of a de-identified report, never "—" on one and "<5" on another. "—" is kept for a figure that has no
value (a rate of nothing: no places required) and for an amount such as hours withheld with its count.
"""

from apps.engagement.selectors import SUPPRESSION_THRESHOLD

SUPPRESSED_TEXT = "<5"
NO_VALUE_TEXT = "—"


class _Suppressed:
    """A suppressed rate (a count is suppressed as None, the engagement selectors' convention)."""

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __str__(self) -> str:
        return SUPPRESSED_TEXT


SUPPRESSED = _Suppressed()


def suppressed_rate(rate: float | None, base: int, *, exact: bool):
    """`rate` as printed for a base of `base` people: SUPPRESSED under the threshold unless `exact`."""
    if not exact and base < SUPPRESSION_THRESHOLD:
        return SUPPRESSED
    return rate


def count_text(value) -> str:
    """A count of people: None is a suppressed count."""
    if value is None or value is SUPPRESSED:
        return SUPPRESSED_TEXT
    return str(value)


def rate_text(value) -> str:
    """A percentage: SUPPRESSED reads "<5" (its base was under 5), None "—" (nothing to divide)."""
    if value is SUPPRESSED:
        return SUPPRESSED_TEXT
    if value is None:
        return NO_VALUE_TEXT
    return f"{value}%"


def amount_text(value) -> str:
    """Hours and the like: None (none, or withheld with the small count it would reveal) reads "—", so an
    amount is never mistaken for a count of people ("<5 hours")."""
    if value is None or value is SUPPRESSED:
        return NO_VALUE_TEXT
    return str(value)
