"""The world the people of the simulation live in: its random source, its people and their signed-in
browsers, and the scene set at the start (seed_demo's program plus the simulation's own people)."""

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.accounts.models import Organization, User
from apps.accounts.roles import CITY_STAFF_ROLES, Role
from apps.core.errors import ApplicationError

from ..summary import Summary

NONPROFIT_1 = "Neighborhood Peer Response Collective"
NONPROFIT_2 = "Roxbury Community Wellness Partners"
NONPROFIT_3 = "Dorchester Street Outreach Alliance"
CITY_DEPARTMENT = "City Health and Human Services"
SIM_DOMAIN = "sim.crisisprog.org"
RESPONDER_COURSES = ["cpr-first-aid", "mhfa", "de-escalation", "trauma-informed-care", "naloxone-harm-reduction",
                     "privacy-confidentiality", "cultural-humility", "radio-dispatch"]
LEAD_COURSES = [*RESPONDER_COURSES, "cit-foundations"]
FIRST_NAMES = ["Amara", "Bruno", "Chidi", "Dalia", "Emeka", "Fatou", "Gabriel", "Hana", "Ibrahim", "Joelle",
               "Kenji", "Lucia", "Marcus", "Nadia", "Omar", "Paola", "Quentin", "Rosa", "Sione", "Tereza"]
LAST_NAMES = ["Alves", "Baptiste", "Cabral", "Dubois", "Estrada", "Fonseca", "Gomes", "Hoang", "Ibarra",
              "Jean-Louis", "Kowalski", "Lopes", "Mendes", "Nguyen", "Okoro", "Pereira"]


def pdf_upload(name: str = "certificate.pdf") -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@dataclass
class Person:
    user: User
    organization: Organization
    role: str
    renewal: str = "prompt"  # prompt | late | never: how this responder handles an expiring certificate
    reliability: float = 0.95  # chance of checking in to a shift


@dataclass
class World:
    rng: random.Random
    summary: Summary
    users: dict = field(default_factory=dict)            # seed_demo's users by their local part
    organizations: dict = field(default_factory=dict)    # by name
    responders: list[Person] = field(default_factory=list)
    trainers: dict = field(default_factory=dict)         # organization pk -> trainer
    coordinators: dict = field(default_factory=dict)     # organization pk -> coordinator
    evaluators: list = field(default_factory=list)
    residents: list = field(default_factory=list)        # (email, phone) of residents who left contact details
    clients: dict = field(default_factory=dict)          # user pk -> (Client, logged in at)
    swap_tries: set = field(default_factory=set)         # (swap pk, user pk) already tried
    anonymous: Client = field(default_factory=lambda: Client(raise_request_exception=False))
    counter: int = 0

    def next_number(self) -> int:
        self.counter += 1
        return self.counter

    @property
    def now(self) -> datetime:
        return timezone.now()

    # --- doing things -------------------------------------------------------------------------------

    def do(self, action: str, fn: Callable, /, *args, **kwargs):
        """Run one action; count it, or count the refusal, or record the failure."""
        kind = action
        try:
            result = fn(*args, **kwargs)
        except ApplicationError as exc:
            self.summary.refused[f"{kind}: {exc.code or 'refused'}"[:44]] += 1
            return None
        except Exception as exc:  # a defect of the app (or of the simulation): reported, the run goes on
            import traceback

            frame = traceback.extract_tb(exc.__traceback__)[-1]
            self.summary.fail("action", self.now, kind,
                              detail=f"{type(exc).__name__}: {exc} ({frame.filename}:{frame.lineno})")
            return None
        self.summary.act(kind)
        return result

    def client_for(self, user) -> Client:
        """A signed-in browser for this person. Staff sessions lapse after 30 idle minutes, so a
        client not used for a while signs in again (force_login: the second factor is on the account)."""
        entry = self.clients.get(user.pk)
        if entry is None or self.now - entry[1] > timedelta(minutes=20):
            client = entry[0] if entry else Client(raise_request_exception=False)
            client.force_login(user)
            entry = (client, self.now)
        self.clients[user.pk] = (entry[0], self.now)
        return entry[0]

    def http(self, kind: str, user, method: str, path: str, data: dict | None = None, *,
             ok: tuple = (200, 302)) -> int:
        client = self.client_for(user) if user is not None else self.anonymous
        response = getattr(client, method.lower())(path, data or {})
        code = response.status_code
        if code >= 500:
            role = "anonymous" if user is None else user.email
            self.summary.fail("http", self.now, f"{method} {path}", role=role, detail=f"status {code}")
        elif code in ok:
            self.summary.act(f"http {kind}")
        else:
            self.summary.refused[f"http {kind}: {code}"[:44]] += 1
        return code

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


# --- setting the scene -------------------------------------------------------------------------------

def _enable_totp(user) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def _new_user(world: World, local_part: str, full_name: str) -> User:
    from allauth.account.models import EmailAddress

    email = f"{local_part}@{SIM_DOMAIN}"
    user = User.objects.create_user(email=email, password=None, full_name=full_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def random_name(world: World) -> str:
    return f"{world.rng.choice(FIRST_NAMES)} {world.rng.choice(LAST_NAMES)}"


def _initial_records(world: World, person: Person, courses: dict, verifier, *, start: date) -> None:
    from apps.training import services as training

    codes = LEAD_COURSES if person.role == "lead" else RESPONDER_COURSES
    for code in codes:
        course = courses[code]
        # Certificates from earlier years, staggered: the yearly ones fall due during the run.
        completed = start - timedelta(days=world.rng.randint(20, 330))
        record = training.record_submit(by=person.user, responder=person.user, organization=person.organization,
                                        course=course, completed_on=completed, evidence=pdf_upload())
        training.record_verify(record=record, by=verifier)
    hours_days = 13 if person.role == "lead" else 8
    for n in range(hours_days):
        entry = training.field_hours_log(by=person.user, organization=person.organization,
                                         worked_on=start - timedelta(days=40 + n), hours=Decimal("10"),
                                         preceptor=world.trainers[person.organization.pk],
                                         activity="Ride-along with a team lead")
        training.field_hours_sign_off(by=world.trainers[person.organization.pk], entry=entry, approve=True)


def build_world(*, rng: random.Random, summary: Summary, responders_per_org: int = 7) -> World:
    """seed_demo's program plus the simulation's own people: more responders and leads in two
    nonprofits, a trainer for the second one, two more evaluators; second factors for city staff."""
    from apps.accounts.services import membership_grant
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import ShiftTemplate, Team, TeamType
    from apps.training.models import Course

    world = World(rng=rng, summary=summary)
    world.users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.crisisprog.org")}
    world.organizations = {o.name: o for o in Organization.objects.all()}
    city = world.organizations[CITY_DEPARTMENT]
    org1, org2 = world.organizations[NONPROFIT_1], world.organizations[NONPROFIT_2]
    start = timezone.localdate()
    courses = {c.code: c for c in Course.objects.all()}

    world.coordinators = {org1.pk: world.users["coordinator"], org2.pk: world.users["coordinator2"]}
    world.trainers[org1.pk] = world.users["trainer"]
    trainer2 = _new_user(world, "trainer-2", random_name(world))
    membership_grant(by=None, user=trainer2, organization=org2, role=Role.TRAINER)
    world.trainers[org2.pk] = trainer2
    for n in range(2):
        evaluator = _new_user(world, f"evaluator-{n + 2}", random_name(world))
        membership_grant(by=None, user=evaluator, organization=city, role=Role.RFP_EVALUATOR)
        world.evaluators.append(evaluator)
    world.evaluators.insert(0, world.users["evaluator"])

    for org in (org1, org2):
        for n in range(responders_per_org):
            role = "lead" if n < 3 else "responder"
            user = _new_user(world, f"{org.slug[:12]}-{role}-{n}", random_name(world))
            membership_grant(by=None, user=user, organization=org, role=Role.RESPONDER)
            person = Person(user=user, organization=org, role=role,
                            renewal=rng.choices(["prompt", "late", "never"], [6, 3, 1])[0],
                            reliability=rng.choice([0.99, 0.97, 0.93, 0.85]))
            _initial_records(world, person, courses, world.coordinators[org.pk], start=start)
            world.responders.append(person)
    # Riley, seed_demo's cleared responder, works too (never a lead).
    world.responders.append(Person(user=world.users["responder"], organization=org1, role="responder"))

    # The second nonprofit's day team and template; the first nonprofit has seed_demo's two teams.
    if not Team.objects.filter(organization=org2).exists():
        team = scheduling.team_create(by=world.users["coordinator2"], organization=org2,
                                      team_type=TeamType.objects.get(key="community-responder"),
                                      name="Roxbury day team", zones=list(org1.teams.first().zones.all()))
        scheduling.shift_template_create(by=world.users["coordinator2"], team=team, name="Day", start_time=time(8),
                                         end_time=time(16), weekdays=[0, 1, 2, 3, 4, 5], zones=[])
    for template in ShiftTemplate.objects.filter(team__organization__in=[org1, org2]):
        monday = start - timedelta(days=start.weekday())
        scheduling.shift_template_generate(by=world.coordinators[template.team.organization_id], template=template,
                                           start=monday, end=monday + timedelta(days=20))
    for user in User.objects.filter(memberships__role__in=CITY_STAFF_ROLES, memberships__is_active=True).distinct():
        _enable_totp(user)
    for user in User.objects.filter(is_staff=True):
        _enable_totp(user)
    return world

