"""Query budgets: every main page of the navigation, per role (the pages bench/pages.py times), runs
the same number of queries with 2 and with 12 rows of what it lists, and no more than its budget.

Each case builds a small world (one nonprofit with its team and people, one city department with
its staff), adds 2 rows of what the page lists, counts the page's queries, adds 10 more (each row
with its own related objects, so a missing select_related or prefetch shows as one query per row),
counts again, and checks that the newest row is on the page. Equal counts catch an N+1; the budget
(the count when it was written, plus BUDGET_SLACK) catches a page that got heavier in another way.
The clock is frozen: the staff session is touched at most once a minute, which would be a query.
"""

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Invitation, Membership, Organization
from apps.accounts.roles import Role
from apps.core.audit import audit
from apps.core.models import Neighborhood
from apps.engagement.models import Decision, FeedbackCoding, FeedbackItem, Registration, Theme
from apps.notifications.models import Notification
from apps.procurement.models import EvaluatorAssignment, Proposal, Score, ScoreSheet, Solicitation
from apps.scheduling.models import Assignment, PositionRole, RosterRun, Shift, ShiftTemplate, SwapRequest, TimeOff
from apps.training.models import RoleRequirement, TrainingRecord, TrainingSession
from tests.factories import CityDepartmentFactory, OrganizationFactory, UserFactory, user_with_role
from tests.factories.engagement import SessionFactory, language, neighborhood
from tests.factories.procurement import complete_proposal, published_solicitation
from tests.factories.reports import report_row
from tests.factories.scheduling import TeamFactory, make_shift, place
from tests.factories.training import CourseFactory, FieldHoursFactory, TrainingRecordFactory, requirement

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
# Wednesday 4 March 2026, 09:00 in Boston.
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=BOSTON)
SMALL, LARGE = 2, 12
# Room for a page to gain a constant query or two (a new card, a permission check) without a new
# budget; an N+1 fails the equality check whatever the slack.
BUDGET_SLACK = 2

_seq = itertools.count(1)


@dataclass
class World:
    city: Organization
    nonprofit: Organization
    users: dict
    team: object
    cpr: object
    counts: dict = field(default_factory=dict)

    def next(self, kind: str) -> int:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]


def _cleared(user, organization, cpr):
    TrainingRecordFactory(responder=user, organization=organization, course=cpr, completed_on=date(2026, 1, 5))
    return user


@pytest.fixture
def world():
    city = CityDepartmentFactory(name="Health and Human Services", slug="hhs")
    nonprofit = OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach")
    cpr = CourseFactory(code="cpr", title="CPR and First Aid", renewal_months=24)
    for role in ("trainee", "responder", "team_lead"):
        requirement(courses=[cpr], role=role)
    users = {
        "responder": _cleared(user_with_role(Role.RESPONDER, nonprofit, full_name="Ray Sponder"), nonprofit, cpr),
        "coordinator": user_with_role(Role.COORDINATOR, nonprofit, full_name="Cora Ordin"),
        "trainer": user_with_role(Role.TRAINER, nonprofit, full_name="Tess Trainer"),
        "program admin": user_with_role(Role.PROGRAM_ADMIN, city, full_name="Ada Admin"),
        "procurement officer": user_with_role(Role.PROCUREMENT_OFFICER, city, full_name="Pia Procure"),
        "rfp evaluator": user_with_role(Role.RFP_EVALUATOR, city, full_name="Eve Valuator"),
        "moderator": user_with_role(Role.MODERATOR, city, full_name="Mo Derator"),
        "program evaluator": user_with_role(Role.PROGRAM_EVALUATOR, full_name="Pat Evaluator"),
        "dispatcher": user_with_role(Role.DISPATCHER, city, full_name="Dee Spatcher"),
        "anonymous": None,
    }
    return World(city=city, nonprofit=nonprofit, users=users, team=TeamFactory(organization=nonprofit), cpr=cpr)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# --- what the pages list: each grower adds n rows and returns a text the newest row shows ----------

def _peer(w: World, name: str):
    return _cleared(user_with_role(Role.RESPONDER, w.nonprofit, full_name=name), w.nonprofit, w.cpr)


def _shift(w: World, *, day: int, hour: int = 10, team=None, **kwargs) -> Shift:
    return make_shift(team=team or w.team, starts_at=NOW.replace(hour=hour) + timedelta(days=day), **kwargs)


def my_assignments(w: World, n: int) -> str:
    """Upcoming shifts of the responder, each on its own team with a peer beside them."""
    for _ in range(n):
        k = w.next("assignment")
        team = TeamFactory(organization=w.nonprofit, name=f"Team {k:03d}")
        shift = _shift(w, day=1 + k, team=team)
        place(shift=shift, responder=w.users["responder"])
        place(shift=shift, responder=_peer(w, f"Peer {k:03d}"), role=PositionRole.LEAD)
    return f"Team {k:03d}"


def on_duty_teams(w: World, n: int) -> str:
    """Teams on shift now in a zone of their own, each with a checked-in lead who speaks a language and has
    set the team's status, and an open place (the board's gaps)."""
    from apps.operations.models import TeamStatus
    from apps.scheduling.roster.models import RosterProfile

    zones = list(Neighborhood.objects.order_by("sort_order", "name"))
    for _ in range(n):
        k = w.next("on-duty")
        team = TeamFactory(organization=w.nonprofit, name=f"Duty team {k:03d}")
        shift = _shift(w, day=0, hour=8, team=team, zones=[zones[k % len(zones)]])
        lead = _peer(w, f"Dutylead{k:03d} Person")
        RosterProfile.objects.create(user=lead, organization=w.nonprofit).languages.set([language("es")])
        place(shift=shift, responder=lead, role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
              checked_in_at=shift.starts_at)
        TeamStatus.objects.create(shift=shift, state="on_call", zone=zones[k % len(zones)], since=NOW, set_by=lead)
    return f"Duty team {k:03d}"


def past_assignments(w: World, n: int) -> str:
    """Worked shifts this month (the timesheet), each by another responder."""
    for _ in range(n):
        k = w.next("worked")
        shift = make_shift(team=w.team, starts_at=NOW.replace(day=1, hour=0) + timedelta(hours=9 * k), hours=8)
        place(shift=shift, responder=_peer(w, f"Worker {k:03d}"), status=Assignment.Status.COMPLETED,
              checked_in_at=shift.starts_at, checked_out_at=shift.ends_at)
    return f"Worker {k:03d}"


def open_shifts(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("open")
        team = TeamFactory(organization=w.nonprofit, name=f"Open team {k:03d}")
        shift = _shift(w, day=1 + k % 6, hour=k % 12 + 6, team=team)
        place(shift=shift, responder=_peer(w, f"Lead {k:03d}"), role=PositionRole.LEAD)
    return f"Open team {k:03d}"


def week_shifts(w: World, n: int) -> str:
    """Shifts of this week (and month) for the coordinator's team, each with a different responder."""
    for _ in range(n):
        k = w.next("week")
        shift = make_shift(team=w.team, starts_at=NOW.replace(hour=0) + timedelta(hours=6 * k), hours=4)
        place(shift=shift, responder=_peer(w, f"Weekly {k:03d}"))
    return f"Weekly {k:03d}"


def shift_candidates(w: World, n: int) -> str:
    """The responders the shift page weighs for each position."""
    for _ in range(n):
        k = w.next("candidate")
        person = _peer(w, f"Candidate {k:03d}")
        place(shift=_shift(w, day=20 + k), responder=person)  # a history the engine reads
    return f"Candidate {k:03d}"


def org_assignments(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("org-assignment")
        place(shift=_shift(w, day=30 + k), responder=_peer(w, f"Assigned {k:03d}"))
    return f"Assigned {k:03d}"


def swaps(w: World, n: int, marker: str = "Offering") -> str:
    """Open offers from peers (the responder's list) and pending approvals (the coordinator's)."""
    for _ in range(n):
        k = w.next("swap")
        for status, name in ((SwapRequest.Status.OPEN, "Offering"), (SwapRequest.Status.PENDING_APPROVAL, "Asking")):
            peer = _peer(w, f"{name} {k:03d}")
            assignment = place(shift=_shift(w, day=40 + k, hour=8 if status == "open" else 16), responder=peer)
            SwapRequest.objects.create(assignment=assignment, offered_by=peer, status=status,
                                       taken_by=w.users["responder"] if status != "open" else None)
    return f"{marker} {k:03d}"


def time_off(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("time-off")
        for person in (w.users["responder"], _peer(w, f"Away {k:03d}")):
            TimeOff.objects.create(responder=person, organization=w.nonprofit,
                                   starts_at=NOW + timedelta(days=60 + 2 * k), ends_at=NOW + timedelta(days=61 + 2 * k),
                                   reason=f"Away {k:03d}")
    return f"Away {k:03d}"


def roster_runs(w: World, n: int) -> str:
    """Roster runs of the coordinator's organization, each for a team of its own."""
    for _ in range(n):
        k = w.next("roster-run")
        team = TeamFactory(organization=w.nonprofit, name=f"Roster team {k:03d}")
        run = RosterRun.objects.create(organization=w.nonprofit, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30),
                                       status=RosterRun.Status.PROPOSED, created_by=w.users["coordinator"],
                                       stats={"places": 10, "filled": 9})
        run.teams.set([team, w.team])
    return f"Roster team {k:03d}"


def roster_templates(w: World, n: int) -> str:
    """Recurring shifts of the responder's organization: the preferences page offers each to want or avoid."""
    for _ in range(n):
        k = w.next("roster-template")
        ShiftTemplate.objects.create(team=w.team, name=f"Template {k:03d}", start_time="08:00", end_time="16:00",
                                     weekdays=[0, 1, 2])
    return f"Template {k:03d}"


def records(w: World, n: int) -> str:
    """Training records of the responder, each for its own course (verified) plus a pending one of a peer."""
    for _ in range(n):
        k = w.next("record")
        course = CourseFactory(code=f"course-{k:03d}", title=f"Course {k:03d}")
        TrainingRecordFactory(responder=w.users["responder"], organization=w.nonprofit, course=course,
                              completed_on=date(2026, 1, 5))
        TrainingRecordFactory(responder=_peer(w, f"Pending {k:03d}"), organization=w.nonprofit, course=course,
                              completed_on=date(2026, 2, 5), status=TrainingRecord.Status.PENDING, verified_at=None)
    return f"Course {k:03d}"


def responders(w: World, n: int) -> str:
    """People of the nonprofit (readiness matrix, dashboard cards), with records and field hours."""
    for _ in range(n):
        k = w.next("responder")
        person = _peer(w, f"Responder {k:03d}")
        FieldHoursFactory(responder=person, organization=w.nonprofit, hours=Decimal("4"), preceptor=UserFactory())
    return f"Responder {k:03d}"


def training_sessions(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("training-session")
        course = CourseFactory(code=f"session-course-{k:03d}", title=f"Session course {k:03d}")
        trainer = user_with_role(Role.TRAINER, w.nonprofit, full_name=f"Trainer {k:03d}")
        TrainingSession.objects.create(course=course, organization=w.nonprofit, trainer=trainer,
                                       starts_at=NOW + timedelta(days=k), ends_at=NOW + timedelta(days=k, hours=4),
                                       location=f"Room {k:03d}", capacity=10)
    return f"Session course {k:03d}"


def requirements(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("requirement")
        organization = OrganizationFactory(name=f"Nonprofit {k:03d}", slug=f"nonprofit-{k:03d}")
        course = CourseFactory(code=f"req-course-{k:03d}", title=f"Required course {k:03d}")
        RoleRequirement.objects.create(role="responder", organization=organization,
                                       effective_from=date(2025, 1, 1)).courses.set([course, w.cpr])
    return f"Nonprofit {k:03d}"


def notifications(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("notification")
        Notification.objects.create(kind="shift_reminder", channel="in_app", dedupe_key=f"perf-{k}",
                                    recipient_user=w.users["responder"], subject=f"Reminder {k:03d}",
                                    body_text="Your shift starts soon.", status=Notification.Status.SENT,
                                    sent_at=NOW)
    return f"Reminder {k:03d}"


def reports(w: World, n: int, role: str) -> str:
    for _ in range(n):
        k = w.next(f"report-{role}")
        report_row(w.users[role], title=f"Report {k:03d}")
    return f"Report {k:03d}"


def community_sessions(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("community-session")
        SessionFactory(organization=w.city, title=f"Listening {k:03d}", starts_at=NOW + timedelta(days=k),
                       neighborhood=neighborhood(["Dorchester", "Roxbury", "South End"][k % 3]))
    return f"Listening {k:03d}"


def _session(w: World):
    if "the-session" not in w.counts:
        w.counts["the-session"] = SessionFactory(organization=w.city, title="The session", capacity=100)
    return w.counts["the-session"]


def registrations(w: World, n: int) -> str:
    """Registrations and feedback of one session (its public and staff pages)."""
    session = _session(w)
    for _ in range(n):
        k = w.next("registration")
        Registration.objects.create(session=session, name=f"Resident {k:03d}", language=language("es"),
                                    status=Registration.Status.REGISTERED, code=f"R{k:05d}")
        FeedbackItem.objects.create(organization=w.city, session=session, channel="online",
                                    text=f"Comment {k:03d}", language=language("en"))
    return f"Resident {k:03d}"


def feedback(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("feedback")
        session = SessionFactory(organization=w.city, title=f"Heard at {k:03d}")
        FeedbackItem.objects.create(organization=w.city, session=session, channel="online",
                                    text=f"Send trained neighbors {k:03d}", language=language(["en", "es"][k % 2]),
                                    neighborhood=neighborhood())
    return f"Send trained neighbors {k:03d}"


def published_feedback(w: World, n: int) -> str:
    """Published feedback, each from its own session: what a decision's feedback picker lists."""
    for _ in range(n):
        k = w.next("published-feedback")
        session = SessionFactory(organization=w.city, title=f"Quoted at {k:03d}")
        FeedbackItem.objects.create(organization=w.city, session=session, channel="online", status="approved",
                                    text=f"Quote trained neighbors {k:03d}", language=language(["en", "es"][k % 2]))
    return f"Quote trained neighbors {k:03d}"


def themes(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("theme")
        Theme.objects.create(name=f"Theme {k:03d}", translations={"es": {"name": f"Tema {k:03d}"}})
    return f"Theme {k:03d}"


def _trend_theme() -> Theme:
    return Theme.objects.get_or_create(name="Trend theme",
                                       defaults={"translations": {"es": {"name": "Tema de tendencia"}}})[0]


def theme_comments(w: World, n: int) -> str:
    """Published comments coded with one theme, each from its own neighborhood (a row of its table)."""
    theme = _trend_theme()
    for _ in range(n):
        k = w.next("theme-comment")
        item = FeedbackItem.objects.create(organization=w.city, channel="online", status="approved",
                                           text=f"Coded comment {k:03d}", language=language("en"),
                                           neighborhood=Neighborhood.objects.create(
                                               name=f"Trend hood {k:03d}", slug=f"trend-hood-{k:03d}"))
        FeedbackCoding.objects.create(item=item, theme=theme)
    return f"Trend hood {k:03d}"


def decisions(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("decision")
        Decision.objects.create(title=f"Decision {k:03d}",
                                translations={"es": {"title": f"Decisión {k:03d}", "action": "Lo hicimos."}},
                                action="We did it.", outcome="adopted", decided_on=date(2026, 2, 1),
                                is_published=True, published_at=NOW, created_by=w.users["moderator"])
    return f"Decision {k:03d}"


def _encounter_zone(k: int):
    from apps.core.models import Neighborhood

    return Neighborhood.objects.get_or_create(slug=f"encounter-zone-{k:03d}",
                                              defaults={"name": f"Encounter zone {k:03d}"})[0]


def encounters(w: World, n: int, *, by: str = "coordinator", show: str = "team") -> str:
    """Encounters of the nonprofit this month, each on its own team's shift in its own zone, recorded by `by`;
    the newest row shows its team (`show="team"`), zone name ("zone") or zone slug ("slug")."""
    import uuid

    from apps.operations.models import Encounter

    for _ in range(n):
        k = w.next("encounter")
        team = TeamFactory(organization=w.nonprofit, name=f"Encounter team {k:03d}")
        shift = _shift(w, day=-1, team=team)
        zone = _encounter_zone(k)
        received = NOW - timedelta(minutes=k)
        Encounter.objects.create(organization=w.nonprofit, shift=shift, zone=zone, source="911", outcome="resolved",
                                 received_at=received, dispatched_at=received, arrived_at=received,
                                 recorded_by=w.users[by], idempotency_key=uuid.uuid4())
    return {"team": f"Encounter team {k:03d}", "zone": f"Encounter zone {k:03d}", "slug": zone.slug}[show]


def catalog_overrides(w: World, n: int) -> str:
    """A reviewer's corrections of Haitian Creole strings (issue 23), layered over the shipped catalog."""
    from apps.core.catalogs import shipped_catalog
    from apps.core.models import CatalogOverride

    messages = [m for m in shipped_catalog("ht").values() if not m.msgid_plural]
    text = ""
    for _ in range(n):
        k = w.next("catalog_override")
        message = messages[k]
        text = f"Korije {k}"
        CatalogOverride.objects.create(language="ht", msgctxt=message.msgctxt, msgid=message.msgid, msgstr=text)
    return text


def audit_events(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("audit")
        actor = UserFactory(full_name=f"Actor {k:03d}")
        audit(actor=actor, action="perf.check", target=actor, organization=w.city)
    return f"Actor {k:03d}"


def organizations(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("organization")
        organization = OrganizationFactory(name=f"Nonprofit {k:03d}", slug=f"np-{k:03d}")
        Membership.objects.create(user=UserFactory(), organization=organization, role=Role.COORDINATOR)
    return f"Nonprofit {k:03d}"


def invitations(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("invitation")
        for organization, by in ((w.nonprofit, w.users["coordinator"]), (w.city, w.users["program admin"])):
            Invitation.objects.create(email=f"invitee{k:03d}-{organization.slug}@example.org",
                                      organization=organization, role=Role.TRAINER, nonce=f"n{k}{organization.slug}",
                                      invited_by=by, expires_at=NOW + timedelta(days=7),
                                      full_name=f"Invitee {k:03d}")
    return f"invitee{k:03d}"


def solicitations(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("solicitation")
        published_solicitation(w.users["procurement officer"], reference=f"RFP-P-{k:03d}")
    return f"RFP-P-{k:03d}"


def proposals(w: World, n: int) -> str:
    """Proposals of the coordinator's nonprofit, one per solicitation."""
    for _ in range(n):
        k = w.next("proposal")
        solicitation = published_solicitation(w.users["procurement officer"], reference=f"RFP-Q-{k:03d}")
        complete_proposal(solicitation, w.users["coordinator"], w.nonprofit)
    return f"RFP-Q-{k:03d}"


def evaluations(w: World, n: int) -> str:
    for _ in range(n):
        k = w.next("evaluation")
        solicitation = published_solicitation(w.users["procurement officer"], reference=f"RFP-E-{k:03d}")
        EvaluatorAssignment.objects.create(solicitation=solicitation, evaluator=w.users["rfp evaluator"],
                                           assigned_by=w.users["procurement officer"])
    return f"RFP-E-{k:03d}"


def _consensus_solicitation(w: World) -> Solicitation:
    """One solicitation in consensus, its evaluator's sheets submitted (set up once, then grown)."""
    if "the-consensus" not in w.counts:
        officer = w.users["procurement officer"]
        solicitation = published_solicitation(officer, reference="RFP-C-001")
        EvaluatorAssignment.objects.create(solicitation=solicitation, evaluator=w.users["rfp evaluator"],
                                           assigned_by=officer)
        Solicitation.objects.filter(pk=solicitation.pk).update(
            status=Solicitation.Status.CONSENSUS, opened_at=NOW, evaluation_started_at=NOW, consensus_started_at=NOW)
        w.counts["the-consensus"] = solicitation.pk
    return Solicitation.objects.get(pk=w.counts["the-consensus"])


def consensus_rows(w: World, n: int) -> str:
    """Proposals in the consensus grid, each scored on every criterion by the evaluator."""
    solicitation = _consensus_solicitation(w)
    assignment = solicitation.assignments.get()
    criteria = list(solicitation.criteria.filter(kind="comparative"))
    for _ in range(n):
        k = w.next("consensus")
        organization = OrganizationFactory(name=f"Proposer {k:03d}", slug=f"proposer-{k:03d}")
        proposal = Proposal.objects.create(solicitation=solicitation, organization=organization, code=f"CGRID{k:03d}",
                                           status=Proposal.Status.SUBMITTED, submitted_at=NOW, responsive=True,
                                           created_by=w.users["procurement officer"])
        sheet = ScoreSheet.objects.create(assignment=assignment, proposal=proposal, submitted_at=NOW)
        Score.objects.bulk_create(Score(sheet=sheet, criterion=c, rating="advantageous", rationale=f"Reason {k}")
                                  for c in criteria)
    return f"CGRID{k:03d}"


def dashboard_mix(w: World, n: int) -> str:
    """What the dashboards' cards count or list for every role."""
    my_assignments(w, n)
    notifications(w, n)
    records(w, n)
    community_sessions(w, n)
    feedback(w, n)
    return f"Team {w.counts['assignment']:03d}"


def _shift_page(w: World) -> str:
    shift = w.counts.get("the-shift")
    if shift is None:
        shift = _shift(w, day=3, positions=((PositionRole.LEAD, 1), (PositionRole.RESPONDER, 2),
                                            (PositionRole.TRAINEE, 1)))
        w.counts["the-shift"] = shift
    return f"/shifts/shifts/{shift.pk}/"


def _the_assignment(w: World) -> str:
    assignment = w.counts.get("the-assignment")
    if assignment is None:
        assignment = place(shift=_shift(w, day=2), responder=w.users["responder"])
        w.counts["the-assignment"] = assignment
    return f"/api/v1/scheduling/assignments/{assignment.pk}/"


def _the_session(w: World, staff: bool) -> str:
    session = _session(w)
    return f"/staff/engagement/sessions/{session.pk}/" if staff else f"/sessions/{session.pk}/"


@dataclass(frozen=True)
class Page:
    role: str
    name: str
    url: str | Callable[[World], str]  # a callable for pages of one object or with parameters
    grow: Callable[[World, int], str]
    budget: int
    # Why the newest row's text cannot be on the page (counts, ids, private names); empty when it is,
    # and then the test proves it is there. An exemption the page outgrows fails the test.
    not_shown: str = ""
    path: str = ""  # the navigation path, when `url` is a callable

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"

    def url_in(self, w: World) -> str:
        return self.url if isinstance(self.url, str) else self.url(w)

    @property
    def nav_path(self) -> str:
        return self.url.split("?")[0] if isinstance(self.url, str) else self.path


def service_tokens(w: World, n: int) -> str:
    """Dispatch service tokens (issue 22), each made and half of them revoked by their own admin."""
    from apps.operations.tokens import service_token_create, service_token_revoke

    for _ in range(n):
        k = w.next("service_token")
        admin = user_with_role(Role.PROGRAM_ADMIN, w.city, full_name=f"Token Admin {k:03d}")
        token, _raw = service_token_create(by=admin, name=f"CAD system {k:03d}", scopes=["dispatch:read"],
                                           expires_at=NOW + timedelta(days=30))
        if k % 2:
            service_token_revoke(by=admin, token=token)
    return f"CAD system {k:03d}"


def _reports_of(role: str) -> Callable[[World, int], str]:
    return lambda w, n: reports(w, n, role)


PAGES = [
    # anonymous residents
    Page("anonymous", "sessions list", "/sessions/", community_sessions, 5),
    Page("anonymous", "session page", lambda w: _the_session(w, staff=False), registrations, 4,
         not_shown="residents' names are never public: the page shows the places left"),
    Page("anonymous", "solicitations", "/procurement/", solicitations, 2),
    Page("anonymous", "you said, we did", "/you-said-we-did/", decisions, 6),
    Page("anonymous", "API sessions", "/api/v1/engagement/sessions/", community_sessions, 3),
    # responders
    Page("responder", "dashboard", "/", dashboard_mix, 14,
         not_shown="the cards show counts and the next shift, not the rows"),
    Page("responder", "my shifts", "/shifts/", my_assignments, 9),
    Page("responder", "open shifts", "/shifts/open/", open_shifts, 16),
    Page("responder", "my training", "/training/", records, 13),
    Page("responder", "notifications inbox", "/notifications/", notifications, 6),
    Page("responder", "shift swaps", "/shifts/swaps/", swaps, 7),
    Page("responder", "time off", "/shifts/time-off/", time_off, 7),
    Page("responder", "roster preferences", "/shifts/roster/preferences/", roster_templates, 10),
    Page("responder", "training sessions", "/training/sessions/", training_sessions, 6),
    Page("responder", "reports", "/reports/", _reports_of("responder"), 6),
    Page("responder", "API my shifts", "/api/v1/scheduling/my-shifts/", my_assignments, 7),
    Page("responder", "API training records", "/api/v1/training/records/", records, 5,
         not_shown="a record names its course by id, not by title"),
    Page("responder", "API notifications", "/api/v1/notifications/", notifications, 5),
    # coordinators
    Page("coordinator", "dashboard", "/", responders, 19,
         not_shown="the cards count responders and readiness; no names"),
    Page("coordinator", "schedule week", lambda w: f"/shifts/schedule/?team={w.team.pk}", week_shifts, 11,
         path="/shifts/schedule/"),
    Page("coordinator", "schedule board", "/shifts/board/", week_shifts, 10),
    Page("coordinator", "auto-roster", "/shifts/roster/", roster_runs, 10),
    Page("coordinator", "coverage month", lambda w: f"/shifts/coverage/?team={w.team.pk}&month=2026-03", week_shifts,
         10, not_shown="the month shows each day's filled and open places, not names",
         path="/shifts/coverage/"),
    Page("coordinator", "shift page", _shift_page, shift_candidates, 19),
    Page("coordinator", "shift swaps", "/shifts/swaps/", lambda w, n: swaps(w, n, marker="Asking"), 7),
    Page("coordinator", "time off", "/shifts/time-off/", time_off, 6),
    Page("coordinator", "timesheets",
         lambda w: f"/shifts/timesheets/?organization={w.nonprofit.pk}&start=2026-03-01&end=2026-03-31",
         past_assignments, 8, path="/shifts/timesheets/"),
    Page("coordinator", "readiness matrix", lambda w: f"/training/readiness/?organization={w.nonprofit.slug}",
         responders, 11, path="/training/readiness/"),
    Page("coordinator", "training records", "/training/verification/", records, 6),
    Page("coordinator", "training sessions", "/training/sessions/", training_sessions, 6),
    Page("coordinator", "RFPs", "/procurement/", solicitations, 6),
    Page("coordinator", "proposals", "/procurement/proposals/", proposals, 7),
    Page("coordinator", "invitations", "/invitations/", invitations, 9),
    Page("coordinator", "reports", "/reports/", _reports_of("coordinator"), 6),
    Page("coordinator", "API shifts", "/api/v1/scheduling/shifts/", org_assignments, 8,
         not_shown="a shift gives its positions' fill counts, not the names of the people on it"),
    Page("coordinator", "API assignments", "/api/v1/scheduling/assignments/", org_assignments, 5),
    Page("coordinator", "API assignment", _the_assignment, org_assignments, 4,
         not_shown="one assignment's detail: the other rows only must not cost queries"),
    Page("coordinator", "API training records", "/api/v1/training/records/", records, 5,
         not_shown="a record names its course by id, not by title"),
    # trainers
    Page("trainer", "training sessions", "/training/sessions/", training_sessions, 6),
    Page("trainer", "verification queue", "/training/verification/", records, 6),
    Page("trainer", "readiness matrix", lambda w: f"/training/readiness/?organization={w.nonprofit.slug}",
         responders, 11, path="/training/readiness/"),
    # procurement
    Page("procurement officer", "solicitations (manage)", "/procurement/manage/", solicitations, 8),
    Page("procurement officer", "API solicitations", "/api/v1/procurement/solicitations/", solicitations, 6),
    Page("procurement officer", "reports", "/reports/", _reports_of("procurement officer"), 8),
    Page("procurement officer", "consensus grid",
         lambda w: f"/procurement/manage/{w.counts['the-consensus']}/consensus/", consensus_rows, 15),
    Page("rfp evaluator", "evaluations", "/procurement/evaluations/", evaluations, 8),
    # engagement staff
    # The queue's filters add three constant queries: the language, session and theme choices.
    Page("moderator", "feedback queue", "/staff/engagement/feedback/", feedback, 12),
    Page("moderator", "feedback queue (filtered)",
         "/staff/engagement/feedback/?status=pending&q=neighbors&language=en&received_from=2026-01-01", feedback, 13),
    Page("moderator", "sessions (staff)", "/staff/engagement/sessions/", community_sessions, 9),
    Page("moderator", "session (staff)", lambda w: _the_session(w, staff=True), registrations, 11),
    # The codebook counts each theme's last twelve months in one aggregate query.
    Page("moderator", "codebook", "/staff/engagement/codebook/", themes, 10),
    Page("moderator", "theme trend", lambda w: f"/staff/engagement/codebook/{_trend_theme().pk}/", theme_comments, 12,
         path="/staff/engagement/codebook/"),
    Page("moderator", "decisions", "/staff/engagement/decisions/", decisions, 9),
    Page("moderator", "decision form (feedback picker)", "/staff/engagement/decisions/new/?q=trained",
         published_feedback, 8),
    Page("moderator", "reports", "/reports/", _reports_of("moderator"), 8),
    Page("moderator", "API feedback", "/api/v1/engagement/feedback/", feedback, 7),
    # program administration
    Page("program admin", "dashboard", "/", dashboard_mix, 13,
         not_shown="the cards show counts, not the rows"),
    Page("program admin", "audit log", "/audit/", audit_events, 10),
    Page("program admin", "translations", "/translations/", catalog_overrides, 8,
         not_shown="the list counts each language's corrected strings"),
    Page("program admin", "translation strings", "/translations/ht/", catalog_overrides, 8),
    Page("program admin", "API audit events", "/api/v1/audit-events/", audit_events, 6),
    Page("program admin", "organizations", "/organizations/", organizations, 8),
    Page("program admin", "invitations", "/invitations/", invitations, 11),
    Page("program admin", "training requirements", "/training/requirements/", requirements, 11),
    Page("program admin", "feedback queue", "/staff/engagement/feedback/", feedback, 12),
    Page("program admin", "reports", "/reports/", _reports_of("program admin"), 9),
    # operations: the on-duty board (the page, and the part htmx polls every ten seconds). The live part is
    # cached for ten seconds, so the warmed request here reads the copy; tests/operations/test_board.py counts
    # the read itself at 1 and 3 teams.
    Page("program admin", "on-duty board", "/ops/board/", on_duty_teams, 7),
    Page("program admin", "on-duty board (live part)", "/ops/board/live/", on_duty_teams, 5),
    Page("coordinator", "on-duty board", "/ops/board/", on_duty_teams, 5),
    Page("dispatcher", "on-duty board", "/ops/board/", on_duty_teams, 7),
    Page("program admin", "service tokens", "/ops/service-tokens/", service_tokens, 7),
    Page("program evaluator", "dashboard", "/", dashboard_mix, 6,
         not_shown="the cards show counts, not the rows"),
    Page("program evaluator", "reports", "/reports/", _reports_of("program evaluator"), 7),
    # ENCOUNTERS (operations): the log and the de-identified evaluation.
    Page("responder", "encounters", "/ops/encounters/", lambda w, n: encounters(w, n, by="responder"), 7),
    Page("coordinator", "encounters", "/ops/encounters/", encounters, 6),
    Page("coordinator", "API encounters", "/api/v1/encounters/", lambda w, n: encounters(w, n, show="slug"), 5),
    Page("program admin", "encounter evaluation", "/ops/evaluation/", lambda w, n: encounters(w, n, show="zone"), 9),
    Page("program evaluator", "encounter evaluation", "/ops/evaluation/",
         lambda w, n: encounters(w, n, show="zone"), 6),
]

_addresses = itertools.count(1)


def _get(client, url: str):
    # A new client address each time: the residents' per-address rate limit stays on.
    n = next(_addresses)
    return client.get(url, REMOTE_ADDR=f"10.9.{n >> 8 & 255}.{n & 255}")


def _measure(client, url: str) -> tuple[int, str, list[str]]:
    _get(client, url)  # warm: the session touch, per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = _get(client, url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx.captured_queries), response.content.decode(), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_page_query_count_does_not_grow_with_its_rows(page, world, client):
    user = world.users[page.role]
    if user is not None:
        client.force_login(user)
    page.grow(world, SMALL)
    url = page.url_in(world)
    small, _body, _sql = _measure(client, url)
    newest = page.grow(world, LARGE - SMALL)
    large, body, sql = _measure(client, url)

    if not page.not_shown:
        assert newest in body, f"{page}: the newest row ({newest!r}) is not on the page"
    else:
        assert newest not in body, f"{page}: the newest row is on the page now; drop not_shown ({page.not_shown!r})"
    if os.environ.get("PERF_PRINT"):
        print(f"\nPERF {page.role!r}, {page.name!r}: {small} / {large} queries (budget {page.budget})")
    assert large == small, (f"{page}: {small} queries with {SMALL} rows, {large} with {LARGE}:\n"
                            + "\n".join(sql))
    assert large <= page.budget + BUDGET_SLACK, f"{page}: {large} queries, budget {page.budget}:\n" + "\n".join(sql)


# Navigation entries without a list to grow: the user menu's API documentation page (static) and API
# tokens (a person's own few), and the records import form (an upload form; its preview is measured by
# the import's own tests).
NOT_GUARDED = {"api-docs", "api-tokens", "training-import"}


def test_every_main_navigation_page_is_guarded():
    """A page added to the navigation gets a budget here (and a row in bench/pages.py)."""
    from django.urls import reverse

    from apps.core.registry import _nav

    guarded = {page.nav_path for page in PAGES}
    unguarded = sorted(reverse(item.url_name) for item in _nav.values()
                       if item.key not in NOT_GUARDED and reverse(item.url_name) not in guarded)
    assert unguarded == []
