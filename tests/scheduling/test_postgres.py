"""Integrity under concurrency, on PostgreSQL: the exclusion constraint and the position row lock."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.scheduling import services
from apps.scheduling.models import Assignment, PositionRole
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place, position
from tests.scheduling.conftest import clear, local

WED = local(2026, 3, 4, 10)


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_refuses_an_overlapping_assignment(team, other_team, responder):
    place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    overlapping = make_shift(team=other_team, starts_at=WED + timedelta(hours=7))
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        place(shift=overlapping, responder=responder)
    assert "scheduling_assignment_no_overlap" in str(refused.value)
    # Back to back is fine (half-open ranges), and cancelled rows do not count.
    place(shift=make_shift(team=team, starts_at=WED + timedelta(hours=8)), responder=responder)
    place(shift=overlapping, responder=responder, status=Assignment.Status.CANCELLED)


def _race(n: int, work) -> tuple[list, list]:
    barrier = threading.Barrier(n)
    done, errors = [], []

    def run(i: int) -> None:
        try:
            barrier.wait()
            done.append(work(i))
        except ApplicationError as exc:
            errors.append(exc)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_people_race_for_the_last_place(org, team, coordinator, requirements, cpr):
    shift = make_shift(team=team, starts_at=WED, positions=[(PositionRole.LEAD, 1), (PositionRole.RESPONDER, 3)])
    for _ in range(2):
        place(shift=shift, responder=clear(user_with_role(Role.RESPONDER, org), org, cpr))
    racers = [clear(user_with_role(Role.RESPONDER, org), org, cpr) for _ in range(20)]
    pos = position(shift)

    done, errors = _race(20, lambda i: services.assignment_sign_up(by=racers[i], position=pos))

    assert len(done) == 1
    assert [(type(e), getattr(e, "code", None)) for e in errors] == [(ApplicationError, "position_full")] * 19
    assert Assignment.objects.filter(position=pos, status="assigned").count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_overlapping_assignments_of_one_person_one_wins(org, team, coordinator, responder):
    shifts = [make_shift(team=team, starts_at=WED + timedelta(minutes=10 * i)) for i in range(20)]
    positions = [position(s) for s in shifts]

    done, errors = _race(20, lambda i: services.assignment_create(by=coordinator, position=positions[i],
                                                                  responder=responder))

    assert len(done) == 1
    assert [(type(e), getattr(e, "code", None)) for e in errors] == [(ApplicationError, "overlap")] * 19
    assert [e.message for e in errors][:1] == ["Already assigned to another shift at this time."]
    assert Assignment.objects.filter(responder=responder, status="assigned").count() == 1
