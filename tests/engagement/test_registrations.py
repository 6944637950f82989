"""Navigation entries per role, notification kinds, the scanner and the demo seeder."""

import io

import pytest
from django.db.models import Count

from apps.accounts.roles import Role
from apps.core.registry import navigation_for
from apps.engagement.demo import seed
from apps.engagement.models import CommunitySession, Decision, FeedbackItem
from apps.notifications.kinds import get_kind
from apps.notifications.scanners import registered_scanners
from tests.factories import CityDepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

STAFF_KEYS = {"engagement-sessions", "engagement-feedback", "engagement-codebook", "engagement-decisions"}


def _keys(user):
    return {item["key"] for item in navigation_for(user) if item["key"].startswith("engagement")}


def test_moderators_see_engagement_navigation_others_only_the_public_link():
    assert _keys(user_with_role(Role.MODERATOR)) == STAFF_KEYS | {"engagement-public"}
    assert _keys(user_with_role(Role.RESPONDER)) == {"engagement-public"}


def test_safety_alert_cannot_be_turned_off_and_reminders_can():
    assert get_kind("engagement.safety_alert").optional is False
    assert get_kind("engagement.reminder").optional is True
    assert "engagement.reminders" in registered_scanners()


def test_demo_seeder_is_idempotent():
    # Only this app's seeder: seed_demo also runs the other apps' seeders, which are tested there.
    city = CityDepartmentFactory(name="City Health and Human Services")
    users = {"moderator": user_with_role(Role.MODERATOR, city)}
    organizations = {city.name: city}
    seed(users=users, organizations=organizations, stdout=io.StringIO())
    counts = (CommunitySession.objects.count(), FeedbackItem.objects.count(), Decision.objects.count())
    seed(users=users, organizations=organizations, stdout=io.StringIO())
    assert (CommunitySession.objects.count(), FeedbackItem.objects.count(), Decision.objects.count()) == counts
    assert counts == (3, 40, 1)
    assert sorted(CommunitySession.objects.values_list("neighborhood__name", flat=True)) == [
        "Dorchester", "Roxbury", "South End"]
    assert set(CommunitySession.objects.values_list("status", flat=True)) == {"published"}
    # Forty distinct items in four languages, so the demo's similar-feedback panels show paraphrases.
    assert FeedbackItem.objects.values("text").distinct().count() == 40
    assert dict(FeedbackItem.objects.values_list("language__code").annotate(n=Count("id")).order_by()) == {
        "en": 19, "es": 14, "pt-BR": 6, "ht": 1}
