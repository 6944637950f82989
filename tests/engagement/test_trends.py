"""Theme trends: comments per theme by local month and neighborhood, "you said, we did" coverage,
suppression for public views, the theme page and the codebook's columns."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from apps.engagement.models import Decision, FeedbackCoding, FeedbackItem
from apps.engagement.trends import month_window, theme_trend, theme_trends
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, ThemeFactory, moderator_of, neighborhood

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 15, 12, 0, tzinfo=NY)


def _item(theme, at: datetime, *, hood=None, status=FeedbackItem.Status.APPROVED, also=()):
    item = FeedbackFactory(status=status, neighborhood=hood,
                           reject_reason="spam" if status == FeedbackItem.Status.REJECTED else "")
    FeedbackItem.objects.filter(pk=item.pk).update(created_at=at)
    for t in (theme, *also):
        FeedbackCoding.objects.create(item=item, theme=t)
    return item


def _decision(*, published=True, themes=(), items=()):
    d = Decision.objects.create(title="More night teams",
                                translations={"es": {"title": "Más equipos de noche", "action": "Añadido"}},
                                action="Added", outcome=Decision.Outcome.ADOPTED, decided_on=date(2027, 3, 1),
                                is_published=published)
    d.themes.set(themes)
    d.feedback_items.set(items)
    return d


def test_month_window_is_the_last_twelve_local_months_oldest_first():
    assert month_window(today=date(2027, 3, 15)) == [date(2026, m, 1) for m in range(4, 13)] + [
        date(2027, m, 1) for m in (1, 2, 3)]
    assert month_window(today=date(2027, 1, 1), months=2) == [date(2026, 12, 1), date(2027, 1, 1)]


def test_months_are_local_months_and_sub_themes_count_once_for_their_theme():
    night = ThemeFactory(name="Night coverage")
    late, weekend = ThemeFactory(parent=night), ThemeFactory(parent=night)
    roxbury, dorchester = neighborhood("Roxbury"), neighborhood("Dorchester")
    with time_machine.travel(NOW, tick=False):
        # 23:30 on 31 January in Boston is already 1 February in UTC: it is a January comment.
        _item(late, datetime(2027, 1, 31, 23, 30, tzinfo=NY), hood=roxbury)
        _item(night, datetime(2027, 2, 1, 0, 30, tzinfo=NY), hood=roxbury)
        # Coded with two sub-themes of the same theme: one comment for the theme.
        _item(late, datetime(2027, 2, 10, 9, 0, tzinfo=NY), hood=dorchester, also=(weekend,))
        _item(night, datetime(2027, 3, 2, 9, 0, tzinfo=NY))
        # Not counted: rejected, before the window, another theme.
        _item(night, datetime(2027, 3, 3, 9, 0, tzinfo=NY), status=FeedbackItem.Status.REJECTED)
        _item(night, datetime(2026, 3, 31, 9, 0, tzinfo=NY))
        _item(ThemeFactory(), datetime(2027, 3, 4, 9, 0, tzinfo=NY))
        trend = theme_trend(theme=weekend)
        assert trend.theme == night
        assert trend.months[0] == date(2026, 4, 1) and trend.months[-1] == date(2027, 3, 1)
        assert trend.by_month[-3:] == [1, 2, 1]
        assert sum(trend.by_month) == 4 == trend.total
        assert trend.by_neighborhood == [("Roxbury", 2), ("Dorchester", 1), ("", 1)]
        assert trend.answered == 0 and trend.coverage == 0.0


def test_coverage_counts_items_a_published_decision_names_or_whose_theme_it_names():
    night, parking = ThemeFactory(name="Night"), ThemeFactory(name="Parking")
    night_sub = ThemeFactory(parent=night)
    with time_machine.travel(NOW, tick=False):
        at = datetime(2027, 3, 5, 9, 0, tzinfo=NY)
        named = _item(parking, at)
        unanswered = [_item(parking, at) for _ in range(3)]
        _decision(items=[named])
        _decision(published=False, items=unanswered)  # a draft answers nothing
        _item(night_sub, at)
        _item(night, at)
        _decision(themes=[night_sub])  # answers the items coded with the sub-theme, not the parent's own
        trends = {t.theme.name: t for t in theme_trends()}
        assert (trends["Parking"].total, trends["Parking"].answered, trends["Parking"].coverage) == (4, 1, 25.0)
        assert (trends["Night"].total, trends["Night"].answered, trends["Night"].coverage) == (2, 1, 50.0)
        _decision(themes=[night])  # naming the theme answers its sub-themes' items too
        assert theme_trend(theme=night).answered == 2


def test_public_trends_suppress_counts_under_five_and_the_share_of_a_small_theme():
    theme = ThemeFactory()
    roxbury = neighborhood("Roxbury")
    with time_machine.travel(NOW, tick=False):
        items = [_item(theme, datetime(2027, 3, 5, 9, 0, tzinfo=NY), hood=roxbury) for _ in range(4)]
        _decision(items=items[:1])
        small = theme_trend(theme=theme, public=True)
        assert small.total is None and small.by_month[-1] is None and small.by_neighborhood == [("Roxbury", None)]
        assert small.answered is None and small.coverage is None
        items.append(_item(theme, datetime(2027, 3, 6, 9, 0, tzinfo=NY), hood=roxbury))
        shown = theme_trend(theme=theme, public=True)
        assert (shown.total, shown.by_month[-1], shown.by_neighborhood, shown.answered) == (5, 5, [("Roxbury", 5)], 1)
        assert shown.coverage == 20.0
        assert theme_trend(theme=theme).by_month[-2] == 0  # staff see exact zeros


def test_a_trend_moves_with_the_clock():
    """The window is the twelve months up to now: a comment leaves it a year later, at any instant."""
    theme = ThemeFactory()
    with time_machine.travel(NOW, tick=False):
        _item(theme, datetime(2027, 3, 5, 9, 0, tzinfo=NY))
        assert theme_trend(theme=theme).total == 1
    with time_machine.travel(datetime(2028, 2, 29, 23, 59, tzinfo=NY), tick=False):
        assert theme_trend(theme=theme).by_month[0] == 1
    with time_machine.travel(datetime(2028, 3, 1, 0, 1, tzinfo=NY), tick=False):
        assert theme_trend(theme=theme).total == 0


@pytest.fixture
def moderator():
    return moderator_of(CityDepartmentFactory())


def test_theme_page_shows_the_trend_chart_neighborhoods_and_decisions(client, moderator):
    theme = ThemeFactory(name="Night coverage", name_es="Cobertura nocturna")
    sub = ThemeFactory(parent=theme, name="After midnight")
    with time_machine.travel(NOW, tick=False):
        items = [_item(sub, datetime(2027, 2, 5, 9, 0, tzinfo=NY), hood=neighborhood("Mattapan")) for _ in range(3)]
        _decision(items=items[:1])
        client.force_login(moderator)
        response = client.get(reverse("engagement:theme-detail", args=[sub.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "<svg" in html and "Comments about “Night coverage” by month" in html
        assert "3 published comments from April 2026 to March 2027" in html
        assert "1 of 3 (33%)" in html
        assert "Mattapan" in html and "More night teams" in html
        assert "counted with its theme, “Night coverage”" in html
        listing = client.get(reverse("engagement:theme-list")).content.decode()
        assert reverse("engagement:theme-detail", args=[theme.pk]) in listing
        assert "33%" in listing


@pytest.mark.parametrize("role", ["coordinator", "responder", "program_evaluator"])
def test_theme_page_is_for_engagement_staff_only(client, role):
    theme = ThemeFactory()
    client.force_login(user_with_role(role))
    assert client.get(reverse("engagement:theme-detail", args=[theme.pk])).status_code == 403


def test_theme_page_of_an_unknown_theme_is_404(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("engagement:theme-detail", args=[999999])).status_code == 404
