"""Service tokens: made and revoked by a program admin, audited, shown once, only their hash stored; the
program admin's pages."""

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.operations.models import ServiceScope, ServiceToken
from apps.operations.tokens import service_token_create, service_token_revoke
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
NOW = datetime(2027, 11, 6, 23, 40, tzinfo=BOSTON)  # the night before clocks fall back


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin(clock):
    return user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory(), full_name="Ada Admin")


def _create(admin, **kwargs):
    values = {"name": "911 CAD", "scopes": [ServiceScope.DISPATCH_READ], "expires_at": NOW + timedelta(days=90)}
    return service_token_create(by=admin, **{**values, **kwargs})


def test_create_stores_only_the_hash_and_audits(admin):
    token, raw = _create(admin, name="  911 CAD  ")
    assert raw.startswith("cps_") and len(raw) > 40
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:10]
    assert (token.name, token.scopes, token.created_by, token.use_count) == ("911 CAD", ["dispatch:read"], admin, 0)
    # The token itself is nowhere in the database row or the audit log.
    assert raw not in str(ServiceToken.objects.filter(pk=token.pk).values().get())
    event = AuditEvent.objects.get(action="operations.service_token.created")
    assert (event.actor, event.target_id) == (admin, str(token.pk))
    assert event.after == {"name": "911 CAD", "prefix": raw[:10], "scopes": ["dispatch:read"],
                           "expires_at": "2028-02-04T23:40:00-05:00", "revoked_at": None}
    assert raw not in str(event.after) and token.token_hash not in str(event.after)


def test_each_token_is_new(admin):
    _a, raw_a = _create(admin)
    _b, raw_b = _create(admin)
    assert raw_a != raw_b


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "   "}, "name"),
    ({"scopes": []}, "scopes"),
    ({"scopes": ["admin:everything"]}, "scopes"),
    ({"expires_at": NOW}, "expires_at"),  # already expired
    ({"expires_at": NOW + timedelta(days=367)}, "expires_at"),
])
def test_create_refuses_bad_input(admin, kwargs, field):
    with pytest.raises(ApplicationError) as error:
        _create(admin, **kwargs)
    assert error.value.field == field
    assert ServiceToken.objects.count() == 0


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DISPATCHER, Role.PROGRAM_EVALUATOR])
def test_only_a_program_admin_creates_or_revokes(clock, admin, role):
    from apps.accounts.roles import ROLE_ORGANIZATION_KINDS

    other = user_with_role(role, OrganizationFactory(kind=sorted(ROLE_ORGANIZATION_KINDS[role])[0]))
    with pytest.raises(ApplicationError):
        _create(other)
    token, _raw = _create(admin)
    with pytest.raises(ApplicationError):
        service_token_revoke(by=other, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_audits_once(admin, clock):
    token, _raw = _create(admin)
    clock.shift(timedelta(hours=1))
    service_token_revoke(by=admin, token=token)
    service_token_revoke(by=admin, token=token)  # again: harmless
    token.refresh_from_db()
    assert token.revoked_at == NOW + timedelta(hours=1)
    assert token.revoked_by == admin
    assert not token.is_active
    events = AuditEvent.objects.filter(action="operations.service_token.revoked")
    assert events.count() == 1
    assert events.get().after["revoked_at"] == "2027-11-07T00:40:00-04:00"


def test_is_active_until_expiry(admin):
    token, _raw = _create(admin, expires_at=NOW + timedelta(hours=3))
    assert token.is_active
    with time_machine.travel(token.expires_at, tick=False):
        assert not token.is_active


# --- the pages ----------------------------------------------------------------------------------------

def test_pages_are_the_program_admins(client, admin):
    token, _raw = _create(admin)
    urls = [reverse("operations:service-token-list"), reverse("operations:service-token-create"),
            reverse("operations:service-token-revoke", args=[token.pk])]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in
    dispatcher = user_with_role(Role.DISPATCHER, CityDepartmentFactory())
    client.force_login(dispatcher)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(urls[2]).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(admin)
    for url in urls:
        assert client.get(url).status_code == 200
    assert client.get(reverse("operations:service-token-revoke", args=[token.pk + 1000])).status_code == 404


def test_create_page_shows_the_token_once(client, admin):
    client.force_login(admin)
    response = client.post(reverse("operations:service-token-create"),
                           {"name": "CAD production", "scopes": ["dispatch:read"], "expires_on": "2028-01-31"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ServiceToken.objects.get()
    raw = response.context["raw"]
    assert hashlib.sha256(raw.encode()).hexdigest() == token.token_hash
    assert f'value="{raw}"' in response.content.decode()
    # Valid through the chosen day, local time.
    assert token.expires_at == datetime(2028, 2, 1, 0, 0, tzinfo=BOSTON)
    listing = client.get(reverse("operations:service-token-list")).content.decode()
    assert raw not in listing
    assert f"<code>{token.prefix}…</code>" in listing
    assert "CAD production" in listing


def test_create_page_refuses_a_past_day(client, admin):
    client.force_login(admin)
    response = client.post(reverse("operations:service-token-create"),
                           {"name": "CAD", "scopes": ["dispatch:read"], "expires_on": "2027-11-05"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"expires_on": ["The expiry must be in the future."]}
    assert ServiceToken.objects.count() == 0


def test_list_shows_uses_and_state_past_and_future(client, admin):
    active, _ = _create(admin, name="Live CAD")
    expired, _ = _create(admin, name="Old CAD", expires_at=NOW + timedelta(hours=1))
    revoked, _ = _create(admin, name="Test CAD")
    service_token_revoke(by=admin, token=revoked)
    ServiceToken.objects.filter(pk=active.pk).update(use_count=1234, last_used_at=NOW - timedelta(minutes=5))
    client.force_login(admin)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        page = client.get(reverse("operations:service-token-list")).content.decode()
    rows = {name: page.split(name)[1].split("</tr>")[0] for name in ("Live CAD", "Old CAD", "Test CAD")}
    assert "Active" in rows["Live CAD"] and ">1234<" in rows["Live CAD"] and "2027-11-06 23:35" in rows["Live CAD"]
    assert "Expired" in rows["Old CAD"] and "Never" in rows["Old CAD"]
    assert "Revoked" in rows["Test CAD"] and "Revoke…" not in rows["Test CAD"]
    assert "Revoke…" in rows["Live CAD"]


def test_revoke_page_confirms_then_revokes(client, admin):
    token, _raw = _create(admin)
    client.force_login(admin)
    url = reverse("operations:service-token-revoke", args=[token.pk])
    page = client.get(url).content.decode()
    assert "This cannot be undone." in page
    token.refresh_from_db()
    assert token.revoked_at is None  # the GET only asks
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("operations:service-token-list")
    token.refresh_from_db()
    assert token.revoked_at == NOW and token.revoked_by == admin
    assert AuditEvent.objects.filter(action="operations.service_token.revoked").count() == 1
