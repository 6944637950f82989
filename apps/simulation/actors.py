"""The people of the simulation and what they do, through the services and (for a good share) the
HTTP views, like a user would. Every choice comes from one random.Random(seed): a run is reproducible.

A service that refuses (ApplicationError) is normal life — a responder not eligible for a place, a
full class — and is counted as refused, not as a failure. Anything else raised is a failure.
"""

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organization, User
from apps.accounts.roles import CITY_STAFF_ROLES, Role
from apps.core.errors import ApplicationError

from .clock import local, local_day
from .summary import Summary

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
FEEDBACK = [
    ("en", "We want a better police response, not no police response."),
    ("en", "Send someone who knows the block and speaks Haitian Creole."),
    ("es", "Necesitamos respuesta de noche, no solo en horario de oficina."),
    ("en", "The responders who came to my building were calm and kind."),
    ("es", "Queremos personas del barrio en los equipos."),
    ("en", "Please publish how many calls the teams take each month."),
]
CRISIS_TEXT = ["Some nights I want to end my life and nobody answers.", "A veces no quiero vivir, ayuda."]


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


def _name(world: World) -> str:
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
    trainer2 = _new_user(world, "trainer-2", _name(world))
    membership_grant(by=None, user=trainer2, organization=org2, role=Role.TRAINER)
    world.trainers[org2.pk] = trainer2
    for n in range(2):
        evaluator = _new_user(world, f"evaluator-{n + 2}", _name(world))
        membership_grant(by=None, user=evaluator, organization=city, role=Role.RFP_EVALUATOR)
        world.evaluators.append(evaluator)
    world.evaluators.insert(0, world.users["evaluator"])

    for org in (org1, org2):
        for n in range(responders_per_org):
            role = "lead" if n < 3 else "responder"
            user = _new_user(world, f"{org.slug[:12]}-{role}-{n}", _name(world))
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


# --- accounts and reports ----------------------------------------------------------------------------

def subscribe_to_monthly_report(world: World) -> None:
    path = reverse("reports:subscription-set", args=["program_monthly"])
    world.http("report subscribe", world.users["admin"], "POST", path, {"active": "1"})


def invitations(world: World) -> None:
    """Now and then a coordinator invites a new responder; most accept within days, some never."""
    from apps.accounts.models import Invitation
    from apps.accounts.services import invitation_accept, invitation_create

    org = world.organizations[NONPROFIT_1]
    if world.chance(0.08):
        n = world.next_number()
        world.do("accounts.invitation_create", invitation_create, by=world.coordinators[org.pk],
                 email=f"invitee-{n}@{SIM_DOMAIN}", organization=org, role=Role.RESPONDER, full_name=_name(world))
    for invitation in Invitation.objects.filter(status=Invitation.Status.PENDING, email__endswith=SIM_DOMAIN,
                                                created_at__lt=world.now - timedelta(days=2)):
        if invitation.pk % 3 == 0:
            continue  # never answered: beat expires it
        world.do("accounts.invitation_accept", invitation_accept, invitation=invitation, full_name=invitation.full_name
                 or "New Responder", password="simulated-password-1234")


# --- scheduling -------------------------------------------------------------------------------------

def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_schedule(world: World) -> None:
    """Mondays: each coordinator generates the week three weeks ahead from the templates and
    publishes next week (the publish through the page)."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import ShiftTemplate, Team

    today = local_day(world.now)
    monday = monday_of(today)
    for template in ShiftTemplate.objects.filter(team__organization_id__in=world.coordinators, is_active=True):
        coordinator = world.coordinators[template.team.organization_id]
        world.do("scheduling.shift_template_generate", scheduling.shift_template_generate, by=coordinator,
                 template=template, start=monday + timedelta(days=14), end=monday + timedelta(days=20))
    for team in Team.objects.filter(organization_id__in=world.coordinators):
        coordinator = world.coordinators[team.organization_id]
        for week in (monday, monday + timedelta(days=7)):
            world.http("scheduling.week_publish", coordinator, "POST", reverse("scheduling:week-publish"),
                       {"team": team.pk, "week": week.isoformat()})


def _open_positions(world: World, organization_id: int, *, within: timedelta):
    from django.db.models import Count, F, Q

    from apps.scheduling.models import Assignment, Position, Shift

    return list(Position.objects.filter(shift__organization_id=organization_id, shift__status=Shift.Status.PUBLISHED,
                                        shift__starts_at__gt=world.now, shift__starts_at__lte=world.now + within)
                .annotate(filled=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE)))
                .filter(filled__lt=F("count")).select_related("shift").order_by("shift__starts_at", "pk"))


def _busy(world: World, user_ids, *, within: timedelta) -> dict[int, list[tuple[datetime, datetime]]]:
    """Each person's active assignments from now on, widened by the rest they need on either side:
    a person (or their coordinator) looks at their week before asking for a place, so the engine is
    asked about plausible places, not about every clash. One query for everyone."""
    from apps.scheduling.eligibility import DEFAULT_MIN_REST_HOURS
    from apps.scheduling.models import Assignment

    rest = timedelta(hours=DEFAULT_MIN_REST_HOURS)
    busy: dict[int, list] = {pk: [] for pk in user_ids}
    for responder_id, starts, ends in (Assignment.objects.filter(
            responder_id__in=user_ids, status__in=Assignment.ACTIVE, ends_at__gt=world.now - rest,
            starts_at__lt=world.now + within + rest).values_list("responder_id", "starts_at", "ends_at")):
        busy[responder_id].append((starts - rest, ends + rest))
    return busy


def _free(busy: list, starts: datetime, ends: datetime) -> bool:
    return all(ends <= b_start or starts >= b_end for b_start, b_end in busy)


def sign_ups(world: World) -> None:
    """Responders take open places on published shifts that fit their week, through the open-shifts
    page's button."""
    people = [p for p in world.responders if world.chance(0.35)]
    busy = _busy(world, [p.user.pk for p in people], within=timedelta(days=12))
    open_by_org: dict[int, list] = {}
    for person in people:
        org_id = person.organization.pk
        if org_id not in open_by_org:
            open_by_org[org_id] = _open_positions(world, org_id, within=timedelta(days=12))
        positions = [p for p in open_by_org[org_id][:12]
                     if _free(busy[person.user.pk], p.shift.starts_at, p.shift.ends_at)]
        if not positions:
            continue
        position = world.rng.choice(positions[:8])
        world.http("scheduling.position_sign_up", person.user, "POST",
                   reverse("scheduling:position-sign-up", args=[position.pk]))


def fill_positions(world: World) -> None:
    """Coordinators fill what is still open for the next three days (leads for lead places)."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import PositionRole

    busy = _busy(world, [p.user.pk for p in world.responders], within=timedelta(days=3))
    for org_id, coordinator in world.coordinators.items():
        for position in _open_positions(world, org_id, within=timedelta(days=3)):
            starts, ends = position.shift.starts_at, position.shift.ends_at
            pool = [p for p in world.responders if p.organization.pk == org_id
                    and (p.role == "lead" or position.role != PositionRole.LEAD)
                    and _free(busy[p.user.pk], starts, ends)]
            world.rng.shuffle(pool)
            for person in pool[:5]:
                if world.do("scheduling.assignment_create", scheduling.assignment_create, by=coordinator,
                            position=position, responder=person.user):
                    busy[person.user.pk].append((starts - timedelta(hours=10), ends + timedelta(hours=10)))
                    break


def swaps_and_time_off(world: World) -> None:
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment, SwapRequest, TimeOff

    for person in world.responders:
        if world.chance(0.04):
            upcoming = Assignment.objects.filter(responder=person.user, status=Assignment.Status.ASSIGNED,
                                                 starts_at__gt=world.now + timedelta(days=2)).order_by("starts_at")
            assignment = upcoming.first()
            if assignment is not None:
                world.http("scheduling.swap_offer", person.user, "POST",
                           reverse("scheduling:swap-offer", args=[assignment.pk]), {"note": "Family event"})
        if world.chance(0.015):
            day = local_day(world.now) + timedelta(days=world.rng.randint(14, 30))
            world.do("scheduling.time_off_request", scheduling.time_off_request, by=person.user,
                     organization=person.organization, starts_at=local(day, time(0)),
                     ends_at=local(day + timedelta(days=world.rng.randint(1, 3)), time(0)), reason="Family visit")
    for swap in SwapRequest.objects.filter(status=SwapRequest.Status.OPEN).select_related("assignment__shift"):
        # someone who tried to take a swap and could not does not try the same one again
        takers = [p for p in world.responders if p.organization.pk == swap.assignment.shift.organization_id
                  and p.user.pk != swap.offered_by_id and (swap.pk, p.user.pk) not in world.swap_tries]
        world.rng.shuffle(takers)
        for person in takers[:3]:
            world.swap_tries.add((swap.pk, person.user.pk))
            code = world.http("scheduling.swap_accept", person.user, "POST",
                              reverse("scheduling:swap-accept", args=[swap.pk]))
            swap.refresh_from_db()
            if code < 400 and swap.status != SwapRequest.Status.OPEN:
                break
    for swap in SwapRequest.objects.filter(status=SwapRequest.Status.PENDING_APPROVAL).select_related(
            "assignment__shift"):
        coordinator = world.coordinators.get(swap.assignment.shift.organization_id)
        if coordinator:
            world.do("scheduling.swap_decide", scheduling.swap_decide, by=coordinator, swap=swap,
                     approve=world.chance(0.85))
    for time_off in TimeOff.objects.filter(status=TimeOff.Status.PENDING):
        coordinator = world.coordinators.get(time_off.organization_id)
        if coordinator:
            world.do("scheduling.time_off_decide", scheduling.time_off_decide, by=coordinator, time_off=time_off,
                     approve=world.chance(0.8), note="Covered")


def shift_started(world: World, shift_id: int) -> None:
    """A few minutes after the start: people check in (half through the page), some do not come."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment

    reliability = {p.user.pk: p.reliability for p in world.responders}
    for assignment in Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.ASSIGNED).select_related(
            "responder", "shift"):
        if not world.chance(reliability.get(assignment.responder_id, 0.95)):
            continue
        if world.chance(0.5):
            world.http("scheduling.assignment_check_in", assignment.responder, "POST",
                       reverse("scheduling:assignment-check-in", args=[assignment.pk]))
        else:
            world.do("scheduling.assignment_check_in", scheduling.assignment_check_in, by=assignment.responder,
                     assignment=assignment)


def shift_no_shows(world: World, shift_id: int) -> None:
    """An hour in, the coordinator records who never came."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment

    for assignment in Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.ASSIGNED).select_related(
            "shift"):
        coordinator = world.coordinators.get(assignment.shift.organization_id)
        world.do("scheduling.assignment_mark_no_show", scheduling.assignment_mark_no_show, by=coordinator,
                 assignment=assignment, no_lead_reason="The lead did not come; the coordinator leads by phone.")


def shift_ended(world: World, shift_id: int) -> None:
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment

    for assignment in Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.CHECKED_IN).select_related(
            "responder", "shift"):
        if world.chance(0.04):
            continue  # forgot to check out: the coordinator records the hours (shift_hours_recorded)
        if world.chance(0.5):
            world.http("scheduling.assignment_check_out", assignment.responder, "POST",
                       reverse("scheduling:assignment-check-out", args=[assignment.pk]))
        else:
            world.do("scheduling.assignment_check_out", scheduling.assignment_check_out, by=assignment.responder,
                     assignment=assignment)


# --- training ---------------------------------------------------------------------------------------

def verify_pending_records(world: World) -> None:
    from apps.training import services as training
    from apps.training.models import TrainingRecord

    for record in TrainingRecord.objects.filter(status=TrainingRecord.Status.PENDING,
                                                organization_id__in=world.trainers).select_related("responder"):
        trainer = world.trainers[record.organization_id]
        if world.chance(0.7):
            world.do("training.record_verify", training.record_verify, record=record, by=trainer)


def renewals(world: World) -> None:
    """Responders renew expiring certificates: most in time, some late, some never."""
    from apps.training import services as training
    from apps.training.models import TrainingRecord

    today = local_day(world.now)
    latest_by_person: dict[int, dict] = {p.user.pk: {} for p in world.responders}
    for record in TrainingRecord.objects.filter(responder_id__in=latest_by_person).exclude(
            status=TrainingRecord.Status.REJECTED).select_related("course").order_by("completed_on", "pk"):
        latest_by_person[record.responder_id][record.course_id] = record
    for person in world.responders:
        if person.renewal == "never" and person.user.pk % 2 == 0:
            continue
        latest = latest_by_person[person.user.pk]
        for record in latest.values():
            if record.expires_on is None:
                continue
            due = record.expires_on - timedelta(days=world.rng.randint(10, 40))
            if person.renewal == "late":
                due = record.expires_on + timedelta(days=10)
            elif person.renewal == "never":
                continue
            if today >= due and record.course.code != "mhfa":
                world.do("training.record_submit (renewal)", training.record_submit, by=person.user,
                         responder=person.user, organization=person.organization, course=record.course,
                         completed_on=today, evidence=pdf_upload())


def schedule_classes(world: World) -> None:
    """Every other week each trainer schedules a class (one in the evening, one in the day), and the
    responders whose certificate for it expires soonest enroll; places are few, so some wait."""
    from apps.training import services as training
    from apps.training.models import Course

    courses = list(Course.objects.filter(code__in=["de-escalation", "privacy-confidentiality", "radio-dispatch",
                                                   "mhfa"]).order_by("code"))
    today = local_day(world.now)
    for org_id, trainer in world.trainers.items():
        course = world.rng.choice(courses)
        evening = world.chance(0.5)
        day = today + timedelta(days=9)
        starts = local(day, time(18) if evening else time(9))
        ends = starts + timedelta(hours=4 if evening else 8)
        session = world.do("training.session_create", training.session_create, by=trainer,
                           organization=Organization.objects.get(pk=org_id), course=course, trainer=trainer,
                           starts_at=starts, ends_at=ends, location="Community room", capacity=3)
        if session is None:
            continue
        people = [p for p in world.responders if p.organization.pk == org_id]
        world.rng.shuffle(people)
        for person in people[:5]:
            world.do("training.enrollment_create", training.enrollment_create, by=person.user, session=session,
                     responder=person.user)


def training_day(world: World) -> None:
    """Withdrawals before a class; after it, attendance and results (one absent now and then)."""
    from apps.training import services as training
    from apps.training.models import Enrollment, TrainingSession

    for enrollment in Enrollment.objects.filter(status=Enrollment.Status.ENROLLED, session__starts_at__gt=world.now,
                                                session__starts_at__lte=world.now + timedelta(days=3)):
        if world.chance(0.05):
            world.do("training.enrollment_withdraw", training.enrollment_withdraw, by=enrollment.responder,
                     enrollment=enrollment)
    for session in TrainingSession.objects.filter(status=TrainingSession.Status.SCHEDULED, ends_at__lte=world.now,
                                                  ends_at__gt=world.now - timedelta(days=1)):
        trainer = session.trainer
        for enrollment in session.enrollments.filter(status=Enrollment.Status.ENROLLED, record__isnull=True):
            present = world.chance(0.9)
            if enrollment.attendance == Enrollment.Attendance.UNKNOWN:
                world.do("training.enrollment_mark_attendance", training.enrollment_mark_attendance, by=trainer,
                         enrollment=enrollment, attendance="present" if present else "absent")
                enrollment.refresh_from_db()
            if present:
                world.do("training.enrollment_assess", training.enrollment_assess, by=trainer, enrollment=enrollment,
                         passed=world.chance(0.95))


# --- engagement -------------------------------------------------------------------------------------

def plan_community_session(world: World) -> None:
    from apps.core.models import Language, Neighborhood
    from apps.engagement import services as engagement
    from apps.engagement.models import CommunitySession

    moderator = world.users["moderator"]
    day = local_day(world.now) + timedelta(days=9)
    starts = local(day, time(18))
    n = world.next_number()
    kind = world.rng.choice([CommunitySession.Kind.LISTENING, CommunitySession.Kind.DESIGN,
                             CommunitySession.Kind.REPORT_BACK])
    neighborhood = world.rng.choice(list(Neighborhood.objects.filter(name__in=["Dorchester", "Roxbury", "South End",
                                                                             "Mattapan"])))
    session = world.do("engagement.session_create", engagement.session_create, by=moderator,
                       organization=world.organizations[CITY_DEPARTMENT], kind=kind,
                       title_en=f"Community session {n}: crisis response in {neighborhood.name}",
                       title_es=f"Sesión comunitaria {n}: respuesta a crisis en {neighborhood.name}",
                       description_en="Tell the city how crisis calls should be answered.",
                       description_es="Díganos cómo responder a las llamadas de crisis.",
                       neighborhood=neighborhood, format=CommunitySession.Format.IN_PERSON,
                       venue_name="Branch library", venue_address="1 Main St, Boston", step_free_access=True,
                       starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=6, reserved_seats=1,
                       interpretation_languages=[Language.objects.get(code="es")])
    if session is not None:
        world.do("engagement.session_publish", engagement.session_publish, by=moderator, session=session)


def residents_register(world: World) -> None:
    """Residents register for upcoming sessions (mostly through the public form); some cancel."""
    from apps.core.models import Language
    from apps.engagement import services as engagement
    from apps.engagement.models import CommunitySession, Registration

    sessions = list(CommunitySession.objects.filter(status=CommunitySession.Status.PUBLISHED,
                                                    starts_at__gt=world.now + timedelta(hours=2)).order_by("starts_at"))
    english = Language.objects.get(code="en")
    for session in sessions[:3]:
        for _ in range(world.rng.randint(0, 2)):
            n = world.next_number()
            data = {"name": f"Resident {n}", "language": english.pk}
            if world.chance(0.5):
                email, phone = f"resident-{n}@mail.example", f"617-555-{n % 10000:04d}"
                data.update(email=email, phone=phone, contact_consent="on")
                world.residents.append((email, phone))
            if world.chance(0.2):
                data["access_needs"] = "Step-free seating near the door"
            world.http("engagement.register", None, "POST", reverse("engagement:session-register", args=[session.pk]),
                       data)
        if world.chance(0.15):
            registration = session.registrations.filter(status=Registration.Status.REGISTERED).order_by("?").first()
            if registration is not None:
                world.do("engagement.registration_cancel", engagement.registration_cancel, registration=registration)


def session_held(world: World, session_id: int) -> None:
    """Ten minutes in: check-ins by code (through the staff page) and walk-ins."""
    from apps.engagement import services as engagement
    from apps.engagement.models import CommunitySession, Registration

    session = CommunitySession.objects.get(pk=session_id)
    if session.status != CommunitySession.Status.PUBLISHED:
        return
    moderator = world.users["moderator"]
    for registration in session.registrations.filter(status=Registration.Status.REGISTERED):
        if world.chance(0.75):
            world.http("engagement.check_in", moderator, "POST",
                       reverse("engagement:staff-check-in", args=[session.pk]), {"code": registration.code})
    world.do("engagement.walk_in_record", engagement.walk_in_record, by=moderator, session=session,
             count=world.rng.randint(0, 4))


def session_closed(world: World, session_id: int) -> None:
    """After the session: it is closed with notes, and paper cards are typed in by staff."""
    from apps.engagement import services as engagement
    from apps.engagement.models import CommunitySession

    session = CommunitySession.objects.get(pk=session_id)
    if session.status != CommunitySession.Status.PUBLISHED:
        return
    moderator = world.users["moderator"]
    world.do("engagement.session_close", engagement.session_close, by=moderator, session=session,
             summary_notes="Residents discussed night coverage and language access.")
    for _ in range(world.rng.randint(1, 3)):
        language_code, text = world.rng.choice(FEEDBACK)
        world.do("engagement.feedback_submit (paper card)", engagement.feedback_submit, text=text,
                 language=_language(language_code), channel="paper_card", session=session,
                 neighborhood=session.neighborhood, entered_by=moderator)


def _language(code: str):
    from apps.core.models import Language

    return Language.objects.get(code=code)


def public_feedback(world: World) -> None:
    """Residents write through the public form: some leave contact details, a few describe a crisis."""
    for _ in range(world.rng.randint(0, 2)):
        n = world.next_number()
        language_code, text = world.rng.choice(FEEDBACK)
        if world.chance(0.08):
            text = world.rng.choice(CRISIS_TEXT)
        data = {"text": text, "language": _language(language_code).pk}
        if world.chance(0.25):
            email = f"writer-{n}@mail.example"
            data.update(contact_consent="on", contact_name=f"Writer {n}", contact_email=email)
            world.residents.append((email, ""))
        world.http("engagement.feedback", None, "POST", reverse("engagement:feedback-create"), data)


def moderate(world: World) -> None:
    """The moderator works the queue: publishes most, rejects some with a reason, crisis messages are
    followed up and rejected for safety; published items are coded with themes."""
    from apps.engagement import services as engagement
    from apps.engagement.models import FeedbackItem, Theme

    moderator = world.users["moderator"]
    themes = list(Theme.objects.filter(parent=None).order_by("pk"))
    for item in FeedbackItem.objects.filter(status=FeedbackItem.Status.PENDING).order_by("pk")[:12]:
        if item.safety_flag:
            world.do("engagement.feedback_moderate (crisis)", engagement.feedback_moderate, by=moderator, item=item,
                     approve=False, reason="safety", note="Called back; referred to 988.")
        elif world.chance(0.1):
            world.http("engagement.feedback_moderate", moderator, "POST",
                       reverse("engagement:feedback-detail", args=[item.pk]),
                       {"decision": "reject", "reason": "off_topic"})
        else:
            item = world.do("engagement.feedback_moderate", engagement.feedback_moderate, by=moderator, item=item,
                            approve=True)
            if item is not None and themes:
                world.do("engagement.feedback_code", engagement.feedback_code, by=moderator, item=item,
                         themes=world.rng.sample(themes, k=min(2, len(themes))))


def publish_decision(world: World) -> None:
    from apps.engagement import services as engagement
    from apps.engagement.models import Decision, FeedbackItem, Theme

    moderator = world.users["moderator"]
    items = list(FeedbackItem.objects.filter(status=FeedbackItem.Status.APPROVED).order_by("-pk")[:3])
    themes = list(Theme.objects.filter(parent=None).order_by("pk")[:1])
    n = world.next_number()
    decision = world.do("engagement.decision_save", engagement.decision_save, by=moderator,
                        title_en=f"Residents asked for night coverage ({n})",
                        title_es=f"Pidieron cobertura nocturna ({n})", action_en="An evening team was added.",
                        action_es="Se añadió un equipo de noche.", outcome=Decision.Outcome.ADOPTED,
                        decided_on=local_day(world.now), themes=themes, feedback_items=items)
    if decision is not None:
        world.do("engagement.decision_publish", engagement.decision_publish, by=moderator, decision=decision)


def residents_erase(world: World) -> None:
    """A resident asks for their details to be deleted (the forget-me flow's service), another deletes
    one registration from its page."""
    from apps.engagement import erasure
    from apps.engagement import services as engagement
    from apps.engagement.models import Registration

    if world.residents and world.chance(0.5):
        email, phone = world.residents.pop(world.rng.randrange(len(world.residents)))
        world.do("engagement.resident_erase", erasure.resident_erase, email=email, phone=phone)
    registration = (Registration.objects.exclude(email="").filter(session__starts_at__gt=world.now)
                    .order_by("pk").first())
    if registration is not None and world.chance(0.5):
        token = engagement.registration_token(registration)
        world.http("engagement.registration_erase", None, "POST",
                   reverse("engagement:registration-erase", args=[token]))


def shift_hours_recorded(world: World, shift_id: int) -> None:
    """Check-out closes four hours after the end. Whoever forgot tries anyway and is refused; the
    coordinator then records their hours on the shift's page."""
    from apps.scheduling import services as scheduling
    from apps.scheduling.models import Assignment

    for assignment in Assignment.objects.filter(shift_id=shift_id, status=Assignment.Status.CHECKED_IN).select_related(
            "responder", "shift"):
        if world.do("scheduling.assignment_check_out (after it closed)", scheduling.assignment_check_out,
                    by=assignment.responder, assignment=assignment) is not None:
            world.summary.fail("action", world.now, "scheduling.assignment_check_out",
                               detail=f"assignment {assignment.pk}: check-out accepted after it closed")
            continue
        coordinator = world.coordinators.get(assignment.shift.organization_id)
        if coordinator is None:
            continue
        prefix = f"h{assignment.pk}"
        started = timezone.localtime(assignment.checked_in_at)
        ended = timezone.localtime(assignment.shift.ends_at)
        world.http("scheduling.assignment_hours", coordinator, "POST",
                   reverse("scheduling:assignment-hours", args=[assignment.pk]),
                   {f"{prefix}-checked_in_at": f"{started:%Y-%m-%dT%H:%M}",
                    f"{prefix}-checked_out_at": f"{ended:%Y-%m-%dT%H:%M}",
                    f"{prefix}-reason": "Forgot to check out; the team lead confirmed the end of the shift."})
