"""The field-hours page offers as preceptors only people who can sign off: active accounts with an
active trainer, coordinator or responder membership in the responder's organization."""

import pytest
from django.urls import reverse

from apps.training.models import FieldHours

pytestmark = pytest.mark.django_db


def _offered(client):
    form = client.get(reverse("training:field-hours")).context["form"]
    return [u.email for u in form.fields["preceptor"].queryset]


def test_field_hours_page_offers_no_deactivated_preceptor(client, responder, trainer, coordinator, outsider):
    trainer.is_active = False
    trainer.save(update_fields=["is_active"])
    client.force_login(responder)
    assert _offered(client) == ["cora@example.org"]


def test_field_hours_cannot_name_a_deactivated_preceptor(client, org, responder, trainer):
    trainer.is_active = False
    trainer.save(update_fields=["is_active"])
    client.force_login(responder)
    response = client.post(reverse("training:field-hours"), {
        "organization": org.pk, "worked_on": "2026-03-09", "hours": "2", "preceptor": trainer.pk,
        "activity": "Ride-along"})
    assert response.status_code == 200
    assert "preceptor" in response.context["form"].errors
    assert FieldHours.objects.count() == 0
