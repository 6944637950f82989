"""The accounts pages: organizations, members, invitations, profile and API tokens."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.crypto import hash_token

from apps.accounts import services
from apps.accounts.models import ApiToken, Invitation, Membership
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


@pytest.fixture
def nonprofit():
    return OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach")


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
    return user_with_role(Role.COORDINATOR, other_nonprofit, email="outsider@example.org")


def _names(response) -> list[str]:
    return [org.name for org in response.context["page"].object_list]


def _measure(client, url: str) -> int:
    """The query count of one GET, after a warm-up request (session touch, content types)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# --- organizations -------------------------------------------------------------------------------

def test_organization_list_program_admin_sees_all(client, nonprofit, other_nonprofit):
    department = CityDepartmentFactory(name="Department of Health")
    inactive = OrganizationFactory(name="Closed Shelter", is_active=False)
    admin = user_with_role(Role.PROGRAM_ADMIN, department)
    client.force_login(admin)

    response = client.get(reverse("accounts:organization-list"))

    assert response.status_code == 200
    assert _names(response) == [inactive.name, department.name, nonprofit.name, other_nonprofit.name]


def test_organization_list_coordinator_sees_only_own(client, coordinator, nonprofit, other_nonprofit, responder):
    client.force_login(coordinator)

    response = client.get(reverse("accounts:organization-list"))

    assert response.status_code == 200
    assert _names(response) == ["Harbor Outreach"]
    assert response.context["page"].object_list[0].member_count == 2
    assert "Riverside Care" not in response.content.decode()


def test_organization_list_anonymous_redirected_to_login(client):
    url = reverse("accounts:organization-list")

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_organization_list_query_count_is_constant(client, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    url = reverse("accounts:organization-list")
    queries = _measure(client, url)

    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 1

    for name in ("Bayside Aid", "Canal Street Help"):
        organization = OrganizationFactory(name=name)
        MembershipFactory(user=coordinator, organization=organization, role=Role.COORDINATOR)
        MembershipFactory(organization=organization)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert _names(response) == ["Bayside Aid", "Canal Street Help", "Harbor Outreach"]
    assert [org.member_count for org in response.context["page"].object_list] == [2, 2, 1]


def test_organization_detail_owner_sees_members(client, coordinator, responder, nonprofit):
    client.force_login(coordinator)

    response = client.get(reverse("accounts:organization-detail", args=[nonprofit.slug]))

    assert response.status_code == 200
    assert response.context["organization"] == nonprofit
    assert [(m.user.email, m.role) for m in response.context["page"].object_list] == [
        ("coord@example.org", Role.COORDINATOR), ("resp@example.org", Role.RESPONDER)]
    assert response.context["can_manage"] is True
    assert response.context["can_invite"] is True


def test_organization_detail_same_organization_peer_sees_members(client, coordinator, responder, nonprofit):
    client.force_login(responder)

    response = client.get(reverse("accounts:organization-detail", args=[nonprofit.slug]))

    assert response.status_code == 200
    assert [m.user.email for m in response.context["page"].object_list] == ["coord@example.org",
                                                                             "resp@example.org"]
    assert response.context["can_manage"] is False
    assert response.context["can_invite"] is False
    assert reverse("accounts:membership-deactivate", args=[coordinator.memberships.get().pk]) \
        not in response.content.decode()


def test_organization_detail_hides_inactive_members(client, coordinator, responder, nonprofit):
    Membership.objects.filter(user=responder).update(is_active=False)
    client.force_login(coordinator)

    response = client.get(reverse("accounts:organization-detail", args=[nonprofit.slug]))

    assert [m.user.email for m in response.context["page"].object_list] == ["coord@example.org"]


def test_organization_detail_outsider_gets_404(client, outsider, nonprofit):
    client.force_login(outsider)

    response = client.get(reverse("accounts:organization-detail", args=[nonprofit.slug]))

    assert response.status_code == 404


def test_organization_detail_anonymous_redirected_to_login(client, nonprofit):
    url = reverse("accounts:organization-detail", args=[nonprofit.slug])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_organization_detail_query_count_is_constant(client, coordinator, nonprofit, django_assert_num_queries):
    client.force_login(coordinator)
    url = reverse("accounts:organization-detail", args=[nonprofit.slug])
    queries = _measure(client, url)

    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 1

    MembershipFactory(organization=nonprofit, invited_by=coordinator)
    MembershipFactory(organization=nonprofit, role=Role.TRAINER, invited_by=UserFactory())
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 3


# --- membership deactivate -----------------------------------------------------------------------

def test_membership_deactivate_coordinator_of_own_organization(client, coordinator, responder, nonprofit):
    membership = responder.memberships.get()
    client.force_login(coordinator)

    response = client.post(reverse("accounts:membership-deactivate", args=[membership.pk]))

    assert response.status_code == 302
    assert response.url == reverse("accounts:organization-detail", args=[nonprofit.slug])
    membership.refresh_from_db()
    assert membership.is_active is False
    event = AuditEvent.objects.get(action="accounts.membership.deactivated")
    assert (event.actor, event.target_id, event.organization) == (coordinator, str(membership.pk), nonprofit)
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


def test_membership_deactivate_outsider_gets_404(client, outsider, responder):
    membership = responder.memberships.get()
    client.force_login(outsider)

    response = client.post(reverse("accounts:membership-deactivate", args=[membership.pk]))

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.is_active is True
    assert not AuditEvent.objects.filter(action="accounts.membership.deactivated").exists()


def test_membership_deactivate_responder_of_same_organization_gets_403(client, coordinator, responder):
    membership = coordinator.memberships.get()
    client.force_login(responder)

    response = client.post(reverse("accounts:membership-deactivate", args=[membership.pk]))

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.is_active is True


def test_membership_deactivate_own_coordinator_role_refused(client, coordinator):
    membership = coordinator.memberships.get()
    client.force_login(coordinator)

    response = client.post(reverse("accounts:membership-deactivate", args=[membership.pk]), follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "You cannot remove your own administrative role; ask another admin."]
    membership.refresh_from_db()
    assert membership.is_active is True


def test_membership_deactivate_refuses_get(client, coordinator, responder):
    client.force_login(coordinator)

    response = client.get(reverse("accounts:membership-deactivate", args=[responder.memberships.get().pk]))

    assert response.status_code == 405


# --- invitations page ----------------------------------------------------------------------------

def _invitation(organization, by, email="invitee@example.org", role=Role.RESPONDER) -> Invitation:
    return services.invitation_create(by=by, email=email, organization=organization, role=role)


def test_invitation_list_coordinator_sees_own_organization_only(client, coordinator, nonprofit, outsider,
                                                                other_nonprofit):
    mine = _invitation(nonprofit, coordinator)
    _invitation(other_nonprofit, outsider, email="elsewhere@example.org")
    client.force_login(coordinator)

    response = client.get(reverse("accounts:invitation-list"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    form = response.context["form"]
    assert list(form.fields["organization"].queryset) == [nonprofit]
    assert [value for value, _ in form.fields["role"].choices] == [Role.COORDINATOR, Role.TRAINER, Role.RESPONDER]
    assert "elsewhere@example.org" not in response.content.decode()


def test_invitation_list_responder_gets_403(client, responder):
    client.force_login(responder)

    response = client.get(reverse("accounts:invitation-list"))

    assert response.status_code == 403


def test_invitation_list_post_creates_invitation(client, coordinator, nonprofit):
    client.force_login(coordinator)

    response = client.post(reverse("accounts:invitation-list"), {
        "email": "New.Person@Example.org", "full_name": "Nia", "organization": nonprofit.pk,
        "role": Role.TRAINER, "message": "Welcome",
    })

    assert response.status_code == 302
    assert response.url == reverse("accounts:invitation-list")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.full_name, invitation.organization, invitation.role,
            invitation.message, invitation.invited_by, invitation.status) == (
        "new.person@example.org", "Nia", nonprofit, Role.TRAINER, "Welcome", coordinator, "pending")
    assert AuditEvent.objects.filter(action="accounts.invitation.created", target_id=str(invitation.pk)).count() == 1


def test_invitation_list_post_bad_email_shows_field_error(client, coordinator, nonprofit):
    client.force_login(coordinator)

    response = client.post(reverse("accounts:invitation-list"), {
        "email": "not-an-email", "organization": nonprofit.pk, "role": Role.RESPONDER})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert 'id="id_email_error"' in response.content.decode()
    assert Invitation.objects.count() == 0


def test_invitation_list_post_role_outside_the_choices_is_a_field_error(client, coordinator, nonprofit):
    client.force_login(coordinator)

    response = client.post(reverse("accounts:invitation-list"), {
        "email": "x@example.org", "organization": nonprofit.pk, "role": Role.PROGRAM_ADMIN})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["Select a valid choice. program_admin is not one of the available choices."]}
    assert Invitation.objects.count() == 0


def test_invitation_list_post_service_refusal_ties_to_the_field(client, coordinator, responder, nonprofit):
    client.force_login(coordinator)

    response = client.post(reverse("accounts:invitation-list"), {
        "email": responder.email, "organization": nonprofit.pk, "role": Role.RESPONDER})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["This person already holds that role in Harbor Outreach."]}
    assert Invitation.objects.count() == 0


def test_invitation_list_post_other_organization_is_a_field_error(client, coordinator, other_nonprofit):
    client.force_login(coordinator)

    response = client.post(reverse("accounts:invitation-list"), {
        "email": "x@example.org", "organization": other_nonprofit.pk, "role": Role.RESPONDER})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organization"]
    assert Invitation.objects.count() == 0


def test_invitation_list_query_count_is_constant(client, coordinator, nonprofit, django_assert_num_queries):
    _invitation(nonprofit, coordinator, email="one@example.org")
    client.force_login(coordinator)
    url = reverse("accounts:invitation-list")
    queries = _measure(client, url)

    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 1

    _invitation(nonprofit, coordinator, email="two@example.org", role=Role.TRAINER)
    _invitation(nonprofit, user_with_role(Role.PROGRAM_ADMIN), email="three@example.org")
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 3


def test_invitation_revoke_page_coordinator_withdraws(client, coordinator, nonprofit):
    invitation = _invitation(nonprofit, coordinator)
    client.force_login(coordinator)

    response = client.post(reverse("accounts:invitation-revoke", args=[invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED


def test_invitation_revoke_page_outsider_gets_404(client, coordinator, outsider, nonprofit):
    invitation = _invitation(nonprofit, coordinator)
    client.force_login(outsider)

    response = client.post(reverse("accounts:invitation-revoke", args=[invitation.pk]))

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


# --- profile -------------------------------------------------------------------------------------

def test_profile_saves_name_and_language(client, responder):
    client.force_login(responder)

    response = client.post(reverse("accounts:profile"), {"full_name": "  Ray Mendes ", "preferred_language": "es",
                                                         "phone": "+1 617 555 0100"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    responder.refresh_from_db()
    assert (responder.full_name, responder.preferred_language, responder.phone) == (
        "Ray Mendes", "es", "+1 617 555 0100")
    event = AuditEvent.objects.get(action="accounts.user.profile_updated")
    # The audit log records that a phone number was given, never the number itself.
    assert (event.actor, event.before, event.after) == (
        responder, {"full_name": "Ray Sponder", "preferred_language": "en", "phone_set": False},
        {"full_name": "Ray Mendes", "preferred_language": "es", "phone_set": True})


def test_profile_refuses_a_malformed_phone(client, responder):
    client.force_login(responder)
    response = client.post(reverse("accounts:profile"), {"full_name": "Ray", "preferred_language": "en",
                                                         "phone": "call me maybe"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"phone": ["Enter a phone number with digits, e.g. +1 617 555 0100."]}


def test_profile_refuses_an_unknown_language(client, responder):
    client.force_login(responder)

    response = client.post(reverse("accounts:profile"), {"full_name": "Ray", "preferred_language": "xx"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "preferred_language": ["Select a valid choice. xx is not one of the available choices."]}
    responder.refresh_from_db()
    assert (responder.full_name, responder.preferred_language) == ("Ray Sponder", "en")


def test_profile_lists_own_roles(client, responder):
    client.force_login(responder)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert [(m.organization.name, m.role) for m in response.context["memberships"]] == [
        ("Harbor Outreach", Role.RESPONDER)]


# --- API tokens ----------------------------------------------------------------------------------

def test_api_token_create_shows_it_once_and_stores_only_its_hash(client, responder):
    client.force_login(responder)
    url = reverse("accounts:api-token-list")

    response = client.post(url, {"name": " nightly export "})

    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("cp_")
    assert raw in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (responder, "nightly export")
    assert token.digest == hash_token(raw)
    assert token.token_key == raw[:len(token.token_key)]
    columns = [field.attname for field in ApiToken._meta.concrete_fields]
    assert raw not in [str(value) for value in ApiToken.objects.values_list(*columns).get()]
    assert raw not in client.get(url).content.decode()
    event = AuditEvent.objects.get(action="accounts.api_token.created")
    assert event.after == {"token": token.token_key, "name": "nightly export"}
    assert raw not in str(event.after)


def test_api_token_authenticates_the_api(client, responder):
    client.force_login(responder)
    raw = client.post(reverse("accounts:api-token-list"), {"name": "script"}).context["new_token"]

    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {raw}")

    assert response.status_code == 200
    assert response.json()["email"] == "resp@example.org"
    assert ApiToken.objects.get().last_used_at is not None


def test_api_token_revoke_deletes_it(client, responder):
    client.force_login(responder)
    raw = client.post(reverse("accounts:api-token-list"), {"name": "script"}).context["new_token"]
    token = ApiToken.objects.get()

    response = client.post(reverse("accounts:api-token-revoke", args=[token.token_key]))

    assert response.status_code == 302
    assert response.url == reverse("accounts:api-token-list")
    assert ApiToken.objects.count() == 0
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401
    event = AuditEvent.objects.get(action="accounts.api_token.revoked")
    assert event.before == {"token": token.token_key, "name": "script"}


def test_api_token_revoke_someone_elses_gets_404(client, responder, coordinator):
    client.force_login(coordinator)
    client.post(reverse("accounts:api-token-list"), {"name": "mine"})
    token = ApiToken.objects.get()
    client.force_login(responder)

    response = client.post(reverse("accounts:api-token-revoke", args=[token.token_key]))

    assert response.status_code == 404
    assert ApiToken.objects.count() == 1


def test_api_token_list_shows_only_own_tokens(client, responder, coordinator):
    ApiToken.objects.create(user=coordinator, name="coordinator-token")
    ApiToken.objects.create(user=responder, name="responder-token")
    client.force_login(responder)

    response = client.get(reverse("accounts:api-token-list"))

    assert [t.name for t in response.context["tokens"]] == ["responder-token"]


def test_city_staff_pages_need_no_extra_step_with_totp(client):
    admin = user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory())
    client.force_login(admin)

    assert client.get(reverse("accounts:organization-list")).status_code == 200
