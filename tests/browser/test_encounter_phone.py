"""A team lead records an encounter from a phone on a weak connection (ENCOUNTERS, issue 22): the form is
prefilled for the shift under way; sent while offline it says "Not sent — retrying" and keeps its values; once
the connection is back the same submit goes through with the same idempotency key, and one encounter exists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.models import Neighborhood
from apps.operations.models import Encounter
from apps.scheduling.models import Assignment, PositionRole
from tests.browser.helpers import Journey, follow_nav, sign_in
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, user_with_role
from tests.factories.scheduling import TeamFactory, make_shift, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_records_an_encounter_through_a_dropped_connection(new_page):
    collective = OrganizationFactory(name="Neighborhood Peer Response Collective", slug="collective")
    lead = user_with_role(Role.RESPONDER, collective, email="riley@collective.example", full_name="Riley Santos")
    zone = Neighborhood.objects.get_or_create(slug="mid-dorchester-test", defaults={"name": "Mid-Dorchester Test"})[0]
    team = TeamFactory(organization=collective, name="Dorchester day team")
    # Under way whatever the hour the suite runs: started two hours ago.
    shift = make_shift(team=team, starts_at=timezone.now() - timedelta(hours=2), zones=[zone])
    place(shift=shift, responder=lead, role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
          checked_in_at=shift.starts_at)

    page = new_page(width=390, height=844)
    journey = Journey("encounter-phone", page)
    sign_in(page, email=lead.email, password=DEFAULT_PASSWORD)
    follow_nav(page, "Encounters")
    page.get_by_role("link", name="Record an encounter").click()
    assert page.get_by_label("Shift").input_value() == str(shift.pk)
    assert page.get_by_label("Zone").input_value() == str(zone.pk)
    page.get_by_label("911 transfer").check()
    page.get_by_label("Referral made").check()
    page.get_by_label("Referred to").select_option("peer")
    page.get_by_label("Short note").fill("Call back at 617-555-0199 tomorrow")
    journey.check("form filled")
    key = page.locator("input[name=idempotency_key]").input_value()

    page.context.set_offline(True)
    page.get_by_role("button", name="Record encounter").click()
    banner = page.locator("#enc-retry")
    banner.wait_for(state="visible")
    assert "Not sent — retrying" in banner.inner_text()
    assert page.get_by_label("Short note").input_value() == "Call back at 617-555-0199 tomorrow"
    assert Encounter.objects.count() == 0

    page.context.set_offline(False)
    page.wait_for_url("**/ops/encounters/*/?recorded=1")
    assert "Encounter recorded." in page.get_by_role("main").inner_text()
    journey.check("recorded")
    encounter = Encounter.objects.get()
    assert (str(encounter.idempotency_key), encounter.shift_id, encounter.referral_kind, encounter.note) == (
        key, shift.pk, "peer", "Call back at [phone] tomorrow")
    # The draft is gone: a new form starts empty, with a new key.
    page.get_by_role("link", name="Record another").click()
    assert page.get_by_label("Short note").input_value() == ""
    assert page.locator("input[name=idempotency_key]").input_value() != key
