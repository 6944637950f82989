from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from apps.core.models import TimeStampedModel

from .roles import CITY_STAFF_ROLES, OrganizationKind, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: city staff, nonprofit staff, responders, the evaluator.

    Residents never need one. Login is by email; the address is stored lower-cased and unique.
    """

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # For text-message reminders, only if the person gives it.
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=16, choices=settings.STAFF_LANGUAGES, default="en"
    )
    is_active = models.BooleanField(default=True)
    # Django admin access. The admin is further limited to city staff with MFA (middleware).
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else self.email.split("@")[0])

    @cached_property
    def role_grants(self) -> frozenset[tuple[int, str]]:
        """(organization id, role) for each active membership: one query per user per request."""
        if not self.pk:
            return frozenset()
        return frozenset(
            self.memberships.filter(is_active=True, organization__is_active=True).values_list(
                "organization_id", "role"
            )
        )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(role for _, role in self.role_grants)

    def has_role(self, role: str, organization_id: int | None = None) -> bool:
        if organization_id is None:
            return role in self.role_names
        return (organization_id, role) in self.role_grants

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.role_names & set(roles))

    @property
    def is_city_staff(self) -> bool:
        return bool(self.role_names & CITY_STAFF_ROLES)

    @cached_property
    def mfa_setup_pending(self) -> bool:
        """City staff (or admin users) who have not yet added a second factor."""
        from .permissions import has_mfa, requires_mfa

        return requires_mfa(self) and not has_mfa(self)

    def organization_ids(self, *roles: str) -> set[int]:
        """Organizations where the user holds any of `roles` (any role when none given)."""
        return {org for org, role in self.role_grants if not roles or role in roles}


class Organization(TimeStampedModel):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=OrganizationKind.choices)
    is_active = models.BooleanField(default=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """One role a user holds in one organization. A person with two roles has two rows, which
    keeps "everyone with role R in organization O" a plain indexed filter for every module."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="accounts_membership_unique"),
        ]
        indexes = [models.Index(fields=["organization", "role", "is_active"], name="membership_org_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"


class Invitation(TimeStampedModel):
    """An invitation to hold a role in an organization, sent by email as a signed link.

    The link carries the id and a random nonce, signed with the secret key and timestamped; the
    row's `expires_at` is the deadline the server enforces. Accepting sets `accepted_at` under a
    row lock, so the link works once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField()
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(max_length=32, choices=Role.choices)
    full_name = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True, max_length=2000)
    nonce = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per person, organization and role: re-inviting resends it.
            models.UniqueConstraint(
                Lower("email"), "organization", "role",
                condition=models.Q(status="pending"),
                name="accounts_invitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} at {self.organization}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ApiToken(AbstractAuthToken):
    """A personal API token. Only a hash is stored (knox); the token is shown once, at creation."""

    name = models.CharField(max_length=60)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"
