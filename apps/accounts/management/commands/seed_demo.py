"""Demo data for `make run`: the city's health department, three nonprofits, an evaluation firm,
one user per role and several responders per nonprofit; then each app's seeder gives the program a
past (months of worked shifts, an awarded RFP, held sessions, last month's report) relative to
today. Safe to run again: it finds what exists and resets the demo passwords."""

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.models import Membership, Organization, User
from apps.accounts.roles import CITY_STAFF_ROLES, OrganizationKind, Role
from apps.accounts.services import membership_grant, organization_create
from apps.core.registry import demo_seeders

DEMO_PASSWORD = "crisisprog-demo-2026"
DOMAIN = "demo.crisisprog.org"

ORGANIZATIONS = [
    ("City Health and Human Services", OrganizationKind.CITY_DEPARTMENT),
    ("Neighborhood Peer Response Collective", OrganizationKind.NONPROFIT),
    ("Roxbury Community Wellness Partners", OrganizationKind.NONPROFIT),
    ("Dorchester Street Outreach Alliance", OrganizationKind.NONPROFIT),
    ("Commonwealth Program Evaluation Group", OrganizationKind.EVALUATION_FIRM),
    ("City Emergency Communications Center", OrganizationKind.CITY_DEPARTMENT),
]

# (email local part, full name, organization index, roles)
USERS = [
    ("admin", "Alex Rivera", 0, [Role.PROGRAM_ADMIN]),
    ("procurement", "Pat Okafor", 0, [Role.PROCUREMENT_OFFICER]),
    ("evaluator", "Morgan Lee", 0, [Role.RFP_EVALUATOR]),
    ("moderator", "Sam Nguyen", 0, [Role.MODERATOR]),
    ("coordinator", "Jordan Baptiste", 1, [Role.COORDINATOR]),
    ("trainer", "Casey Fernandes", 1, [Role.TRAINER]),
    ("responder", "Riley Santos", 1, [Role.RESPONDER]),
    ("coordinator2", "Dana Mohamed", 2, [Role.COORDINATOR]),
    ("responder2", "Avery Chen", 2, [Role.RESPONDER]),
    ("coordinator3", "Quinn Pierre", 3, [Role.COORDINATOR]),
    ("program-evaluator", "Taylor Brooks", 4, [Role.PROGRAM_EVALUATOR]),
    ("dispatcher", "Robin Castillo", 5, [Role.DISPATCHER]),
    # The evaluation committee beside Morgan Lee.
    ("evaluator2", "Jamie Walsh", 0, [Role.RFP_EVALUATOR]),
    ("evaluator3", "Priya Raman", 0, [Role.RFP_EVALUATOR]),
    # More responders: team leads and responders of each nonprofit (apps/training/demo.py gives
    # them their records, apps/scheduling/demo.py their shifts).
    ("responder3", "Marisol Reyes", 1, [Role.RESPONDER]),
    ("responder4", "Kwame Asante", 1, [Role.RESPONDER]),
    ("responder5", "Linh Tran", 1, [Role.RESPONDER]),
    ("responder6", "Mateus Silva", 1, [Role.RESPONDER]),
    ("responder7", "Fatima Hassan", 1, [Role.RESPONDER]),
    ("responder8", "Desmond Clarke", 1, [Role.RESPONDER]),
    ("responder9", "Ana Lucía Gómez", 1, [Role.RESPONDER]),
    ("responder10", "Nadia Haddad", 2, [Role.RESPONDER]),
    ("responder11", "Tomás Oliveira", 2, [Role.RESPONDER]),
    ("responder12", "Grace Okonkwo", 2, [Role.RESPONDER]),
    ("responder13", "Hoang Pham", 3, [Role.RESPONDER]),
    ("responder14", "Keisha Williams", 3, [Role.RESPONDER]),
    ("responder15", "Yusuf Abdi", 3, [Role.RESPONDER]),
]


class Command(BaseCommand):
    help = ("Load idempotent demo data (organizations, one user per role, several responders per nonprofit, "
            "and a program that has been running for months) and print the logins.")

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")
        parser.add_argument("--with-totp", action="store_true",
                            help="Give each demo city-staff user an authenticator (a new secret, printed with the "
                                 "logins) so they sign in without setting one up; `make run` does this.")

    @transaction.atomic
    def handle(self, *args, **options):
        # Demo users share a published password: never in a deployment.
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is for local runs and tests only (DEMO_DATA_ALLOWED is off here).")
        organizations = []
        for name, kind in ORGANIZATIONS:
            organization = Organization.objects.filter(name=name).first()
            organizations.append(organization or organization_create(by=None, name=name, kind=kind))
        users = {}
        for local, full_name, org_index, roles in USERS:
            email = f"{local}@{DOMAIN}"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
            else:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if Role.PROGRAM_ADMIN in roles and not user.is_superuser:
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            for role in roles:
                if not Membership.objects.filter(user=user, organization=organizations[org_index], role=role,
                                                 is_active=True).exists():
                    membership_grant(by=None, user=user, organization=organizations[org_index], role=role)
            users[local] = user
            if options["with_totp"] and bool(set(roles) & CITY_STAFF_ROLES):
                demo_totp(user)
        for seeder in demo_seeders():
            seeder(users=users, organizations={o.name: o for o in organizations}, stdout=self.stdout)
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Sign in at {settings.SITE_URL}/accounts/login/"))
        for line in login_lines():
            self.stdout.write(line)


def demo_totp(user: User) -> None:
    """An authenticator for a demo staff user who has none (one set up by hand is kept)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def login_lines() -> list[str]:
    """The demo logins, one line each, with city staff's authenticator secret where they have one from
    `--with-totp` (to add to any authenticator app, or `oathtool --totp -b SECRET`)."""
    lines = [f"Password for every demo user: {DEMO_PASSWORD}"]
    people = {u.email: u for u in User.objects.filter(email__in=[f"{local}@{DOMAIN}" for local, *_ in USERS])}
    secrets = {a.user_id: get_mfa_adapter().decrypt(a.data["secret"])
               for a in Authenticator.objects.filter(user__in=people.values(), type=Authenticator.Type.TOTP)}
    width = max(len(", ".join(str(Role(r).label) for r in roles)) for *_, roles in USERS)
    for local, _full_name, org_index, roles in USERS:
        user = people.get(f"{local}@{DOMAIN}")
        if user is None:
            continue
        role = ", ".join(str(Role(r).label) for r in roles).ljust(width)
        staff = bool(set(roles) & CITY_STAFF_ROLES)
        if not staff:
            note = ""
        elif user.pk in secrets:
            note = f"  authenticator secret {secrets[user.pk]}"
        else:
            note = "  (sets up two-factor authentication at first sign-in)"
        lines.append(f"  {role}  {user.email:<40} {ORGANIZATIONS[org_index][0]}{note}")
    return lines
