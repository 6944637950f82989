"""Theme trends: how much residents raised each theme of the codebook, month by month and neighborhood
by neighborhood, and how much of it a published decision answers ("you said, we did" coverage).

What counts: published (approved) feedback coded with the theme or one of its sub-themes; an item coded
with two sub-themes of one theme counts once for that theme. A month is a calendar month in the program's
time zone, of the day the item was received.

Coverage: an item is answered when a published decision names the item itself, or names the theme the
item is coded with or that theme's parent. The share is answered items over all items of the theme.

Moderators see exact counts; a public or evaluator view passes `public=True` and every count under 5 is
suppressed (None), with the share left out when the theme has fewer than 5 items (a share of 1 of 3 says
as much as the counts).

One aggregate query for the counts whatever the number of items, themes, months and neighborhoods, plus
one for the themes and one for the neighborhoods' names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from apps.core.localtime import month_bounds
from apps.core.models import Neighborhood

from .models import Decision, FeedbackCoding, FeedbackItem, Theme
from .selectors import suppress

MONTHS = 12


def month_window(*, today: date | None = None, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` calendar months, ending with the current one, oldest first."""
    today = today or timezone.localdate()
    first, out = today.replace(day=1), []
    for _ in range(months):
        out.append(first)
        first = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return out[::-1]


@dataclass
class ThemeTrend:
    theme: Theme
    months: list[date]
    by_month: list[int | None]  # aligned with months
    by_neighborhood: list[tuple[str, int | None]]  # largest first; "" (last among equals): no neighborhood given
    total: int | None
    answered: int | None
    public: bool = False
    _raw_total: int = field(default=0, repr=False)

    @property
    def coverage(self) -> float | None:
        """Answered share in percent, or None when there is nothing (or, in public, too little) to divide."""
        if not self._raw_total or self.answered is None or (self.public and self._raw_total < 5):
            return None
        return 100.0 * self.answered / self._raw_total


def theme_trends(*, themes: list[Theme] | None = None, months: list[date] | None = None,
                 public: bool = False) -> list[ThemeTrend]:
    """The trend of each top-level theme in `themes` (default: every active top-level theme) over `months`
    (first days of months, oldest first; default: the last twelve). Ordered as `themes` is, or by total."""
    months = months or month_window()
    tz = timezone.get_default_timezone()
    lo, hi = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    if themes is None:
        themes = list(Theme.objects.filter(parent__isnull=True, is_active=True).order_by("name", "id"))
    top_ids = [t.pk for t in themes]
    answered_by_decision = Decision.feedback_items.through.objects.filter(
        feedbackitem_id=OuterRef("item_id"), decision__is_published=True)
    published_themes = Decision.themes.through.objects.filter(decision__is_published=True).values("theme_id")
    answered = (Q(linked=True) | Q(theme_id__in=published_themes) | Q(theme__parent_id__in=published_themes))
    rows = (FeedbackCoding.objects
            .filter(item__status=FeedbackItem.Status.APPROVED, item__created_at__gte=lo, item__created_at__lt=hi)
            .annotate(top=Coalesce("theme__parent_id", "theme_id"), linked=Exists(answered_by_decision),
                      month=TruncMonth("item__created_at", tzinfo=tz))
            .filter(top__in=top_ids)
            .values("top", "month", "item__neighborhood_id")
            .annotate(n=Count("item_id", distinct=True), answered=Count("item_id", distinct=True, filter=answered))
            .order_by())
    counts: dict[int, dict] = defaultdict(lambda: {"month": defaultdict(int), "hood": defaultdict(int),
                                                   "total": 0, "answered": 0})
    hood_ids = set()
    for row in rows:
        entry = counts[row["top"]]
        month = row["month"].astimezone(tz).date() if isinstance(row["month"], datetime) else row["month"]
        entry["month"][month] += row["n"]
        entry["hood"][row["item__neighborhood_id"]] += row["n"]
        entry["total"] += row["n"]
        entry["answered"] += row["answered"]
        hood_ids.add(row["item__neighborhood_id"])
    names = dict(Neighborhood.objects.filter(pk__in=[h for h in hood_ids if h]).values_list("pk", "name"))

    def shown(n: int) -> int | None:
        return suppress(n) if public else n

    out = []
    for theme in themes:
        entry = counts[theme.pk]
        hoods = sorted(entry["hood"].items(), key=lambda kv: (-kv[1], kv[0] is None, names.get(kv[0], "")))
        out.append(ThemeTrend(
            theme=theme, months=months, by_month=[shown(entry["month"].get(m, 0)) for m in months],
            by_neighborhood=[(names.get(h, ""), shown(n)) for h, n in hoods],
            total=shown(entry["total"]),
            answered=None if public and entry["total"] < 5 else entry["answered"],
            public=public, _raw_total=entry["total"]))
    return out


def theme_trend(*, theme: Theme, months: list[date] | None = None, public: bool = False) -> ThemeTrend:
    """One theme's trend (a sub-theme is shown through its parent's counting: use the top-level theme)."""
    top = theme.parent if theme.parent_id else theme
    return theme_trends(themes=[top], months=months, public=public)[0]
