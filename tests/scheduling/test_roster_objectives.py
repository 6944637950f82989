"""The roster's objectives, each on a small program where it decides: leads before other places, hours
spread against targets, preferences (wanted and unwanted kinds of shift, zones, languages), fewer quick
turnarounds and night runs, and a repair that moves one person to refill a call-out."""

from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from apps.accounts.roles import Role
from apps.core.models import Language, Neighborhood
from apps.scheduling.models import Assignment, PositionRole, RosterProfile, RosterRun, ShiftTemplate, TimeOff
from apps.scheduling.roster.heuristics import greedy, hours_spread
from apps.scheduling.roster.instance import build_instance
from apps.scheduling.roster.services import repair_start, roster_accept, roster_solve
from apps.scheduling.roster.solver import solve
from apps.scheduling.services import assignment_cancel
from tests.factories import user_with_role
from tests.factories.scheduling import TeamFactory, make_shift, place

from .conftest import NOW, clear, local

pytestmark = pytest.mark.django_db

LEAD = ((PositionRole.LEAD, 1),)
RESPONDER = ((PositionRole.RESPONDER, 1),)


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="North")


@pytest.fixture
def person(org, requirements, cpr, cit):
    """A responder of `org`: cleared as a lead, or as a responder."""
    made = []

    def make(*, lead=False, weekly=None):
        user = user_with_role(Role.RESPONDER, org, email=f"person{len(made)}@example.org")
        clear(user, org, cpr, *([cit] if lead else []))
        if weekly is not None:
            RosterProfile.objects.create(user=user, organization=org, weekly_hours=weekly)
        made.append(user)
        return user

    return make


def _roster(org, team, first: date, last: date):
    instance = build_instance(organization_id=org.pk, team_ids=[team.pk], starts_on=first, ends_on=last, at=NOW)
    result = solve(instance, time_limit=10, workers=1, gap_limit=0.0)
    assert result.status == "optimal"
    return instance, result


def _given(instance, chosen) -> dict[int, list]:
    """Each person's places: (shift id, role), in time order."""
    found: dict[int, list] = {uid: [] for uid in instance.people}
    for i, uid in chosen:
        found[uid].append((instance.slots[i].shift_id, instance.slots[i].role))
    return found


def _hours(instance, chosen) -> dict[int, float]:
    hours = dict.fromkeys(instance.people, 0.0)
    for i, uid in chosen:
        hours[uid] += instance.slots[i].minutes / 60
    return hours


def _weights(**changed):
    return override_settings(ROSTER={**settings.ROSTER, "weights": {**settings.ROSTER["weights"], **changed}})


def _template(team, name="Evening"):
    return ShiftTemplate.objects.create(team=team, name=name, start_time=time(9), end_time=time(17), weekdays=[1])


# --- filling -------------------------------------------------------------------------------------

def test_a_scarce_lead_fills_a_lead_place_before_a_responder_place(org, team, person):
    """The only lead-cleared person could take either place of the shift; the lead's is filled."""
    only = person(lead=True)
    shift = make_shift(team=team, starts_at=local(2026, 3, 3, 9))
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 3))
    assert _given(instance, result.chosen)[only.pk] == [(shift.pk, PositionRole.LEAD)]


def test_a_scarce_lead_takes_the_lead_place_of_overlapping_shifts_whatever_their_hours(org, team, person):
    """Two overlapping shifts, a 12-hour one with a lead place and a 4-hour one with a responder place (hours
    nearer the lead's target): the lead place is filled."""
    only = person(lead=True)
    lead_shift = make_shift(team=team, starts_at=local(2026, 3, 3, 7), hours=12, positions=LEAD)
    make_shift(team=team, starts_at=local(2026, 3, 3, 9), hours=4, positions=RESPONDER)
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 3))
    assert _given(instance, result.chosen)[only.pk] == [(lead_shift.pk, PositionRole.LEAD)]


# --- fairness ------------------------------------------------------------------------------------

def test_equal_targets_spread_the_hours_where_the_greedy_baseline_does_not(org, team, person):
    """Two 4-hour shifts, then a 12-hour one. The greedy baseline gives the first and the long one to
    the same person (16 h against 4 h); the solver gives one person the long shift and the other both
    short ones (12 h against 8 h)."""
    first, second = person(), person()
    for day, hours in ((3, 4), (4, 4), (5, 12)):
        make_shift(team=team, starts_at=local(2026, 3, day, 8), hours=hours, positions=RESPONDER)
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 5))
    baseline = greedy(instance)
    assert len(result.chosen) == len(baseline) == 3
    assert sorted(_hours(instance, baseline).values()) == [4, 16]
    assert sorted(_hours(instance, result.chosen).values()) == [8, 12]
    assert hours_spread(instance, result.chosen)["std"] < hours_spread(instance, baseline)["std"]
    assert {first.pk, second.pk} == set(instance.people)


def test_a_higher_weekly_target_gets_more_hours(org, team, person):
    low, high = person(weekly=8), person(weekly=40)  # the lower id has the lower target
    for day in range(4):
        make_shift(team=team, starts_at=local(2026, 3, 3 + day, 8), hours=6, positions=RESPONDER)
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 6))
    hours = _hours(instance, result.chosen)
    assert len(result.chosen) == 4
    assert hours[high.pk] > hours[low.pk]
    assert hours[high.pk] >= 18


# --- preferences ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", [0, 1])
def test_a_wanted_kind_of_shift_goes_to_who_wants_it(org, team, person, who):
    people = [person(), person()]
    template = _template(team)
    shift = make_shift(team=team, starts_at=local(2026, 3, 3, 9), positions=RESPONDER)
    shift.template = template
    shift.save()
    RosterProfile.objects.create(user=people[who], organization=org).preferred_templates.add(template)
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 3))
    assert [uid for _, uid in result.chosen] == [people[who].pk]


@pytest.mark.parametrize("who", [0, 1])
def test_an_unwanted_kind_of_shift_goes_to_someone_else_who_can_take_it(org, team, person, who):
    people = [person(), person()]
    template = _template(team)
    shift = make_shift(team=team, starts_at=local(2026, 3, 3, 9), positions=RESPONDER)
    shift.template = template
    shift.save()
    RosterProfile.objects.create(user=people[who], organization=org).avoided_templates.add(template)
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 3))
    assert [uid for _, uid in result.chosen] == [people[1 - who].pk]


def test_an_unwanted_kind_of_shift_is_still_filled_when_nobody_else_can(org, team, person):
    only = person()
    template = _template(team)
    shift = make_shift(team=team, starts_at=local(2026, 3, 3, 9), positions=RESPONDER)
    shift.template = template
    shift.save()
    RosterProfile.objects.create(user=only, organization=org).avoided_templates.add(template)
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 3))
    assert [uid for _, uid in result.chosen] == [only.pk]


@pytest.mark.parametrize("who", [0, 1])
def test_a_shift_in_a_preferred_zone_goes_to_who_prefers_it(org, team, person, who):
    people = [person(), person()]
    zone, elsewhere = Neighborhood.objects.order_by("pk")[:2]
    make_shift(team=team, starts_at=local(2026, 3, 3, 9), positions=RESPONDER, zones=[zone])
    RosterProfile.objects.create(user=people[who], organization=org).preferred_zones.add(zone)
    RosterProfile.objects.create(user=people[1 - who], organization=org).preferred_zones.add(elsewhere)
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 3))
    assert [uid for _, uid in result.chosen] == [people[who].pk]


@pytest.mark.parametrize("who", [0, 1])
def test_a_shift_asking_for_a_language_goes_to_who_speaks_it(org, team, person, who):
    people = [person(), person()]
    spanish, other = Language.objects.get(code="es"), Language.objects.exclude(code="es").order_by("pk").first()
    shift = make_shift(team=team, starts_at=local(2026, 3, 3, 9), positions=RESPONDER)
    shift.desired_languages.add(spanish)
    RosterProfile.objects.create(user=people[who], organization=org).languages.add(spanish)
    RosterProfile.objects.create(user=people[1 - who], organization=org).languages.add(other)
    instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 3))
    assert [uid for _, uid in result.chosen] == [people[who].pk]


# --- patterns ------------------------------------------------------------------------------------

def _quick_turnarounds(instance, chosen) -> int:
    rest = timedelta(hours=instance.policy.min_rest_hours)
    quick = timedelta(hours=settings.ROSTER["weights"]["quick_turnaround_hours"])
    work: dict[int, list] = {}
    for i, uid in chosen:
        work.setdefault(uid, []).append(instance.slots[i].interval)
    return sum(1 for intervals in work.values() for _, a_end in intervals for b_start, _ in intervals
               if rest <= b_start - a_end < quick)


def test_fewer_quick_turnarounds(org, team, person):
    """The first person wants this kind of shift, and two of them are 12 hours apart (more than the 10 hours'
    rest, less than a good night's turnaround): one goes to the other person instead."""
    keen, other = person(), person()
    template = _template(team)
    RosterProfile.objects.create(user=keen, organization=org).preferred_templates.add(template)
    shifts = [make_shift(team=team, starts_at=start, positions=RESPONDER) for start in (
        local(2026, 3, 3, 8), local(2026, 3, 4, 4), local(2026, 3, 5, 8), local(2026, 3, 6, 8))]
    for shift in shifts[:2]:
        shift.template = template
        shift.save()
    with _weights(fairness=0):
        instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 6))
    assert len(result.chosen) == 4
    assert _quick_turnarounds(instance, result.chosen) == 0
    with _weights(fairness=0, quick_turnaround=0):
        instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 6))
    assert _quick_turnarounds(instance, result.chosen) == 1  # without the weight, the wish wins
    assert {s for s, _ in _given(instance, result.chosen)[keen.pk]} >= {shifts[0].pk, shifts[1].pk}
    assert other.pk in instance.people


def _nights(org, team, person, *, others: int, **weights):
    keen = person()
    for _n in range(others):
        person()
    template = _template(team, "Night")
    RosterProfile.objects.create(user=keen, organization=org).preferred_templates.add(template)
    for day in range(4):
        shift = make_shift(team=team, starts_at=local(2026, 3, 3 + day, 22), positions=RESPONDER)
        shift.template = template
        shift.save()
    with _weights(fairness=0, **weights):
        instance, result = _roster(org, team, date(2026, 3, 3), date(2026, 3, 6))
    return keen, instance, result


def test_no_more_than_three_nights_in_a_row_when_someone_else_can_take_one(org, team, person):
    keen, instance, result = _nights(org, team, person, others=1)
    assert len(result.chosen) == 4
    assert len(_given(instance, result.chosen)[keen.pk]) == 3


def test_without_the_night_run_weight_the_wish_takes_all_four_nights(org, team, person):
    keen, instance, result = _nights(org, team, person, others=1, night_run=0)
    assert len(_given(instance, result.chosen)[keen.pk]) == 4


def test_four_nights_in_a_row_when_nobody_else_can(org, team, person):
    keen, instance, result = _nights(org, team, person, others=0)
    assert len(_given(instance, result.chosen)[keen.pk]) == 4  # a soft rule: the places are still filled


# --- repair --------------------------------------------------------------------------------------

def test_a_repair_moves_someone_when_nobody_is_free_and_keeps_everyone_elses_shifts(
        org, team, person, coordinator):
    """A call-out on tomorrow's 09:00–17:00 shift. Nobody is free for it: the one responder without a
    shift has time off from 16:00 to 22:00, the others are working. Moving the responder of the 08:00–16:00
    shift onto it and giving theirs to the one with time off refills it with two changes; the evening
    shift's responder and the lead are not touched."""
    lead, sick, mover, late_off, evening = (person(lead=True), person(), person(), person(), person())
    called = make_shift(team=team, starts_at=NOW + timedelta(hours=24))  # Tue 3 Mar 09:00–17:00
    early = make_shift(team=team, starts_at=local(2026, 3, 3, 8), positions=RESPONDER)
    later = make_shift(team=team, starts_at=local(2026, 3, 3, 18), hours=4, positions=RESPONDER)
    place(shift=called, responder=lead, role=PositionRole.LEAD)
    out = place(shift=called, responder=sick)
    moved = place(shift=early, responder=mover)
    kept = place(shift=later, responder=evening)
    for who, start, end in ((sick, local(2026, 3, 3, 0), local(2026, 3, 4, 0)),
                            (late_off, local(2026, 3, 3, 16), local(2026, 3, 3, 22))):
        TimeOff.objects.create(responder=who, organization=org, starts_at=start, ends_at=end,
                               status=TimeOff.Status.APPROVED)
    assignment_cancel(by=coordinator, assignment=out, reason="Sick")
    run = roster_solve(run_id=repair_start(by=coordinator, assignment=out).pk)
    assert run.status == RosterRun.Status.PROPOSED, run.error
    assert run.stats["changes"] == 2
    assert run.releases == [moved.pk]
    assert sorted((item["shift"], item["responder"]) for item in run.proposal) == sorted(
        [(called.pk, mover.pk), (early.pk, late_off.pk)])
    run = roster_accept(by=coordinator, run=run)
    assert run.conflicts == []
    active = set(Assignment.objects.filter(status__in=Assignment.ACTIVE).values_list("shift_id", "responder_id"))
    assert active == {(called.pk, lead.pk), (called.pk, mover.pk), (early.pk, late_off.pk),
                      (later.pk, evening.pk)}
    assert Assignment.objects.get(pk=kept.pk).status == Assignment.Status.ASSIGNED
