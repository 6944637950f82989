"""A shift keeps working after it has ended: its pages and the API answer, and what it refuses says why."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.scheduling.models import PositionRole, Shift
from tests.factories.scheduling import make_shift, place, position
from tests.scheduling.conftest import NOW

pytestmark = pytest.mark.django_db

LAST_WEEK = NOW - timedelta(days=7)


@pytest.mark.parametrize("status", [Shift.Status.PUBLISHED, Shift.Status.DRAFT, Shift.Status.CANCELLED])
def test_the_coordinators_page_of_an_ended_shift_answers(client, team, coordinator, responder, status):
    shift = make_shift(team=team, starts_at=LAST_WEEK, status=status)
    position(shift)
    position(shift, PositionRole.LEAD)
    if status == Shift.Status.PUBLISHED:
        place(shift=shift, responder=responder)
    client.force_login(coordinator)
    response = client.get(reverse("scheduling:shift-detail", args=[shift.pk]))
    assert response.status_code == 200
    assert shift.team.name in response.content.decode()


def test_eligibility_for_an_ended_shift_explains_instead_of_failing(team, coordinator, responder):
    shift = make_shift(team=team, starts_at=LAST_WEEK)
    pos = position(shift)
    api = APIClient()
    api.force_authenticate(responder)
    response = api.get(f"/api/v1/scheduling/eligibility/?position={pos.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["allowed"], "shift_started" in body["reason_codes"]) == (False, True)
    api.force_authenticate(coordinator)
    response = api.get(f"/api/v1/scheduling/eligibility/?position={pos.pk}&user={responder.pk}")
    assert (response.status_code, response.json()["allowed"]) == (200, False)


def test_signing_up_for_an_ended_shift_is_refused_with_a_message(client, team, responder):
    shift = make_shift(team=team, starts_at=LAST_WEEK)
    pos = position(shift)
    client.force_login(responder)
    response = client.post(reverse("scheduling:position-sign-up", args=[pos.pk]), follow=True)
    assert response.status_code == 200
    assert "already started" in response.content.decode()
    assert not pos.assignments.exists()
