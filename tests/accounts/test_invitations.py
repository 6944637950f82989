"""The invitation lifecycle: invite (services), the emailed link, and the accept page."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import Invitation, Membership, User
from apps.accounts.roles import OrganizationKind, Role
from apps.core.audit import verify_chain
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from tests.factories import (
    CityDepartmentFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

INVITEE = "new.person@example.org"
NEW_PASSWORD = "violet-kettle-harbor-71"
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def nonprofit():
    return OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach")


@pytest.fixture
def coordinator(nonprofit):
    return user_with_role(Role.COORDINATOR, nonprofit, email="coord@example.org", full_name="Cora Ordin")


@pytest.fixture
def admin():
    return user_with_role(Role.PROGRAM_ADMIN, email="admin@example.org", full_name="Ada Admin")


def _invite(by, organization, *, email=INVITEE, role=Role.RESPONDER, **kwargs) -> Invitation:
    return services.invitation_create(by=by, email=email, organization=organization, role=role, **kwargs)


def _accept_url(invitation: Invitation) -> str:
    return reverse("accounts:invitation-accept", args=[services.invitation_token(invitation=invitation)])


def _actions(target) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(target.pk), target_type__model=target._meta.model_name)
        .order_by("id").values_list("action", flat=True)
    )


def _signup(client, url, *, password=NEW_PASSWORD, full_name="Nia Newcomer", **kwargs):
    return client.post(url, {"full_name": full_name, "password1": password, "password2": password}, **kwargs)


# --- inviting ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrganizationKind.NONPROFIT, Role.RESPONDER),
        (OrganizationKind.NONPROFIT, Role.COORDINATOR),
        (OrganizationKind.CITY_DEPARTMENT, Role.MODERATOR),
        (OrganizationKind.CITY_DEPARTMENT, Role.TRAINER),
        (OrganizationKind.EVALUATION_FIRM, Role.PROGRAM_EVALUATOR),
    ],
)
def test_invitation_create_program_admin_invites_into_any_organization(admin, frozen, kind, role):
    organization = OrganizationFactory(kind=kind)

    invitation = _invite(admin, organization, email="  New.Person@Example.ORG ", role=role, full_name=" Nia ",
                         message=" Welcome aboard ")

    invitation.refresh_from_db()
    assert invitation.email == INVITEE
    assert invitation.organization == organization
    assert invitation.role == role
    assert invitation.full_name == "Nia"
    assert invitation.message == "Welcome aboard"
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.invited_by == admin
    assert invitation.expires_at == NOW + timedelta(days=7)
    event = AuditEvent.objects.get(action="accounts.invitation.created")
    assert event.actor == admin
    assert event.target_id == str(invitation.pk)
    assert event.organization == organization
    assert event.after == {"email": INVITEE, "role": role, "expires_at": (NOW + timedelta(days=7)).isoformat()}


@pytest.mark.parametrize("role", [Role.RESPONDER, Role.TRAINER, Role.COORDINATOR])
def test_invitation_create_coordinator_invites_into_own_nonprofit(coordinator, nonprofit, role):
    invitation = _invite(coordinator, nonprofit, role=role)

    assert (invitation.organization, invitation.role, invitation.invited_by) == (nonprofit, role, coordinator)
    assert invitation.status == Invitation.Status.PENDING
    assert _actions(invitation) == ["accounts.invitation.created"]


def test_invitation_create_coordinator_refused_for_another_organization(coordinator):
    other = OrganizationFactory(name="Other Nonprofit")

    with pytest.raises(ApplicationError) as exc_info:
        _invite(coordinator, other)

    assert exc_info.value.field == "role"
    assert exc_info.value.message == "You cannot invite people to this role in Other Nonprofit."
    assert Invitation.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="accounts.invitation").count() == 0


@pytest.mark.parametrize("role", [Role.PROGRAM_ADMIN, Role.MODERATOR])
def test_invitation_create_coordinator_refused_for_city_roles(coordinator, nonprofit, role):
    with pytest.raises(ApplicationError) as exc_info:
        _invite(coordinator, nonprofit, role=role)

    assert exc_info.value.field == "role"
    assert Invitation.objects.count() == 0


def test_invitation_create_refuses_a_role_the_organization_kind_cannot_hold(admin):
    department = CityDepartmentFactory(name="Department of Health")

    with pytest.raises(ApplicationError) as exc_info:
        _invite(admin, department, role=Role.RESPONDER)

    assert exc_info.value.field == "role"
    assert exc_info.value.message == "The role Responder cannot be held in a City department."
    assert Invitation.objects.count() == 0


def test_invitation_create_refuses_an_unknown_role(admin, nonprofit):
    with pytest.raises(ApplicationError) as exc_info:
        _invite(admin, nonprofit, role="overlord")

    assert (exc_info.value.field, exc_info.value.message) == ("role", "Choose one of the listed roles.")


def test_invitation_create_refuses_someone_already_holding_the_role(coordinator, nonprofit):
    MembershipFactory(user=UserFactory(email=INVITEE), organization=nonprofit, role=Role.RESPONDER)

    with pytest.raises(ApplicationError) as exc_info:
        _invite(coordinator, nonprofit, email="NEW.person@example.org")

    assert exc_info.value.field == "email"
    assert exc_info.value.message == "This person already holds that role in Harbor Outreach."
    assert Invitation.objects.count() == 0


def test_invitation_create_allows_a_member_a_second_role(coordinator, nonprofit):
    MembershipFactory(user=UserFactory(email=INVITEE), organization=nonprofit, role=Role.RESPONDER)

    invitation = _invite(coordinator, nonprofit, role=Role.TRAINER)

    assert invitation.role == Role.TRAINER


def test_invitation_create_reinvite_renews_the_pending_one_and_retires_the_old_link(coordinator, nonprofit, client):
    with time_machine.travel(NOW, tick=False):
        first = _invite(coordinator, nonprofit)
        old_token = services.invitation_token(invitation=first)
        old_url = _accept_url(first)
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        again = _invite(coordinator, nonprofit, email="New.Person@example.org")

        assert again.pk == first.pk
        assert Invitation.objects.count() == 1
        again.refresh_from_db()
        assert again.expires_at == NOW + timedelta(days=10)
        assert again.nonce != first.nonce
        assert again.status == Invitation.Status.PENDING
        with pytest.raises(ApplicationError) as exc_info:
            services.invitation_from_token(token=old_token)
        assert exc_info.value.code == "invalid"
        assert exc_info.value.message == "This invitation link is no longer valid. A newer one may have been sent."
        assert client.get(old_url).status_code == 404
        assert client.get(_accept_url(again)).status_code == 200
    assert _actions(first) == ["accounts.invitation.created", "accounts.invitation.resent"]


def test_invitation_create_queues_the_email_after_commit(coordinator, nonprofit, frozen,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation = _invite(coordinator, nonprofit, message="See you Tuesday.")
        assert mail.outbox == []  # nothing leaves before the invitation is committed

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    url = settings.SITE_URL + _accept_url(invitation)
    assert sent.to == [INVITEE]
    assert sent.subject == "You are invited to join Harbor Outreach on crisisprog"
    assert url in sent.body
    assert "Cora Ordin invited you to join Harbor Outreach as Responder" in sent.body
    assert "See you Tuesday." in sent.body
    assert f'href="{url}"' in sent.alternatives[0][0]


def test_invitation_create_reinvite_sends_the_new_link(coordinator, nonprofit,
                                                       django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        first = _invite(coordinator, nonprofit)
        old_url = settings.SITE_URL + _accept_url(first)
    with time_machine.travel(NOW + timedelta(days=1), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        again = _invite(coordinator, nonprofit)
        new_url = settings.SITE_URL + _accept_url(again)

    assert len(mail.outbox) == 1
    assert new_url in mail.outbox[0].body
    assert old_url not in mail.outbox[0].body


# --- accepting -----------------------------------------------------------------------------------

def test_invitation_accept_page_shows_the_signup_form(coordinator, nonprofit, client):
    invitation = _invite(coordinator, nonprofit, full_name="Nia Newcomer")

    response = client.get(_accept_url(invitation))

    assert response.status_code == 200
    assert response.context["form"].initial == {"full_name": "Nia Newcomer"}
    assert response.context["needs_sign_in"] is False
    assert "Cora Ordin invited you to join Harbor Outreach as Responder." in response.content.decode()


def test_invitation_accept_new_person_gets_account_membership_and_session(coordinator, nonprofit, client):
    coordinator.preferred_language = "es"
    coordinator.save(update_fields=["preferred_language"])
    invitation = _invite(coordinator, nonprofit)

    response = _signup(client, _accept_url(invitation), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("core:dashboard"), 302)]
    assert response.templates[0].name == "core/dashboard.html"
    user = User.objects.get(email=INVITEE)
    assert response.wsgi_request.user == user
    assert (user.full_name, user.preferred_language, user.is_active) == ("Nia Newcomer", "es", True)
    assert user.check_password(NEW_PASSWORD)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        (INVITEE, True, True)]
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.is_active, membership.invited_by) == (
        nonprofit, Role.RESPONDER, True, coordinator)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, user)
    assert invitation.accepted_at is not None
    assert "Welcome. You are now Responder at Harbor Outreach." in response.content.decode()
    assert _actions(user) == ["accounts.user.created"]
    assert _actions(membership) == ["accounts.membership.granted"]
    assert _actions(invitation) == ["accounts.invitation.created", "accounts.invitation.accepted"]
    assert AuditEvent.objects.get(action="accounts.invitation.accepted").actor == user
    assert verify_chain()[1] is None


def test_invitation_accept_uses_the_invited_name_when_none_given(coordinator, nonprofit):
    invitation = _invite(coordinator, nonprofit, full_name="Nia From Invite")

    user = services.invitation_accept(invitation=invitation, full_name="  ", password=NEW_PASSWORD)

    assert user.full_name == "Nia From Invite"


def test_invitation_accept_signed_in_invitee_joins(coordinator, nonprofit, client):
    existing = user_with_role(Role.RESPONDER, OrganizationFactory(), email=INVITEE)
    invitation = _invite(coordinator, nonprofit, role=Role.TRAINER)
    client.force_login(existing)

    response = client.post(_accept_url(invitation))

    assert response.status_code == 302
    assert response.url == reverse("core:dashboard")
    assert Membership.objects.filter(user=existing, organization=nonprofit, role=Role.TRAINER,
                                     is_active=True).count() == 1
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, existing)
    assert User.objects.filter(email=INVITEE).count() == 1


def test_invitation_accept_reused_link_is_gone(coordinator, nonprofit, client):
    invitation = _invite(coordinator, nonprofit)
    url = _accept_url(invitation)
    assert _signup(client, url).status_code == 302
    client.logout()

    page = client.get(url)
    second = _signup(client, url, password="another-strong-passphrase")

    assert page.status_code == 410
    assert second.status_code == 410
    assert "This invitation has already been used. Sign in instead." in second.content.decode()
    assert Membership.objects.filter(user__email=INVITEE).count() == 1
    assert User.objects.filter(email=INVITEE).count() == 1
    assert User.objects.get(email=INVITEE).check_password(NEW_PASSWORD)


def test_invitation_accept_service_refuses_a_second_accept(coordinator, nonprofit):
    invitation = _invite(coordinator, nonprofit)
    user = services.invitation_accept(invitation=invitation, full_name="Nia", password=NEW_PASSWORD)

    with pytest.raises(ApplicationError) as exc_info:
        services.invitation_accept(invitation=invitation, user=user)

    assert exc_info.value.code == "used"
    assert Membership.objects.filter(user=user).count() == 1


def test_invitation_accept_expired_link_is_gone(coordinator, nonprofit, client):
    with time_machine.travel(NOW, tick=False):
        invitation = _invite(coordinator, nonprofit)
        url = _accept_url(invitation)

    with time_machine.travel(NOW + timedelta(days=7, minutes=1), tick=False):
        response = _signup(client, url)

    assert response.status_code == 410
    assert "This invitation link has expired. Ask for a new invitation." in response.content.decode()
    assert not User.objects.filter(email=INVITEE).exists()
    assert Membership.objects.count() == 1  # the coordinator's own


def test_invitation_accept_link_just_before_expiry_works(coordinator, nonprofit, client):
    with time_machine.travel(NOW, tick=False):
        invitation = _invite(coordinator, nonprofit)
        url = _accept_url(invitation)

    with time_machine.travel(NOW + timedelta(days=6, hours=23), tick=False):
        response = client.get(url)

    assert response.status_code == 200


def test_invitation_accept_expired_by_the_task_is_gone(coordinator, nonprofit, client):
    with time_machine.travel(NOW, tick=False):
        invitation = _invite(coordinator, nonprofit)
        url = _accept_url(invitation)
    with time_machine.travel(NOW + timedelta(days=7, seconds=1), tick=False):
        services.invitation_expire_due()
    # Back inside the signature's lifetime: the row's status alone must refuse it.
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        response = client.get(url)

    assert response.status_code == 410
    assert "This invitation link has expired. Ask for a new invitation." in response.content.decode()


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"), lambda t: "garbage"])
def test_invitation_accept_tampered_token_is_not_found(coordinator, nonprofit, client, mangle):
    invitation = _invite(coordinator, nonprofit)
    token = mangle(services.invitation_token(invitation=invitation))

    response = client.get(reverse("accounts:invitation-accept", args=[token]))

    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


def test_invitation_accept_revoked_link_is_gone(coordinator, nonprofit, client):
    invitation = _invite(coordinator, nonprofit)
    services.invitation_revoke(by=coordinator, invitation=invitation)

    response = _signup(client, _accept_url(invitation))

    assert response.status_code == 410
    assert "This invitation was withdrawn." in response.content.decode()
    assert not User.objects.filter(email=INVITEE).exists()
    assert _actions(invitation) == ["accounts.invitation.created", "accounts.invitation.revoked"]
    event = AuditEvent.objects.get(action="accounts.invitation.revoked")
    assert (event.actor, event.before, event.after) == (coordinator, {"status": "pending"}, {"status": "revoked"})


def test_invitation_revoke_refuses_a_non_pending_one(coordinator, nonprofit):
    invitation = _invite(coordinator, nonprofit)
    services.invitation_revoke(by=coordinator, invitation=invitation)

    with pytest.raises(ApplicationError) as exc_info:
        services.invitation_revoke(by=coordinator, invitation=invitation)

    assert exc_info.value.message == "Only a pending invitation can be withdrawn."


def test_invitation_revoke_refuses_a_coordinator_of_another_organization(coordinator, nonprofit):
    invitation = _invite(coordinator, nonprofit)
    stranger = user_with_role(Role.COORDINATOR, OrganizationFactory())

    with pytest.raises(ApplicationError):
        services.invitation_revoke(by=stranger, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invitation_accept_signed_in_as_someone_else_shows_the_error(coordinator, nonprofit, client):
    invitation = _invite(coordinator, nonprofit)
    other = user_with_role(Role.RESPONDER, OrganizationFactory(), email="someone.else@example.org")
    client.force_login(other)
    url = _accept_url(invitation)

    page = client.get(url)
    response = client.post(url)

    assert page.status_code == 200
    assert ("This invitation is for new.person@example.org, but you are signed in as someone.else@example.org."
            in page.content.decode())
    assert response.status_code == 200
    assert response.context["error"] == (
        "This invitation is for new.person@example.org. Sign out and open the link again.")
    assert response.context["error"] in response.content.decode()
    assert not Membership.objects.filter(organization=nonprofit, user=other).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invitation_accept_existing_account_must_sign_in(coordinator, nonprofit, client):
    existing = UserFactory(email=INVITEE)
    invitation = _invite(coordinator, nonprofit)
    url = _accept_url(invitation)

    page = client.get(url)
    posted = _signup(client, url)

    assert page.status_code == 200
    assert page.context["needs_sign_in"] is True
    assert page.context["form"] is None
    assert page.context["login_url"] == f"{reverse('account_login')}?{urlencode({'next': url})}"
    assert "An account for new.person@example.org exists already. Sign in to accept." in page.content.decode()
    assert posted.status_code == 200
    assert not Membership.objects.filter(user=existing).exists()
    assert not User.objects.get(pk=existing.pk).check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invitation_accept_weak_password_is_a_field_error(coordinator, nonprofit, client):
    invitation = _invite(coordinator, nonprofit)

    response = _signup(client, _accept_url(invitation), password="12345")

    assert response.status_code == 200
    assert response.context["form"].errors == {"password1": [
        "This password is too short. It must contain at least 10 characters. This password is too common. "
        "This password is entirely numeric."
    ]}
    assert not User.objects.filter(email=INVITEE).exists()
    assert Membership.objects.filter(organization=nonprofit).count() == 1  # the coordinator's own
    assert not AuditEvent.objects.filter(action__in=["accounts.user.created", "accounts.invitation.accepted"]).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invitation_accept_mismatched_passwords_is_a_field_error(coordinator, nonprofit, client):
    invitation = _invite(coordinator, nonprofit)

    response = client.post(_accept_url(invitation), {
        "full_name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": ["The two passwords differ."]}
    assert not User.objects.filter(email=INVITEE).exists()


# --- expiry task ---------------------------------------------------------------------------------

def test_invitation_expire_due_marks_past_due_pending_ones_expired(coordinator, nonprofit):
    with time_machine.travel(NOW, tick=False):
        due = _invite(coordinator, nonprofit, email="due@example.org")
        revoked = _invite(coordinator, nonprofit, email="revoked@example.org")
        services.invitation_revoke(by=coordinator, invitation=revoked)
    with time_machine.travel(NOW + timedelta(days=5), tick=False):
        current = _invite(coordinator, nonprofit, email="current@example.org")

    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        assert services.invitation_expire_due() == 1
        assert services.invitation_expire_due() == 0  # running twice is harmless

    statuses = dict(Invitation.objects.values_list("email", "status"))
    assert statuses == {"due@example.org": "expired", "revoked@example.org": "revoked",
                        "current@example.org": "pending"}
    event = AuditEvent.objects.get(action="accounts.invitation.expired")
    assert (event.actor, event.actor_label, event.target_id, event.organization) == (
        None, "system", str(due.pk), nonprofit)
    assert current.status == Invitation.Status.PENDING


def test_invitation_create_after_expiry_makes_a_fresh_one(coordinator, nonprofit):
    with time_machine.travel(NOW, tick=False):
        old = _invite(coordinator, nonprofit)
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        services.invitation_expire_due()
        fresh = _invite(coordinator, nonprofit)

    assert fresh.pk != old.pk
    assert dict(Invitation.objects.values_list("pk", "status")) == {old.pk: "expired", fresh.pk: "pending"}
