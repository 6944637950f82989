"""POST/GET /api/v1/encounters/: idempotent with the Idempotency-Key header or field, a 400 naming the field,
scoped reads."""

import uuid

import pytest

from apps.operations.models import Encounter
from tests.support.api import field_errors, signed_in

from .encounter_world import *  # noqa: F403  (the fixtures)

pytestmark = pytest.mark.django_db
URL = "/api/v1/encounters/"


def body(shift_, zone_, **extra) -> dict:
    return {"shift": shift_.pk, "zone": zone_.slug, "source": "988", "outcome": "referral",
            "referral_kind": "peer", "received_at": "2026-03-10T12:00:00-04:00",
            "dispatched_at": "2026-03-10T12:03:00-04:00", "arrived_at": "2026-03-10T12:15:00-04:00",
            "cleared_at": "2026-03-10T12:45:00-04:00", "follow_up_needed": True, "note": "Call me at 617 555 0199",
            **extra}


def test_post_with_the_header_twice_writes_one_row(api, lead, shift, dorchester):
    client = signed_in(api, lead)
    key = str(uuid.uuid4())
    first = client.post(URL, body(shift, dorchester), format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(URL, body(shift, dorchester, outcome="police", referral_kind=""), format="json",
                        HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 200, "true")
    assert again.json() == first.json()
    data = first.json()
    assert (data["zone"], data["outcome"], data["referral_kind"], data["note"], data["idempotency_key"]) == (
        "dorchester-test", "referral", "peer", "Call me at [phone]", key)
    assert Encounter.objects.count() == 1


def test_post_with_the_field(api, lead, shift, dorchester):
    key = str(uuid.uuid4())
    response = signed_in(api, lead).post(URL, body(shift, dorchester, idempotency_key=key), format="json")
    assert (response.status_code, response.json()["idempotency_key"]) == (201, key)


def test_without_a_key_or_with_two_different_keys_is_a_400(api, lead, shift, dorchester):
    client = signed_in(api, lead)
    assert list(field_errors(client.post(URL, body(shift, dorchester), format="json"))) == ["idempotency_key"]
    response = client.post(URL, body(shift, dorchester, idempotency_key=str(uuid.uuid4())), format="json",
                           HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert field_errors(response) == {"idempotency_key": ["The field and the Idempotency-Key header differ."]}
    assert not Encounter.objects.exists()


@pytest.mark.parametrize(("extra", "errors"), [
    ({"referral_kind": ""}, {"referral_kind": ["Choose the kind of service the person was referred to."]}),
    ({"arrived_at": "2026-03-10T12:01:00-04:00"}, {"arrived_at": ["Arrived must not be before dispatched."]}),
    ({"zone": "atlantis"}, {"zone": ["Object with slug=atlantis does not exist."]}),
    ({"outcome": "vanished"}, {"outcome": ['"vanished" is not a valid choice.']}),
    ({"shift": 999999}, {"shift": ["No such shift."]}),
])
def test_a_refusal_names_the_field(api, lead, shift, dorchester, extra, errors):
    response = signed_in(api, lead).post(URL, body(shift, dorchester, **extra), format="json",
                                         HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert field_errors(response) == errors


def test_someone_not_on_the_shift_gets_403_and_the_list_is_scoped(api, lead, outsider, coordinator,
                                                                 other_coordinator, evaluator, shift, dorchester):
    signed_in(api, lead).post(URL, body(shift, dorchester), format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    encounter = Encounter.objects.get()
    response = signed_in(api, outsider).post(URL, body(shift, dorchester), format="json",
                                             HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 403
    assert [r["id"] for r in signed_in(api, coordinator).get(URL).json()["results"]] == [encounter.pk]
    assert signed_in(api, coordinator).get(f"{URL}{encounter.pk}/").status_code == 200
    assert signed_in(api, other_coordinator).get(URL).json()["results"] == []
    assert signed_in(api, other_coordinator).get(f"{URL}{encounter.pk}/").status_code == 404
    assert signed_in(api, evaluator).get(URL).status_code == 403
