import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from apps.accounts.models import Membership, Organization, User
from apps.accounts.roles import OrganizationKind, Role

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    kind = OrganizationKind.NONPROFIT


class CityDepartmentFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"City Department {n}")
    slug = factory.Sequence(lambda n: f"city-department-{n}")
    kind = OrganizationKind.CITY_DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.RESPONDER


def user_with_role(role: str, organization: Organization | None = None, *, mfa: bool | None = None,
                   **user_kwargs) -> User:
    """A user holding `role`; city staff get an authenticator app unless mfa=False."""
    from apps.accounts.roles import CITY_STAFF_ROLES, ROLE_ORGANIZATION_KINDS

    if organization is None:
        kind = sorted(ROLE_ORGANIZATION_KINDS[role])[0]
        organization = OrganizationFactory(kind=kind)
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, organization=organization, role=role)
    if mfa if mfa is not None else role in CITY_STAFF_ROLES:
        enable_totp(user)
    return user


def enable_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


__all__ = ["Authenticator", "CityDepartmentFactory", "DEFAULT_PASSWORD", "MembershipFactory",
           "OrganizationFactory", "UserFactory", "enable_totp", "user_with_role"]
