"""Scanners: 24-hour and 2-hour reminders, unfilled positions, assigned shifts at risk."""

from datetime import date, timedelta

import pytest

from apps.accounts.roles import Role
from apps.notifications.models import Notification
from apps.notifications.scanners import registered_scanners
from apps.scheduling.models import Shift
from apps.scheduling.reminders import shift_reminders_scan, shifts_at_risk_scan, unfilled_positions_scan
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place
from tests.factories.training import TrainingRecordFactory
from tests.scheduling.conftest import NOW, local

pytestmark = pytest.mark.django_db


def keys(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("dedupe_key", "channel"))


def test_scanners_are_registered():
    assert {"scheduling.shift_reminders", "scheduling.unfilled_positions",
            "scheduling.shifts_at_risk"} <= set(registered_scanners())


def test_reminders_24h_then_2h_once_each(team, responder):
    shift = make_shift(team=team, starts_at=NOW + timedelta(hours=30))
    a = place(shift=shift, responder=responder)
    assert shift_reminders_scan(now=NOW) == 0  # 30 h ahead: nothing yet
    at_24 = NOW + timedelta(hours=6)
    assert shift_reminders_scan(now=at_24) == 2
    assert shift_reminders_scan(now=at_24 + timedelta(minutes=5)) == 0  # dedupe
    at_2 = NOW + timedelta(hours=28)
    assert shift_reminders_scan(now=at_2) == 2
    assert keys("scheduling.shift_reminder") == [
        (f"shift-reminder-24h:{a.pk}:{responder.pk}", "email"), (f"shift-reminder-24h:{a.pk}:{responder.pk}", "in_app"),
        (f"shift-reminder-2h:{a.pk}:{responder.pk}", "email"), (f"shift-reminder-2h:{a.pk}:{responder.pk}", "in_app")]


def test_a_quiet_reminder_scan_costs_the_same_few_queries_however_many_shifts_are_near(
        team, responder, django_assert_num_queries):
    at_24 = NOW + timedelta(hours=6)
    for hours in range(30, 36):
        place(shift=make_shift(team=team, starts_at=NOW + timedelta(hours=hours)),
              responder=user_with_role(Role.RESPONDER, team.organization))
    assert shift_reminders_scan(now=at_24 + timedelta(hours=5)) == 12  # six shifts, email and in-app each

    # Found again five minutes later: the assignments and the reminders already recorded, nothing else.
    with django_assert_num_queries(2):
        assert shift_reminders_scan(now=at_24 + timedelta(hours=5, minutes=5)) == 0


def test_found_late_only_the_nearer_reminder_goes(team, responder):
    a = place(shift=make_shift(team=team, starts_at=NOW + timedelta(hours=1)), responder=responder)
    assert shift_reminders_scan(now=NOW) == 2
    assert {k for k, _ in keys("scheduling.shift_reminder")} == {f"shift-reminder-2h:{a.pk}:{responder.pk}"}


def test_no_reminder_for_cancelled_or_draft(team, responder, peer):
    place(shift=make_shift(team=team, starts_at=NOW + timedelta(hours=3)), responder=responder,
          status="cancelled")
    place(shift=make_shift(team=team, starts_at=NOW + timedelta(hours=3), status=Shift.Status.DRAFT), responder=peer)
    assert shift_reminders_scan(now=NOW) == 0


def test_unfilled_positions_alert_coordinators_48h_ahead(team, coordinator, responder):
    soon = make_shift(team=team, starts_at=NOW + timedelta(hours=40))
    make_shift(team=team, starts_at=NOW + timedelta(hours=60))  # too far ahead
    place(shift=soon, responder=responder)  # the responder place is filled; the lead is not
    assert unfilled_positions_scan(now=NOW) == 2
    lead_position = soon.positions.get(role="lead")
    assert {k for k, _ in keys("scheduling.unfilled_position")} == {
        f"shift-unfilled-48h:{lead_position.pk}:{coordinator.pk}"}
    assert unfilled_positions_scan(now=NOW) == 0


def test_assigned_shift_at_risk_when_training_lapses_first(team, org, coordinator, requirements, cpr):
    person = user_with_role(Role.RESPONDER, org, email="risky@example.org", full_name="Rae Risky")
    # Valid through 10 March 2026; the shift on the 12th is at risk, the one on the 5th is not.
    record = TrainingRecordFactory(responder=person, organization=org, course=cpr, completed_on=date(2024, 3, 10))
    risky = place(shift=make_shift(team=team, starts_at=local(2026, 3, 12, 10)), responder=person)
    place(shift=make_shift(team=team, starts_at=local(2026, 3, 5, 10)), responder=person)
    assert shifts_at_risk_scan(now=NOW) == 4
    assert {k for k, _ in keys("scheduling.shift_at_risk")} == {
        f"shift-at-risk:{risky.pk}:{record.pk}:{person.pk}", f"shift-at-risk:{risky.pk}:{record.pk}:{coordinator.pk}"}
    coordinator_note = Notification.objects.get(kind="scheduling.shift_at_risk", recipient_user=coordinator,
                                                channel="in_app")
    assert coordinator_note.subject == "At risk: Rae Risky's CPR and First Aid lapses before a shift"
    assert shifts_at_risk_scan(now=NOW) == 0


def test_renewed_training_is_not_at_risk(team, org, requirements, cpr):
    person = user_with_role(Role.RESPONDER, org)
    TrainingRecordFactory(responder=person, organization=org, course=cpr, completed_on=date(2024, 3, 10))
    TrainingRecordFactory(responder=person, organization=org, course=cpr, completed_on=date(2026, 2, 1))
    place(shift=make_shift(team=team, starts_at=local(2026, 3, 12, 10)), responder=person)
    assert shifts_at_risk_scan(now=NOW) == 0
