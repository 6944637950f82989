"""Demo data for `make run`: the city's health department, three nonprofits, an evaluation firm,
one user per role and several responders per nonprofit; then each app's seeder gives the program a
past (months of worked shifts, an awarded RFP, held sessions, last month's report) relative to
today. Safe to run again: it finds what exists and resets the demo passwords."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
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

    @transaction.atomic
    def handle(self, *args, **options):
        organizations = []
        for name, kind in ORGANIZATIONS:
            organization = Organization.objects.filter(name=name).first()
            organizations.append(organization or organization_create(by=None, name=name, kind=kind))
        rows = []
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
            rows.append((", ".join(str(Role(r).label) for r in roles), email, organizations[org_index].name,
                         bool(set(roles) & CITY_STAFF_ROLES)))
        for seeder in demo_seeders():
            seeder(users=users, organizations={o.name: o for o in organizations}, stdout=self.stdout)
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/accounts/login/"))
        self.stdout.write(f"Password for every demo user: {DEMO_PASSWORD}")
        width = max(len(r[0]) for r in rows)
        for role, email, org, staff in rows:
            note = "  (sets up two-factor authentication at first sign-in)" if staff else ""
            self.stdout.write(f"  {role.ljust(width)}  {email:<40} {org}{note}")
