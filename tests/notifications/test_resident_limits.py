"""The residents' unsubscribe page counts its client under the same per-client limits as the
engagement pages, and a refused attempt records no opt-out."""

import pytest

from apps.notifications import services
from apps.notifications.models import ResidentOptOut

pytestmark = pytest.mark.django_db


def test_unsubscribe_refuses_the_client_over_the_limit(client, settings):
    settings.ENGAGEMENT_UNSUBSCRIBE_PER_HOUR = 2
    contacts = [f"ana{n}@example.org" for n in range(3)]
    codes = [client.post(f"/unsubscribe/{services.unsubscribe_token(contact=c)}/", REMOTE_ADDR="192.0.2.20")
             .status_code for c in contacts]
    assert codes == [200, 200, 429]
    assert set(ResidentOptOut.objects.values_list("contact_hash", flat=True)) == {
        services.contact_hash(contacts[0]), services.contact_hash(contacts[1])}
    # A page view is not an attempt: the form is still shown to the same client.
    assert client.get(f"/unsubscribe/{services.unsubscribe_token(contact=contacts[2])}/",
                      REMOTE_ADDR="192.0.2.20").status_code == 200
