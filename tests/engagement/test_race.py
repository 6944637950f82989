"""The last seats under contention, on PostgreSQL: the row lock serves one resident at a time."""

import threading

import pytest
from django.db import connection

from apps.engagement import services
from apps.engagement.models import Registration
from tests.factories.engagement import RegistrationFactory, SessionFactory, language


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_residents_race_for_the_last_five_seats():
    session = SessionFactory(capacity=25, reserved_seats=0)
    for n in range(20):
        RegistrationFactory(session=session, code=f"PRE{n:03d}")
    english = language("en")
    barrier = threading.Barrier(30)
    errors: list[BaseException] = []

    def register(n: int) -> None:
        try:
            barrier.wait()
            services.registration_create(session_id=session.pk, name=f"Racer {n}", language=english)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    racers = Registration.objects.filter(session=session, name__startswith="Racer")
    assert racers.filter(status="registered").count() == 5
    assert racers.filter(status="waitlisted").count() == 25
    assert Registration.objects.filter(session=session, status="registered").count() == 25

    first_waiting = racers.filter(status="waitlisted").order_by("created_at", "id").first()
    services.registration_cancel(registration=racers.filter(status="registered").first())
    first_waiting.refresh_from_db()
    assert first_waiting.status == "registered"
    assert Registration.objects.filter(session=session, status="registered").count() == 25
