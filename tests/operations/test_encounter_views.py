"""The encounter pages: the phone form (no duplicate on a resubmit, values kept on a refusal), the log, one
encounter, and who may open them."""

import uuid

import pytest
import time_machine
from django.urls import reverse

from apps.operations.models import Encounter

from .encounter_world import *  # noqa: F403  (the fixtures)
from .encounter_world import local

pytestmark = pytest.mark.django_db


def form_data(shift, zone, **extra) -> dict:
    return {"idempotency_key": str(uuid.uuid4()), "shift": shift.pk, "day": "2026-03-10", "received_at": "12:00",
            "dispatched_at": "12:02", "arrived_at": "12:14", "cleared_at": "12:40", "zone": zone.pk,
            "source": "911", "outcome": "resolved", "referral_kind": "", "unserved_reason": "", "note": "",
            **extra}


def test_the_form_is_prefilled_for_the_shift(client, lead, shift, dorchester):
    client.force_login(lead)
    response = client.get(reverse("operations:encounter-create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["shift"], form.initial["zone"], str(form.initial["day"]), form.initial["received_at"]) == (
        shift.pk, dorchester.pk, "2026-03-10", "14:00")
    assert uuid.UUID(str(form.initial["idempotency_key"]))
    html = response.content.decode()
    assert 'src="/static/js/encounter_retry.js"' in html and "<script>" not in html


def test_posting_records_and_a_resubmit_shows_the_same_encounter(client, lead, shift, dorchester):
    client.force_login(lead)
    data = form_data(shift, dorchester)
    first = client.post(reverse("operations:encounter-create"), data)
    encounter = Encounter.objects.get()
    detail = reverse("operations:encounter-detail", args=[encounter.pk])
    assert (first.status_code, first["Location"]) == (302, f"{detail}?recorded=1")
    assert "Encounter recorded." in client.get(first["Location"]).content.decode()
    again = client.post(reverse("operations:encounter-create"), data, follow=True)
    assert Encounter.objects.count() == 1
    assert again.redirect_chain == [(f"{detail}?already=1", 302)]
    html = again.content.decode()
    assert "This encounter was already recorded; nothing was added." in html and "Encounter recorded." not in html


def test_a_time_past_midnight_is_the_next_day(client, lead, shift, dorchester):
    with time_machine.travel(local(2026, 3, 11, 1, 0), tick=False):
        client.force_login(lead)
        client.post(reverse("operations:encounter-create"),
                    form_data(shift, dorchester, received_at="23:50", dispatched_at="23:55", arrived_at="00:10",
                              cleared_at="00:40"))
        encounter = Encounter.objects.get()
        assert (encounter.received_at, encounter.arrived_at, encounter.cleared_at) == (
            local(2026, 3, 10, 23, 50), local(2026, 3, 11, 0, 10), local(2026, 3, 11, 0, 40))


def test_a_refusal_comes_back_with_the_values_and_the_error_at_its_field(client, lead, shift, dorchester):
    client.force_login(lead)
    data = form_data(shift, dorchester, outcome="referral", note="Left with her sister")
    response = client.post(reverse("operations:encounter-create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"referral_kind": ["Choose the kind of service the person was referred to."]}
    html = response.content.decode()
    assert f'value="{data["idempotency_key"]}"' in html and "Left with her sister" in html
    assert not Encounter.objects.exists()


def test_someone_with_no_shift_open_cannot_open_the_form(client, outsider, member):
    client.force_login(outsider)
    assert client.get(reverse("operations:encounter-create")).status_code == 403


def test_after_the_recording_window_the_member_cannot_open_the_form(client, member):
    with time_machine.travel(local(2026, 3, 11, 4, 0), tick=False):
        client.force_login(member)
        assert client.get(reverse("operations:encounter-create")).status_code == 403


def test_the_log_and_the_detail_are_scoped(client, lead, coordinator, other_coordinator, shift, dorchester, member):
    client.force_login(lead)
    client.post(reverse("operations:encounter-create"), form_data(shift, dorchester))
    encounter = Encounter.objects.get()
    detail = reverse("operations:encounter-detail", args=[encounter.pk])
    client.force_login(coordinator)
    page = client.get(reverse("operations:encounter-list"))
    assert (page.status_code, [e.pk for e in page.context["page"]]) == (200, [encounter.pk])
    assert client.get(detail).status_code == 200
    client.force_login(member)  # same shift, did not record it
    assert client.get(detail).status_code == 404
    client.force_login(other_coordinator)
    assert client.get(detail).status_code == 404
    assert list(client.get(reverse("operations:encounter-list")).context["page"]) == []


def test_program_staff_do_not_see_the_rows(client, admin, evaluator):
    for user in (admin, evaluator):
        client.force_login(user)
        assert client.get(reverse("operations:encounter-list")).status_code == 403
        assert client.get(reverse("operations:encounter-create")).status_code == 403
