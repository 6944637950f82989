"""The simulation's checks catch a broken program: an over-filled position, a page that answers 500,
a missing monthly report; and a failure makes `manage.py simulate` exit non-zero. Small states built
by hand, no simulated time."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.urls import path

from apps.simulation import checkpoint, invariants
from apps.simulation.engine import Simulation
from apps.simulation.summary import ErrorLogCapture, Summary
from tests.factories import OrganizationFactory, UserFactory
from tests.factories.scheduling import TeamFactory, make_shift, place

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NOW = datetime.fromisoformat("2027-03-10T12:00:00-05:00")


def fine(request):
    return HttpResponse("fine")


def broken(request):
    raise RuntimeError("a hidden defect")


urlpatterns = [path("fine/", fine, name="fine"), path("broken/", broken, name="broken")]


def test_positions_not_overfilled_finds_one_person_too_many():
    team = TeamFactory(organization=OrganizationFactory())
    shift = make_shift(team=team, starts_at=NOW + timedelta(days=1))
    first, second = UserFactory(), UserFactory()
    place(shift=shift, responder=first)
    assert invariants.positions_not_overfilled() == []
    place(shift=shift, responder=second)  # written past the engine: two people for one place
    position = shift.positions.get(role="responder")
    assert invariants.positions_not_overfilled() == [f"position {position.pk} has 2 people for 1 places"]


def test_ended_shift_without_hours_or_no_show_is_reported():
    team = TeamFactory(organization=OrganizationFactory())
    shift = make_shift(team=team, starts_at=NOW - timedelta(hours=14))  # ended 6 hours ago
    assignment = place(shift=shift, responder=UserFactory())
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):  # check-out has just closed: not yet
        assert invariants.ended_shifts_accounted() == []
    with time_machine.travel(NOW, tick=False):
        assert invariants.ended_shifts_accounted() == [
            f"assignment {assignment.pk} of a shift ended 2027-03-10T11:00:00+00:00 is still assigned"]


def test_missing_monthly_report_is_reported():
    subscriber = UserFactory()
    with time_machine.travel(NOW, tick=False):
        violations, built = invariants.monthly_reports(
            subscriber=subscriber, subscribed_at=datetime.fromisoformat("2027-01-20T09:00:00-05:00"))
    assert built == 0
    assert violations[0] == "0 monthly reports for 2027-01 (expected 1)"
    assert "0 monthly reports for 2027-02 (expected 1)" in violations


def test_checkpoint_records_an_invariant_violation_as_a_failure():
    team = TeamFactory(organization=OrganizationFactory())
    shift = make_shift(team=team, starts_at=NOW + timedelta(days=1))
    place(shift=shift, responder=UserFactory())
    place(shift=shift, responder=UserFactory())
    simulation = Simulation(start=NOW, end=NOW + timedelta(days=1), seed=1, sweep=False)

    class World:
        users = {"admin": UserFactory()}

    simulation.world = World()
    with time_machine.travel(NOW, tick=False), ErrorLogCapture() as capture:
        simulation.capture = capture
        simulation._checkpoint("weekly")
    failures = [f for f in simulation.summary.failures if f.kind == "invariant"]
    assert [(f.where, f.detail.split(": ")[0]) for f in failures] == [("positions not over-filled", "weekly")]
    assert "has 2 people for 1 places" in failures[0].detail


def test_sweep_reports_a_hidden_500_with_route_role_and_instant(settings, monkeypatch):
    settings.ROOT_URLCONF = __name__
    monkeypatch.setattr(checkpoint, "_ROUTES", None)
    monkeypatch.setattr(checkpoint, "ROLES", {"anonymous": None})
    summary = Summary(start=NOW, end=NOW, seed=1)
    with time_machine.travel(NOW, tick=False), ErrorLogCapture() as capture:
        sweeper = checkpoint.Sweeper(summary=summary, capture=capture, users={})
        made = sweeper.sweep(label="month end 2027-03", full=True)
    monkeypatch.setattr(checkpoint, "_ROUTES", None)
    assert made == 2
    assert summary.status_codes == {200: 1, 500: 1}
    http = [f for f in summary.failures if f.kind == "http"]
    assert [(f.where, f.role, f.detail, f.at) for f in http] == [
        ("GET /broken/ (broken)", "anonymous", "month end 2027-03: status 500", NOW)]
    logs = [f for f in summary.failures if f.kind == "log"]
    assert len(logs) == 1 and logs[0].where == "GET /broken/ (broken)"
    assert "RuntimeError: a hidden defect" in logs[0].detail
    assert sweeper.coverage() == (2, 2)


def test_weekly_slices_and_full_sweeps_cover_every_route_role_and_slot(settings, monkeypatch):
    settings.ROOT_URLCONF = "crisisprog.urls"
    monkeypatch.setattr(checkpoint, "_ROUTES", None)
    sweeper = checkpoint.Sweeper(summary=Summary(start=NOW, end=NOW, seed=1), capture=None, users={})
    asked = set()
    for _ in range(checkpoint.Sweeper.WEEKLY_SLICES):
        asked |= {(role, route.template, slot) for role, route, slot in sweeper.plan(full=False)}
    cells = {(role, route.template, slot) for role, route, slot in sweeper.matrix()}
    assert asked == cells
    slots = set()
    for _ in range(3):
        plan = sweeper.plan(full=True)
        assert {(role, route.template) for role, route, _slot in plan} == {(r, t) for r, t, _s in cells}
        slots |= {slot for _role, route, slot in plan if route.kwargs}
    assert slots == {"past", "current", "future"}


def test_simulate_exits_non_zero_on_a_failure(monkeypatch):
    def run(self):
        self.summary.fail("http", NOW, "GET /broken/ (broken)", role="coordinator", detail="weekly: status 500")
        return self.summary

    monkeypatch.setattr(Simulation, "run", run)
    monkeypatch.setattr("apps.simulation.management.commands.simulate.Command._reset", lambda self: None)
    with pytest.raises(CommandError, match="1 failure"):
        call_command("simulate", "--reset", "--days", "1", "--start", "2027-03-10T12:00-05:00")
