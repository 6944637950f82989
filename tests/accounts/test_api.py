"""The accounts API under /api/v1/: me, organizations, invitations, memberships."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import Invitation, Membership
from apps.accounts.roles import Role
from apps.core.models import AuditEvent
from tests.factories import (
    CityDepartmentFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 11:00 in New York (EDT, -04:00)
NOT_FOUND = {"detail": "Not found.", "errors": {}}
FORBIDDEN = {"detail": "You do not have permission to perform this action.", "errors": {}}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def nonprofit():
    return OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach", email="hello@harbor.example")


@pytest.fixture
def other_nonprofit():
    return OrganizationFactory(name="Riverside Care", slug="riverside-care")


@pytest.fixture
def coordinator(nonprofit):
    return user_with_role(Role.COORDINATOR, nonprofit, email="coord@example.org", full_name="Cora Ordin")


@pytest.fixture
def responder(nonprofit):
    return user_with_role(Role.RESPONDER, nonprofit, email="resp@example.org", full_name="Ray Sponder")


@pytest.fixture
def outsider(other_nonprofit):
    return user_with_role(Role.COORDINATOR, other_nonprofit, email="outsider@example.org", full_name="Otto Side")


def _organization(org) -> dict:
    return {"id": org.pk, "name": org.name, "slug": org.slug, "kind": org.kind, "is_active": org.is_active,
            "email": org.email, "phone": org.phone, "address": org.address}


def _brief(org) -> dict:
    return {"id": org.pk, "name": org.name, "slug": org.slug, "kind": org.kind}


def _membership(m) -> dict:
    return {"id": m.pk, "organization": m.organization.slug, "organization_name": m.organization.name,
            "role": m.role, "is_active": m.is_active, "user_email": m.user.email, "user_name": m.user.full_name}


def _page(results, count=None) -> dict:
    return {"count": len(results) if count is None else count, "next": None, "previous": None, "results": results}


def _invite(by, organization, email="invitee@example.org", role=Role.RESPONDER) -> Invitation:
    return services.invitation_create(by=by, email=email, organization=organization, role=role)


# --- me ------------------------------------------------------------------------------------------

def test_me_returns_roles_and_memberships_grouped_by_organization(api, nonprofit):
    user = UserFactory(email="mia@example.org", full_name="Mia Member")
    alder = OrganizationFactory(name="Alder House", slug="alder-house", phone="555-0100")
    MembershipFactory(user=user, organization=nonprofit, role=Role.TRAINER)
    MembershipFactory(user=user, organization=nonprofit, role=Role.RESPONDER)
    MembershipFactory(user=user, organization=alder, role=Role.COORDINATOR)
    MembershipFactory(user=user, organization=OrganizationFactory(name="Cedar Hall"), is_active=False)
    MembershipFactory(user=user, organization=OrganizationFactory(name="Dormant", is_active=False))
    api.force_login(user)

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": "mia@example.org",
        "full_name": "Mia Member",
        "preferred_language": "en",
        "is_city_staff": False,
        "mfa_enabled": False,
        "roles": ["coordinator", "responder", "trainer"],
        "memberships": [
            {"organization": _brief(alder), "roles": ["coordinator"]},
            {"organization": _brief(nonprofit), "roles": ["responder", "trainer"]},
        ],
    }


def test_me_city_staff_with_totp(api):
    admin = user_with_role(Role.PROGRAM_ADMIN, email="admin@example.org")
    api.force_login(admin)

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert (body["is_city_staff"], body["mfa_enabled"], body["roles"]) == (True, True, ["program_admin"])


def test_me_city_staff_without_second_factor_gets_403(api):
    api.force_login(user_with_role(Role.PROGRAM_ADMIN, mfa=False))

    response = api.get("/api/v1/me/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "City staff must set up two-factor authentication before using the API.", "errors": {}}


def test_me_anonymous_gets_401_with_the_error_body(api):
    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided.", "errors": {}}
    assert response["WWW-Authenticate"] == "Token"


def test_me_bad_token_gets_401(api):
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION="Token cp_not-a-real-token")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "errors": {}}


# --- organizations -------------------------------------------------------------------------------

def test_organizations_list_is_scoped_to_own(api, coordinator, responder, nonprofit, outsider):
    api.force_login(coordinator)

    response = api.get("/api/v1/organizations/")

    assert response.status_code == 200
    assert response.json() == _page([{**_organization(nonprofit), "member_count": 2}])


def test_organizations_list_program_admin_sees_all(api, nonprofit, other_nonprofit):
    department = CityDepartmentFactory(name="Department of Health")
    inactive = OrganizationFactory(name="Closed Shelter", is_active=False)
    api.force_login(user_with_role(Role.PROGRAM_ADMIN, department))

    response = api.get("/api/v1/organizations/")

    assert response.status_code == 200
    assert [org["name"] for org in response.json()["results"]] == [
        inactive.name, department.name, nonprofit.name, other_nonprofit.name]


def test_organizations_detail_owner_and_peer_see_it(api, coordinator, responder, nonprofit):
    for user in (coordinator, responder):
        api.force_login(user)

        response = api.get(f"/api/v1/organizations/{nonprofit.slug}/")

        assert response.status_code == 200
        assert response.json() == {**_organization(nonprofit), "member_count": 2}


def test_organizations_detail_outsider_gets_404(api, outsider, nonprofit):
    api.force_login(outsider)

    response = api.get(f"/api/v1/organizations/{nonprofit.slug}/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_organizations_members_lists_active_members(api, coordinator, responder, nonprofit):
    gone = MembershipFactory(organization=nonprofit, is_active=False)
    api.force_login(responder)

    response = api.get(f"/api/v1/organizations/{nonprofit.slug}/members/")

    assert response.status_code == 200
    assert response.json() == _page([_membership(coordinator.memberships.get()),
                                      _membership(responder.memberships.get())])
    assert gone.user.email not in str(response.json())


def test_organizations_members_outsider_gets_404(api, outsider, nonprofit):
    api.force_login(outsider)

    response = api.get(f"/api/v1/organizations/{nonprofit.slug}/members/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


# --- invitations ---------------------------------------------------------------------------------

def test_invitations_create_by_coordinator(api, coordinator, nonprofit):
    api.force_login(coordinator)

    with time_machine.travel(NOW, tick=False):
        response = api.post("/api/v1/invitations/", {
            "email": "New.Person@Example.org", "organization": nonprofit.slug, "role": "trainer",
            "full_name": "Nia Newcomer", "message": "Welcome!"})

    assert response.status_code == 201
    invitation = Invitation.objects.get()
    assert response.json() == {
        "id": invitation.pk,
        "email": "new.person@example.org",
        "full_name": "Nia Newcomer",
        "organization": "harbor-outreach",
        "role": "trainer",
        "message": "Welcome!",
        "status": "pending",
        "expires_at": "2026-03-17T11:00:00-04:00",
        "invited_by": "coord@example.org",
        "created_at": "2026-03-10T11:00:00-04:00",
        "accepted_at": None,
        "revoked_at": None,
    }
    assert AuditEvent.objects.filter(action="accounts.invitation.created", actor=coordinator).count() == 1


def test_invitations_create_bad_role_is_a_field_error(api, coordinator, nonprofit):
    api.force_login(coordinator)

    response = api.post("/api/v1/invitations/", {
        "email": "x@example.org", "organization": nonprofit.slug, "role": "overlord"})

    assert response.status_code == 400
    assert response.json() == {"detail": "The request has invalid fields.",
                               "errors": {"role": ['"overlord" is not a valid choice.']}}
    assert Invitation.objects.count() == 0


def test_invitations_create_role_beyond_coordinator_is_a_field_error(api, coordinator, nonprofit):
    api.force_login(coordinator)

    response = api.post("/api/v1/invitations/", {
        "email": "x@example.org", "organization": nonprofit.slug, "role": "program_admin"})

    assert response.status_code == 400
    message = "The role Program admin cannot be held in a Nonprofit."
    assert response.json() == {"detail": message, "errors": {"role": [message]}}
    assert Invitation.objects.count() == 0


def test_invitations_create_other_organization_does_not_exist(api, coordinator, other_nonprofit):
    api.force_login(coordinator)

    response = api.post("/api/v1/invitations/", {
        "email": "x@example.org", "organization": other_nonprofit.slug, "role": "responder"})

    assert response.status_code == 400
    assert response.json() == {"detail": "The request has invalid fields.",
                               "errors": {"organization": ["Object with slug=riverside-care does not exist."]}}
    assert Invitation.objects.count() == 0


def test_invitations_create_existing_member_is_a_field_error(api, coordinator, responder, nonprofit):
    api.force_login(coordinator)

    response = api.post("/api/v1/invitations/", {
        "email": responder.email, "organization": nonprofit.slug, "role": "responder"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"email": ["This person already holds that role in Harbor Outreach."]}


def test_invitations_responder_gets_403(api, responder, nonprofit):
    api.force_login(responder)

    created = api.post("/api/v1/invitations/", {
        "email": "x@example.org", "organization": nonprofit.slug, "role": "responder"})
    listed = api.get("/api/v1/invitations/")

    assert (created.status_code, created.json()) == (403, FORBIDDEN)
    assert (listed.status_code, listed.json()) == (403, FORBIDDEN)
    assert Invitation.objects.count() == 0


def test_invitations_list_is_scoped_to_own_organizations(api, coordinator, nonprofit, outsider, other_nonprofit):
    mine = _invite(coordinator, nonprofit)
    _invite(outsider, other_nonprofit, email="elsewhere@example.org")
    api.force_login(coordinator)

    response = api.get("/api/v1/invitations/")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], [inv["id"] for inv in body["results"]]) == (1, [mine.pk])


def test_invitations_revoke_by_coordinator(api, coordinator, nonprofit):
    invitation = _invite(coordinator, nonprofit)
    api.force_login(coordinator)

    response = api.post(f"/api/v1/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revoked_at"] is not None
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert AuditEvent.objects.filter(action="accounts.invitation.revoked", actor=coordinator).count() == 1


def test_invitations_revoke_twice_is_a_400(api, coordinator, nonprofit):
    invitation = _invite(coordinator, nonprofit)
    api.force_login(coordinator)
    api.post(f"/api/v1/invitations/{invitation.pk}/revoke/")

    response = api.post(f"/api/v1/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 400
    assert response.json() == {"detail": "Only a pending invitation can be withdrawn.", "errors": {}}


def test_invitations_revoke_outsider_gets_404(api, coordinator, nonprofit, outsider):
    invitation = _invite(coordinator, nonprofit)
    api.force_login(outsider)

    response = api.post(f"/api/v1/invitations/{invitation.pk}/revoke/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


# --- memberships ---------------------------------------------------------------------------------

def test_memberships_list_is_scoped_to_own_organizations(api, coordinator, responder, outsider):
    api.force_login(responder)

    response = api.get("/api/v1/memberships/")

    assert response.status_code == 200
    assert response.json() == _page([_membership(coordinator.memberships.get()),
                                      _membership(responder.memberships.get())])


def test_memberships_detail_outsider_gets_404(api, responder, outsider):
    api.force_login(outsider)

    response = api.get(f"/api/v1/memberships/{responder.memberships.get().pk}/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_memberships_deactivate_by_coordinator(api, coordinator, responder):
    membership = responder.memberships.get()
    api.force_login(coordinator)

    response = api.post(f"/api/v1/memberships/{membership.pk}/deactivate/")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    membership.refresh_from_db()
    assert membership.is_active is False


def test_memberships_deactivate_by_peer_responder_gets_403(api, coordinator, responder):
    membership = coordinator.memberships.get()
    api.force_login(responder)

    response = api.post(f"/api/v1/memberships/{membership.pk}/deactivate/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only a program admin or a coordinator of this organization.",
                               "errors": {}}
    assert Membership.objects.get(pk=membership.pk).is_active is True


# --- pagination and query counts -----------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/organizations/", "/api/v1/memberships/", "/api/v1/invitations/",
                                 "/api/v1/organizations/harbor-outreach/members/"])
def test_list_endpoints_are_paginated(api, coordinator, responder, nonprofit, url):
    _invite(coordinator, nonprofit, email="a@example.org")
    _invite(coordinator, nonprofit, email="b@example.org")
    MembershipFactory(user=coordinator, organization=OrganizationFactory(name="Zeta Aid"), role=Role.COORDINATOR)
    api.force_login(coordinator)

    response = api.get(url, {"page_size": 1})

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == (3 if url == "/api/v1/memberships/" else 2)
    assert body["next"] == f"http://testserver{url}?page=2&page_size=1"
    assert body["previous"] is None
    assert len(body["results"]) == 1


def _measure(api, url: str) -> int:
    assert api.get(url).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as context:
        response = api.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _two_more_organizations(coordinator, nonprofit):
    for name in ("Alder House", "Birch Hall"):
        MembershipFactory(user=coordinator, organization=OrganizationFactory(name=name), role=Role.COORDINATOR)


def _two_more_members(coordinator, nonprofit):
    MembershipFactory(organization=nonprofit, invited_by=coordinator)
    MembershipFactory(organization=nonprofit, role=Role.TRAINER, invited_by=UserFactory())


def _two_more_invitations(coordinator, nonprofit):
    _invite(coordinator, nonprofit, email="two@example.org")
    _invite(user_with_role(Role.PROGRAM_ADMIN), nonprofit, email="three@example.org", role=Role.TRAINER)


@pytest.mark.parametrize(("url", "grow"), [
    ("/api/v1/organizations/", _two_more_organizations),
    ("/api/v1/memberships/", _two_more_members),
    ("/api/v1/invitations/", _two_more_invitations),
    ("/api/v1/organizations/harbor-outreach/members/", _two_more_members),
])
def test_list_endpoints_query_count_is_constant(api, coordinator, nonprofit, django_assert_num_queries, url, grow):
    _invite(coordinator, nonprofit, email="one@example.org")
    api.force_login(coordinator)
    queries = _measure(api, url)
    with django_assert_num_queries(queries):
        assert api.get(url).json()["count"] == 1

    grow(coordinator, nonprofit)
    with django_assert_num_queries(queries):
        body = api.get(url).json()
    assert (body["count"], len(body["results"])) == (3, 3)
