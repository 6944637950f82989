"""Eligibility for many positions at once: one read of the facts, the same verdicts as one at a time."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.scheduling.eligibility import eligibility_batch, eligibility_for_positions, positions_for_user
from apps.scheduling.models import PositionRole
from tests.factories.scheduling import make_shift, position
from tests.factories.training import requirement
from tests.scheduling.conftest import local

pytestmark = pytest.mark.django_db


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_a_shifts_positions_share_one_read(team, responder, peer, lead, requirements):
    small = make_shift(team=team, starts_at=local(2026, 3, 4, 10))
    large = make_shift(team=team, starts_at=local(2026, 3, 6, 10), positions=(
        (PositionRole.LEAD, 1), (PositionRole.RESPONDER, 2), (PositionRole.TRAINEE, 1), (PositionRole.EMT, 1)))
    people = [responder, peer, lead]
    small_positions = [position(small, PositionRole.RESPONDER)]
    large_positions = [position(large, role) for role in (PositionRole.LEAD, PositionRole.RESPONDER,
                                                          PositionRole.TRAINEE, PositionRole.EMT)]

    one = _queries(lambda: eligibility_for_positions(users=people, positions=small_positions))
    five = _queries(lambda: eligibility_for_positions(users=people, positions=large_positions))
    answers = eligibility_for_positions(users=people, positions=large_positions)

    assert one == five == 9
    for p in large_positions:
        assert {uid: e.reason_codes for uid, e in answers[p.pk].items()} == {
            uid: e.reason_codes for uid, e in eligibility_batch(users=people, position=p).items()}
    # Lee holds the team-lead training; Ray and Pat do not.
    assert [answers[large_positions[0].pk][u.pk].reason_codes for u in people] == [
        ["role_not_qualified"], ["role_not_qualified"], []]


def test_no_people_or_no_positions_asks_nothing(team, responder):
    shift = make_shift(team=team, starts_at=local(2026, 3, 4, 10))
    with CaptureQueriesContext(connection) as ctx:
        assert eligibility_for_positions(users=[], positions=[position(shift)]) == {position(shift).pk: {}}
        assert eligibility_for_positions(users=[responder], positions=[]) == {}
    assert len(ctx.captured_queries) == 2  # the two position() look-ups above


def test_open_shifts_follow_the_requirement_version_in_force_at_each_shift_end(team, responder, requirements, cpr,
                                                                               cit):
    # From 2 March responders also need CIT; from 20 March only CPR again. Ray holds CPR only, so he is
    # cleared through the 25 March shift but not through the earlier ones, whatever the latest says.
    requirement(courses=[cpr, cit], role="responder", effective_from=date(2026, 3, 2))
    requirement(courses=[cpr], role="responder", effective_from=date(2026, 3, 20))
    shifts = [make_shift(team=team, starts_at=local(2026, 3, d, 10)) for d in (5, 10, 25)]
    positions = [position(s) for s in shifts]

    with CaptureQueriesContext(connection) as ctx:
        answers = positions_for_user(user=responder, positions=positions)

    assert [answers[p.pk].reason_codes for p in positions] == [["role_not_qualified"], ["role_not_qualified"], []]
    assert len(ctx.captured_queries) == 9
