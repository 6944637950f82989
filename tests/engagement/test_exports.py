"""CSV exports: open data with small cells suppressed; the staff export for moderators only."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.roles import Role
from apps.engagement import services
from tests.factories import user_with_role
from tests.factories.engagement import FeedbackFactory, ThemeFactory, language, moderator_of, neighborhood

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_open_data_suppresses_counts_under_five(client):
    moderator = moderator_of()
    theme = ThemeFactory(name="Who responds")
    sub = ThemeFactory(name="Peers", parent=theme)
    dorchester, roxbury = neighborhood("Dorchester"), neighborhood("Roxbury")
    for n in range(5):
        item = FeedbackFactory(status="approved", neighborhood=dorchester)
        services.feedback_code(by=moderator, item=item, themes=[sub if n % 2 else theme])
    for _ in range(2):
        services.feedback_code(by=moderator, item=FeedbackFactory(status="approved", neighborhood=roxbury,
                                                                  language=language("es")), themes=[theme])
    services.feedback_code(by=moderator, item=FeedbackFactory(status="pending", neighborhood=roxbury),
                           themes=[theme])
    response = client.get("/you-said-we-did/open-data.csv")
    assert response.status_code == 200
    assert _rows(response) == [
        ["theme", "neighborhood", "language", "channel", "count"],
        ["Who responds", "Dorchester", "en", "online", "5"],
        ["Who responds", "Roxbury", "es", "online", "<5"],
    ]


def test_staff_export_is_for_moderators_and_neutralizes_formulas(client):
    moderator = moderator_of()
    FeedbackFactory(text='=HYPERLINK("http://evil")', contact_consent=True, contact_email="a@example.org")
    client.force_login(moderator)
    response = client.get("/staff/engagement/feedback/export.csv")
    rows = _rows(response)
    assert rows[1][-1] == "'=HYPERLINK(\"http://evil\")"
    assert "a@example.org" not in response.content.decode()
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get("/staff/engagement/feedback/export.csv").status_code == 403


def test_staff_export_query_count_is_constant(client):
    moderator = moderator_of()
    client.force_login(moderator)
    theme = ThemeFactory()
    services.feedback_code(by=moderator, item=FeedbackFactory(entered_by=moderator), themes=[theme])

    def measure():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/staff/engagement/feedback/export.csv").status_code == 200
        return len(context.captured_queries)

    measure()
    one = measure()
    for _ in range(2):
        services.feedback_code(by=moderator, item=FeedbackFactory(entered_by=moderator), themes=[theme])
    assert measure() == one
