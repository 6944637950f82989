"""Journey (issue 22): a lead on a phone taps "On a call"; the coordinator's on-duty board, open on another
screen, shows it within seconds without a reload; the lead logs the encounter from the phone; the
evaluator's monthly figures count it."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.roles import Role
from apps.core.models import Neighborhood
from apps.operations import encounters
from apps.operations.models import Encounter, TeamStatusChange
from apps.scheduling.models import Assignment, PositionRole
from tests.browser.helpers import Journey, follow_nav, sign_in
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, user_with_role
from tests.factories.scheduling import TeamFactory, make_shift, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_goes_on_a_call_the_board_shows_it_and_the_encounter_is_counted(new_page):
    collective = OrganizationFactory(name="Neighborhood Peer Response Collective", slug="collective")
    lead = user_with_role(Role.RESPONDER, collective, email="riley@collective.example", full_name="Riley Santos")
    coordinator = user_with_role(Role.COORDINATOR, collective, email="jordan@collective.example",
                                 full_name="Jordan Baptiste")
    evaluator = user_with_role(Role.PROGRAM_EVALUATOR, email="taylor@firm.example", full_name="Taylor Brooks")
    zone = Neighborhood.objects.get_or_create(slug="journey-dorchester", defaults={"name": "Journey Dorchester"})[0]
    team = TeamFactory(organization=collective, name="Dorchester day team")
    # Under way whatever the hour the suite runs: started two hours ago, six hours to go.
    shift = make_shift(team=team, starts_at=timezone.now() - timedelta(hours=2), zones=[zone])
    place(shift=shift, responder=lead, role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
          checked_in_at=shift.starts_at)
    # Four calls earlier this shift: with the journey's, five, a count the de-identified figures show.
    for minutes in (100, 80, 60, 40):
        received = timezone.now() - timedelta(minutes=minutes)
        encounters.encounter_record(by=lead, idempotency_key=uuid.uuid4(), zone=zone, shift=shift, source="911",
                                    outcome="resolved", received_at=received,
                                    dispatched_at=received + timedelta(minutes=2),
                                    arrived_at=received + timedelta(minutes=12),
                                    cleared_at=received + timedelta(minutes=30))

    board = new_page(width=1280)
    sign_in(board, email=coordinator.email, password=DEFAULT_PASSWORD)
    follow_nav(board, "On duty")
    team_row = board.locator(".ops-team", has_text="Dorchester day team").first
    expect(team_row).to_contain_text("Available")
    Journey("on-duty-board", board).check("before")

    phone = new_page(width=390, height=844)
    journey = Journey("on-duty-lead", phone)
    sign_in(phone, email=lead.email, password=DEFAULT_PASSWORD)
    follow_nav(phone, "My shifts")
    phone.get_by_role("button", name="On a call").first.click()
    expect(phone.get_by_role("button", name=re.compile("On a call"), pressed=True).first).to_be_visible()
    journey.check("on a call")
    change = TeamStatusChange.objects.get(shift=shift)
    assert (change.state, change.by_id) == ("on_call", lead.pk)

    # The board polls its live part every 10 s: the change is there within seconds, with no reload.
    expect(team_row).to_contain_text("On a call", timeout=15_000)
    Journey("on-duty-board", board).check("after")

    follow_nav(phone, "Encounters")
    phone.get_by_role("link", name="Record an encounter").click()
    phone.get_by_label("911 transfer").check()
    phone.get_by_label("Referral made").check()
    phone.get_by_label("Referred to").select_option("peer")
    phone.get_by_role("button", name="Record encounter").click()
    phone.wait_for_url("**/ops/encounters/*/?recorded=1")
    journey.check("encounter recorded")
    recorded = Encounter.objects.order_by("-id").first()
    assert (recorded.recorded_by_id, recorded.referral_kind, Encounter.objects.count()) == (lead.pk, "peer", 5)

    month = timezone.localtime(recorded.received_at).strftime("%Y-%m")
    report = new_page(width=1280)
    sign_in(report, email=evaluator.email, password=DEFAULT_PASSWORD)
    report.goto(f"/ops/evaluation/?month={month}")
    main = report.get_by_role("main")
    expect(main).to_contain_text("Journey Dorchester")
    Journey("on-duty-evaluation", report).check("monthly figures")
