import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.roles import Role
from apps.core.audit import audit
from tests.factories import OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = user_with_role(Role.PROGRAM_ADMIN)
    client.force_login(admin)
    client.user = admin
    return client


def test_audit_page_lists_events_with_filters(admin_client):
    org = OrganizationFactory(name="Alpha Collective")
    audit(actor=admin_client.user, action="accounts.organization.created", target=org)
    audit(actor=admin_client.user, action="training.record.verified", target=org)
    page = admin_client.get("/audit/", {"action": "accounts."}).content.decode()
    assert "accounts.organization.created" in page
    assert "training.record.verified" not in page
    page = admin_client.get("/audit/", {"actor": admin_client.user.email[:6]}).content.decode()
    assert "training.record.verified" in page


def test_audit_page_is_refused_to_other_roles(client):
    for role in (Role.COORDINATOR, Role.PROCUREMENT_OFFICER, Role.PROGRAM_EVALUATOR, Role.RESPONDER):
        client.force_login(user_with_role(role))
        assert client.get("/audit/").status_code == 403


def test_audit_page_redirects_anonymous_to_sign_in(client):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/audit/", "/api/v1/audit-events/"])
def test_audit_list_queries_do_not_grow_with_rows(admin_client, url):
    org = OrganizationFactory()
    audit(actor=admin_client.user, action="x.one", target=org, organization=org)
    admin_client.get(url)  # warm up: the first request also refreshes the session
    one = _count(admin_client, url)
    for _ in range(2):
        audit(actor=admin_client.user, action="x.more", target=org, organization=org)
    assert _count(admin_client, url) == one


def test_audit_api_filters_and_is_admin_only(client):
    admin = user_with_role(Role.PROGRAM_ADMIN)
    org = OrganizationFactory()
    audit(actor=admin, action="accounts.a", target=org)
    audit(actor=admin, action="training.b", target=org)
    client.force_login(admin)
    body = client.get("/api/v1/audit-events/", {"action": "training."}).json()
    assert body["count"] == 1
    assert body["results"][0]["action"] == "training.b"
    assert body["results"][0]["target_type"] == "accounts.organization"
    client.force_login(user_with_role(Role.COORDINATOR))
    response = client.get("/api/v1/audit-events/")
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}
