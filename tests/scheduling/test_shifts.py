"""Teams, composition, shift templates across midnight and the daylight-saving changes, publishing."""

from datetime import date, datetime, time

import pytest

from apps.core.errors import ApplicationError
from apps.core.models import Neighborhood
from apps.scheduling import services
from apps.scheduling.models import PositionRole, Shift
from tests.factories.scheduling import team_type
from tests.scheduling.conftest import UTC, local

pytestmark = pytest.mark.django_db


def utc(y, m, d, h, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=UTC)


def _template(coordinator, team, start, end, weekdays=range(7)):
    return services.shift_template_create(by=coordinator, team=team, name="Night", start_time=start, end_time=end,
                                          weekdays=list(weekdays))


def test_night_template_on_the_spring_change_is_seven_hours(coordinator, team):
    template = _template(coordinator, team, time(22), time(6))
    shifts = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 3, 7),
                                              end=date(2026, 3, 8))
    assert [(s.starts_at, s.ends_at) for s in shifts] == [
        (utc(2026, 3, 8, 3), utc(2026, 3, 8, 10)),  # 22:00 EST → 06:00 EDT: the clock skips an hour
        (utc(2026, 3, 9, 2), utc(2026, 3, 9, 10)),  # 22:00 EDT → 06:00 EDT
    ]
    assert [s.hours for s in shifts] == [7.0, 8.0]


def test_night_template_on_the_autumn_change_is_nine_hours(coordinator, team):
    template = _template(coordinator, team, time(22), time(6))
    shifts = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 10, 31),
                                              end=date(2026, 11, 1))
    assert [(s.starts_at, s.ends_at) for s in shifts] == [
        (utc(2026, 11, 1, 2), utc(2026, 11, 1, 11)),  # 22:00 EDT → 06:00 EST: the clock repeats an hour
        (utc(2026, 11, 2, 3), utc(2026, 11, 2, 11)),  # 22:00 EST → 06:00 EST
    ]
    assert [s.hours for s in shifts] == [9.0, 8.0]


def test_evening_template_crossing_midnight_and_weekdays(coordinator, team):
    template = _template(coordinator, team, time(18), time(2), weekdays=[0, 2])
    shifts = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 3, 2),
                                              end=date(2026, 3, 8))
    assert [(s.starts_at, s.ends_at) for s in shifts] == [
        (utc(2026, 3, 2, 23), utc(2026, 3, 3, 7)),
        (utc(2026, 3, 4, 23), utc(2026, 3, 5, 7)),
    ]
    assert all(s.status == Shift.Status.DRAFT for s in shifts)
    assert [sorted((p.role, p.count) for p in s.positions.all()) for s in shifts] == [
        [("lead", 1), ("responder", 1)], [("lead", 1), ("responder", 1)]]


def test_day_template_on_the_change_day(coordinator, team):
    template = _template(coordinator, team, time(10), time(18))
    [march] = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 3, 8),
                                               end=date(2026, 3, 8))
    [november] = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 11, 1),
                                                  end=date(2026, 11, 1))
    assert (march.starts_at, march.ends_at) == (utc(2026, 3, 8, 14), utc(2026, 3, 8, 22))
    assert (november.starts_at, november.ends_at) == (utc(2026, 11, 1, 15), utc(2026, 11, 1, 23))


def test_generating_twice_creates_nothing_new(coordinator, team):
    template = _template(coordinator, team, time(10), time(18))
    first = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 3, 2),
                                             end=date(2026, 3, 8))
    again = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 3, 2),
                                             end=date(2026, 3, 10))
    assert (len(first), len(again), Shift.objects.filter(template=template).count()) == (7, 2, 9)


def test_template_shifts_take_the_team_zones(coordinator, org):
    dorchester = Neighborhood.objects.get(name="Dorchester")
    team = services.team_create(by=coordinator, organization=org, team_type=team_type(), name="North",
                                zones=[dorchester])
    template = _template(coordinator, team, time(10), time(18))
    [shift] = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 3, 3),
                                               end=date(2026, 3, 3))
    assert list(shift.zones.all()) == [dorchester]


def test_composition_of_a_community_responder_shift(coordinator, team):
    start = local(2026, 3, 4, 10)
    end = local(2026, 3, 4, 18)
    with pytest.raises(ApplicationError) as no_lead:
        services.shift_create(by=coordinator, team=team, starts_at=start, ends_at=end,
                              positions=[(PositionRole.RESPONDER, 2)])
    assert no_lead.value.message == "A Community responders shift needs a team lead."
    with pytest.raises(ApplicationError) as alone:
        services.shift_create(by=coordinator, team=team, starts_at=start, ends_at=end,
                              positions=[(PositionRole.LEAD, 1)])
    assert alone.value.message == "A Community responders shift needs at least 2 people."
    with pytest.raises(ApplicationError) as trainees:
        services.shift_create(by=coordinator, team=team, starts_at=start, ends_at=end,
                              positions=[(PositionRole.TRAINEE, 3)])
    assert trainees.value.message == ("A Community responders shift needs a team lead. "
                                      "A team is never all trainees.")
    shift = services.shift_create(by=coordinator, team=team, starts_at=start, ends_at=end,
                                  positions=[(PositionRole.LEAD, 1), (PositionRole.TRAINEE, 1)])
    assert sorted(shift.positions.values_list("role", "count")) == [("lead", 1), ("trainee", 1)]


def test_co_response_team_type_needs_no_lead(coordinator, org):
    team = services.team_create(by=coordinator, organization=org, team_type=team_type("co-response"), name="CoR")
    shift = services.shift_create(by=coordinator, team=team, starts_at=local(2026, 3, 4, 10),
                                  ends_at=local(2026, 3, 4, 18))
    assert sorted(shift.positions.values_list("role", flat=True)) == ["clinician", "police_officer"]


def test_publish_a_week(coordinator, team):
    template = _template(coordinator, team, time(10), time(18))
    services.shift_template_generate(by=coordinator, template=template, start=date(2026, 3, 2), end=date(2026, 3, 15))
    assert services.shifts_publish_week(by=coordinator, team=team, week_start=date(2026, 3, 9)) == 7
    published = Shift.objects.filter(team=team, status=Shift.Status.PUBLISHED).order_by("starts_at")
    assert [s.starts_at for s in published] == [local(2026, 3, d, 10) for d in range(9, 16)]


def test_only_a_coordinator_of_the_organization_manages_shifts(outsider, responder, team):
    for person in (outsider, responder):
        with pytest.raises(ApplicationError):
            services.shift_create(by=person, team=team, starts_at=local(2026, 3, 4, 10),
                                  ends_at=local(2026, 3, 4, 18))
