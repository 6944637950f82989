"""Figures counted as of the report's period: a session still to come is not "held", and a monthly
report's comments by theme are the month's, not all time's."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from apps.engagement.models import CommunitySession, FeedbackCoding, FeedbackItem
from apps.reports.kinds.engagement import gather_engagement
from apps.reports.kinds.program import theme_counts
from tests.factories import CityDepartmentFactory
from tests.factories.engagement import FeedbackFactory, SessionFactory, ThemeFactory, moderator_of

pytestmark = pytest.mark.django_db


def at(day: date, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_engagement_summary_counts_only_sessions_that_have_ended(time_machine):
    time_machine.move_to(at(date(2026, 12, 5), 12), tick=False)
    city = CityDepartmentFactory()
    moderator = moderator_of(city)
    today = timezone.localdate()
    past = SessionFactory(organization=city, starts_at=at(today - timedelta(days=3), 18), attendance_count=12)
    SessionFactory(organization=city, starts_at=at(today + timedelta(days=4), 18), attendance_count=None)
    SessionFactory(organization=city, starts_at=at(today - timedelta(days=2), 18),
                   status=CommunitySession.Status.CANCELLED)
    data = {"start": today.replace(day=1), "end": date(2026, 12, 31), "language": "en"}
    figures = gather_engagement(user=moderator, data=data, progress=lambda _p: None)
    assert [s.pk for s, _k in figures["sessions"]] == [past.pk]
    assert len(figures["sessions_to_come"]) == 1
    assert figures["attendance"] == 12
    # The same month asked about after it is over: the later session has been held by then.
    time_machine.move_to(at(date(2027, 1, 2), 12), tick=False)
    figures = gather_engagement(user=moderator, data=data, progress=lambda _p: None)
    assert len(figures["sessions"]) == 2 and figures["sessions_to_come"] == []


def test_monthly_comments_by_theme_are_the_months(time_machine):
    time_machine.move_to(at(date(2026, 12, 5), 12), tick=False)
    theme = ThemeFactory(name="Who responds")
    for created in [at(date(2026, 10, 10), 10)] * 6 + [at(date(2026, 11, 10), 10)] * 5:
        item = FeedbackFactory(status=FeedbackItem.Status.APPROVED)
        FeedbackItem.objects.filter(pk=item.pk).update(created_at=created)
        FeedbackCoding.objects.create(item=item, theme=theme)
    counts = {row["theme"].name: row["count"] for row in theme_counts(date(2026, 11, 1), date(2026, 11, 30),
                                                                          exact=False)}
    assert counts["Who responds"] == 5  # not the 11 of all time
    october = theme_counts(date(2026, 10, 1), date(2026, 10, 31), exact=False)
    assert {r["theme"].name: r["count"] for r in october}["Who responds"] == 6
    september = theme_counts(date(2026, 9, 1), date(2026, 9, 30), exact=False)
    assert {r["theme"].name: r["count"] for r in september}["Who responds"] is None  # 0: suppressed
    assert {r["theme"].name: r["count"] for r in theme_counts(date(2026, 9, 1), date(2026, 9, 30),
                                                                  exact=True)}["Who responds"] == 0
