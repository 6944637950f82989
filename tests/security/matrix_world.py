"""One world for the permission matrix: two nonprofits (A and B) with their people, schedules and
training, the city's staff, a solicitation in blind evaluation with proposals from A and B, a sealed
one, community sessions with residents' registrations, feedback, decisions, reports,
notifications, invitations and API tokens.

Built once per test module (see test_permission_matrix.py) through the services where a rule
matters (procurement, feedback, invitations) and written directly where only the scene matters.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import time_machine
from django.core import signing
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import api_token_create, invitation_create
from apps.core.models import AuditEvent, Neighborhood
from apps.core.reference_data import load_reference_data
from apps.engagement import services as engagement_services
from apps.engagement.models import CommunitySession, Decision, StaffTask
from apps.notifications.models import Notification
from apps.notifications.services import unsubscribe_token
from apps.operations.models import Encounter
from apps.procurement import services as procurement_services
from apps.reports.models import ReportRequest
from apps.scheduling.models import (
    Availability,
    CalendarFeed,
    PositionRole,
    RosterRun,
    ShiftTemplate,
    SwapRequest,
    TimeOff,
)
from apps.training.models import FieldHours
from apps.training.services import record_submit
from tests.factories import CityDepartmentFactory, OrganizationFactory, UserFactory, user_with_role
from tests.factories.engagement import SessionFactory, ThemeFactory, language, neighborhood
from tests.factories.procurement import pdf_upload, published_solicitation, submitted_proposal
from tests.factories.reports import report_row
from tests.factories.scheduling import TeamFactory, make_shift, place
from tests.factories.training import (
    CourseFactory,
    EnrollmentFactory,
    FieldHoursFactory,
    TrainingRecordFactory,
    TrainingSessionFactory,
    requirement,
)

# The columns of the matrix. "resident" has no account: it is an anonymous browser that holds the
# signed link of its own community-session registration.
ROLES = (
    "anonymous", "resident", "no_membership", "responder", "trainer", "coordinator_a", "coordinator_b",
    "evaluator_assigned", "evaluator_unassigned", "evaluator_recused", "procurement_officer", "moderator",
    "program_evaluator", "program_admin", "dispatcher",
)

# Totals chosen so that their digits appear nowhere else: a body containing them shows a price.
PRICE_A = Decimal("91234.00")
PRICE_B = Decimal("87654.00")

# The resident who left feedback with consent to be contacted.
CONTACT = {"name": "Marisol Quintanilla-Oduya", "email": "marisol.quintanilla@resident.example",
           "phone": "617-555-0199"}


def price_strings(total: Decimal) -> list[str]:
    """Every way a page or the API could print the total or one of its lines."""
    out = []
    for share in ("1", "0.5", "0.3", "0.1", "0.05"):
        amount = (total * Decimal(share)).quantize(Decimal("0.01"))
        whole = int(amount)
        out += [f"{amount}", f"{whole:,}", f"{whole:,}.{str(amount).split('.')[1]}"]
    return sorted(set(out))


@dataclass(repr=False)
class World:
    users: dict = field(default_factory=dict)    # role -> the user in that column (no entry: no account)
    tokens: dict = field(default_factory=dict)   # role -> raw API token
    obj: dict = field(default_factory=dict)      # name -> object, for URL kwargs
    strings: dict = field(default_factory=dict)  # name -> signed links' tokens and other literal values

    def __getattr__(self, name):
        try:
            return self.__dict__["obj"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _tampered(token: str) -> str:
    """The same link with one character of its signature changed."""
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def build_world() -> World:
    w = World()
    o = w.obj
    now = timezone.now()
    today = timezone.localdate()  # every date is relative: the services refuse dates in the future
    if not Neighborhood.objects.exists():  # a reused test database emptied by a transactional test
        load_reference_data()

    # --- organizations and people --------------------------------------------------------------------
    city = CityDepartmentFactory(name="City Health and Human Services", slug="city-health")
    org_a = OrganizationFactory(name="Harborlight Peer Outreach", slug="harborlight-peer")
    org_b = OrganizationFactory(name="Riverbend Wellness Collective", slug="riverbend-wellness")
    firm = OrganizationFactory(name="Commonwealth Evaluation Group", slug="commonwealth-eval",
                               kind="evaluation_firm")
    o.update(city=city, org_a=org_a, org_b=org_b, firm=firm)

    u = w.users
    u["no_membership"] = UserFactory(email="nobody@example.org", full_name="Nolan Member")
    u["responder"] = user_with_role(Role.RESPONDER, org_a, email="rae@a.example", full_name="Rae Responder")
    u["trainer"] = user_with_role(Role.TRAINER, org_a, email="tess@a.example", full_name="Tess Trainer")
    u["coordinator_a"] = user_with_role(Role.COORDINATOR, org_a, email="cora@a.example", full_name="Cora Alpha")
    u["coordinator_b"] = user_with_role(Role.COORDINATOR, org_b, email="bea@b.example", full_name="Bea Bravo")
    u["evaluator_assigned"] = user_with_role(Role.RFP_EVALUATOR, city, email="eve@city.example",
                                             full_name="Eve Assigned")
    u["evaluator_unassigned"] = user_with_role(Role.RFP_EVALUATOR, city, email="una@city.example",
                                               full_name="Una Unassigned")
    u["evaluator_recused"] = user_with_role(Role.RFP_EVALUATOR, city, email="rex@city.example",
                                            full_name="Rex Recused")
    u["procurement_officer"] = user_with_role(Role.PROCUREMENT_OFFICER, city, email="olive@city.example",
                                              full_name="Olive Officer")
    u["moderator"] = user_with_role(Role.MODERATOR, city, email="mo@city.example", full_name="Mo Derator")
    u["program_evaluator"] = user_with_role(Role.PROGRAM_EVALUATOR, firm, email="pe@firm.example",
                                            full_name="Pia Evaluator")
    u["program_admin"] = user_with_role(Role.PROGRAM_ADMIN, city, email="ada@city.example", full_name="Ada Admin")
    # The 911 center's supervisor: a city department of its own, the on-duty board and the dispatch API, read only.
    emergency = CityDepartmentFactory(name="City Emergency Communications Center", slug="city-ecc")
    o["emergency"] = emergency
    u["dispatcher"] = user_with_role(Role.DISPATCHER, emergency, email="dee@ecc.example", full_name="Dee Dispatcher")
    # The people of the world who are not columns: a peer in A, a responder and trainer in B.
    peer_a = user_with_role(Role.RESPONDER, org_a, email="pat@a.example", full_name="Pat Peer")
    responder_b = user_with_role(Role.RESPONDER, org_b, email="rob@b.example", full_name="Rob Bravo")
    trainer_b = user_with_role(Role.TRAINER, org_b, email="tia@b.example", full_name="Tia Bravo")
    o.update(peer_a=peer_a, responder_b=responder_b, trainer_b=trainer_b)
    o["membership_a"] = u["responder"].memberships.get()
    o["membership_b"] = responder_b.memberships.get()

    for role, user in u.items():
        token, raw = api_token_create(user=user, name=f"matrix {role}")
        w.tokens[role] = raw
        o[f"api_token_{role}"] = token

    # --- invitations --------------------------------------------------------------------------------
    o["invitation_a"] = invitation_create(by=u["coordinator_a"], email="newbie@a.example", organization=org_a,
                                          role=Role.RESPONDER, full_name="New Bie")
    o["invitation_b"] = invitation_create(by=u["coordinator_b"], email="newbie@b.example", organization=org_b,
                                          role=Role.RESPONDER, full_name="New Bee")
    from apps.accounts.services import invitation_token

    w.strings["invitation_a"] = invitation_token(invitation=o["invitation_a"])
    w.strings["invitation_tampered"] = _tampered(w.strings["invitation_a"])

    # --- training -----------------------------------------------------------------------------------
    cpr = CourseFactory(code="cpr", title="CPR and First Aid", renewal_months=24)
    o["course"] = cpr
    o["requirement"] = requirement(courses=[cpr], role="responder")
    for person, org in ((u["responder"], org_a), (peer_a, org_a), (responder_b, org_b)):
        TrainingRecordFactory(responder=person, organization=org, course=cpr, completed_on=today - timedelta(days=300))
    mhfa = CourseFactory(code="mhfa", title="Mental Health First Aid", renewal_months=36)
    for key, person, org in (("a", u["responder"], org_a), ("b", responder_b, org_b)):
        o[f"record_{key}"] = record_submit(by=person, responder=person, organization=org, course=mhfa,
                                           completed_on=today - timedelta(days=30), evidence=pdf_upload(f"{key}.pdf"))
    o["training_session_a"] = TrainingSessionFactory(course=cpr, organization=org_a, trainer=u["trainer"],
                                                     capacity=5)
    o["training_session_b"] = TrainingSessionFactory(course=cpr, organization=org_b, trainer=trainer_b,
                                                     capacity=5)
    o["enrollment_a"] = EnrollmentFactory(session=o["training_session_a"], responder=u["responder"])
    o["enrollment_b"] = EnrollmentFactory(session=o["training_session_b"], responder=responder_b)
    o["field_hours_a"] = FieldHoursFactory(responder=u["responder"], organization=org_a, preceptor=u["trainer"],
                                           status=FieldHours.Status.PENDING, worked_on=today - timedelta(days=20))
    o["field_hours_b"] = FieldHoursFactory(responder=responder_b, organization=org_b, preceptor=trainer_b,
                                           status=FieldHours.Status.PENDING, worked_on=today - timedelta(days=20))

    # --- scheduling ---------------------------------------------------------------------------------
    start = (now + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    for key, org, responder in (("a", org_a, u["responder"]), ("b", org_b, responder_b)):
        team = TeamFactory(organization=org, name=f"Team {key.upper()}")
        team.zones.set([neighborhood("Dorchester")])
        shift = make_shift(team=team, starts_at=start, zones=[neighborhood("Dorchester")])
        open_shift = make_shift(team=team, starts_at=start + timedelta(days=2))
        o[f"team_{key}"], o[f"shift_{key}"], o[f"open_shift_{key}"] = team, shift, open_shift
        o[f"position_{key}"] = open_shift.positions.get(role=PositionRole.RESPONDER)
        o[f"assignment_{key}"] = place(shift=shift, responder=responder)
        o[f"swap_{key}"] = SwapRequest.objects.create(assignment=o[f"assignment_{key}"], offered_by=responder,
                                                      note="Family event")
        o[f"time_off_{key}"] = TimeOff.objects.create(responder=responder, organization=org,
                                                      starts_at=start + timedelta(days=10),
                                                      ends_at=start + timedelta(days=11), reason="Trip")
        o[f"availability_{key}"] = Availability.objects.create(
            responder=responder, weekday=0, start_time="09:00", end_time="17:00")
        o[f"template_{key}"] = ShiftTemplate.objects.create(
            team=team, name=f"Day {key}", weekdays=[0, 1, 2, 3, 4], start_time="08:00", end_time="16:00")
    local_start = timezone.localtime(start)
    w.strings["week"] = (local_start.date() - timedelta(days=local_start.weekday())).isoformat()
    o["feed_a"] = CalendarFeed.objects.create(user=u["responder"])
    o["feed_b"] = CalendarFeed.objects.create(user=responder_b)

    # --- procurement: A and B propose; blind evaluation with an assigned, a recused and an unassigned
    # evaluator; a second solicitation is still sealed with A's proposal in it -----------------------------
    officer = u["procurement_officer"]
    with time_machine.travel(now - timedelta(days=30), tick=False):
        solicitation = published_solicitation(officer, reference="RFP-M-001", blind_review=True)
        o["document"] = procurement_services.document_add(solicitation=solicitation, by=officer,
                                                          title="Scope of services", upload=pdf_upload("scope.pdf"))
        o["addendum"] = procurement_services.addendum_publish(solicitation=solicitation, by=officer,
                                                              title="Addendum one", body="Dates clarified.")
        for coordinator, org in ((u["coordinator_a"], org_a), (u["coordinator_b"], org_b)):
            procurement_services.addendum_acknowledge(addendum=o["addendum"], organization=org, by=coordinator)
        o["clarification"] = procurement_services.clarification_ask(
            solicitation=solicitation, organization=org_a, by=u["coordinator_a"], question="Is a pilot allowed?")
        o["proposal_a"] = submitted_proposal(solicitation, u["coordinator_a"], org_a, total=PRICE_A)
        o["proposal_b"] = submitted_proposal(solicitation, u["coordinator_b"], org_b, total=PRICE_B)
        for evaluator in ("evaluator_assigned", "evaluator_recused"):
            procurement_services.evaluator_assign(solicitation=solicitation, evaluator=u[evaluator], by=officer)
    with time_machine.travel(now - timedelta(days=15), tick=False):
        procurement_services.solicitation_open(solicitation=solicitation, by=officer)
        solicitation.refresh_from_db()
        for proposal in solicitation.proposals.filter(status="submitted"):
            for criterion in solicitation.criteria.filter(kind="minimum"):
                procurement_services.responsiveness_record(proposal=proposal, criterion=criterion, by=officer,
                                                           passed=True, reason="Certificate on file.")
        procurement_services.solicitation_evaluation_start(solicitation=solicitation, by=officer)
        procurement_services.attestation_sign(solicitation=solicitation, by=u["evaluator_assigned"],
                                              signed_name="Eve Assigned", conflicts={})
        procurement_services.attestation_sign(solicitation=solicitation, by=u["evaluator_recused"],
                                              signed_name="Rex Recused",
                                              conflicts={org_a.pk: "Board member of the applicant"})
        criterion = solicitation.criteria.filter(kind="comparative").first()
        procurement_services.score_save(proposal=o["proposal_b"], criterion=criterion, by=u["evaluator_assigned"],
                                        rating="advantageous", rationale="Clear plan.")
    solicitation.refresh_from_db()
    o["solicitation"] = solicitation
    o["criterion"] = criterion
    o["score_sheet"] = o["proposal_b"].sheets.get()
    o["score"] = o["score_sheet"].scores.get()
    o["attachment_a"] = o["proposal_a"].attachments.get()
    o["attachment_b"] = o["proposal_b"].attachments.get()

    sealed = published_solicitation(officer, reference="RFP-M-002", blind_review=False)
    o["sealed_solicitation"] = sealed
    o["sealed_proposal_a"] = submitted_proposal(sealed, u["coordinator_a"], org_a, total=PRICE_A)
    o["sealed_attachment_a"] = o["sealed_proposal_a"].attachments.get()
    o["draft_proposal_b"] = procurement_services.proposal_start(solicitation=sealed, organization=org_b,
                                                                by=u["coordinator_b"])

    # --- engagement ---------------------------------------------------------------------------------
    session = SessionFactory(organization=city, title="Dorchester listening session", capacity=20)
    o["community_session"] = session
    o["draft_community_session"] = SessionFactory(organization=city, status=CommunitySession.Status.DRAFT,
                                                  published_at=None, title="Draft design workshop")
    o["registration"] = engagement_services.registration_create(
        session_id=session.pk, name="Rosa Resident", language=language("en"),
        access_needs="Wheelchair seating near the door")
    o["other_registration"] = engagement_services.registration_create(
        session_id=session.pk, name="Omar Otherresident", language=language("en"))
    reg, other = o["registration"], o["other_registration"]
    w.strings["registration_own"] = engagement_services.registration_token(reg)
    w.strings["registration_other"] = engagement_services.registration_token(other)
    # Another resident's registration reached from the resident's own link: the id swapped while the
    # code stays the resident's. The signature is valid (the test holds the key); the code check must hold.
    w.strings["registration_swapped"] = signing.dumps({"r": other.pk, "c": reg.code},
                                                      salt=engagement_services.REGISTRATION_SALT)
    w.strings["registration_tampered"] = _tampered(w.strings["registration_own"])
    o["staff_task"] = StaffTask.objects.filter(registration=reg).first() or StaffTask.objects.create(
        session=session, registration=reg, kind=StaffTask.Kind.ACCESS, details="Wheelchair seating")
    o["feedback_contact"] = engagement_services.feedback_submit(
        text="Send neighbors who know the block, not only police.", language=language("en"), session=session,
        neighborhood=neighborhood("Dorchester"), contact_consent=True, contact_name=CONTACT["name"],
        contact_email=CONTACT["email"], contact_phone=CONTACT["phone"])
    o["feedback_plain"] = engagement_services.feedback_submit(
        text="A better police response, not no police response.", language=language("en"))
    engagement_services.feedback_moderate(by=u["moderator"], item=o["feedback_contact"], approve=True)
    engagement_services.feedback_moderate(by=u["moderator"], item=o["feedback_plain"], approve=True)
    o["theme"] = ThemeFactory()
    o["decision"] = engagement_services.decision_save(
        by=u["moderator"], title="Residents asked for peers",
            translations={"es": {"title": "Pidieron pares", "action": "Financiamos equipos"}},
        action="We fund peer teams", outcome=Decision.Outcome.ADOPTED,
        decided_on=today - timedelta(days=10), themes=[o["theme"]], feedback_items=[o["feedback_plain"]])
    engagement_services.decision_publish(by=u["moderator"], decision=o["decision"])
    o["draft_decision"] = engagement_services.decision_save(
        by=u["moderator"], title="Not yet public",
            translations={"es": {"title": "Aún no", "action": "Pendiente"}},
            action="Pending", outcome=Decision.Outcome.ADAPTED, decided_on=today - timedelta(days=5))

    # --- notifications, reports ---------------------------------------------------------------------
    for key, person in (("a", u["responder"]), ("b", responder_b)):
        o[f"notification_{key}"] = Notification.objects.create(
            kind="scheduling.shift_reminder", channel="in_app", dedupe_key=f"matrix:{key}", recipient_user=person,
            subject=f"Shift reminder {key}", body_text="Your shift starts soon.", status=Notification.Status.SENT)
    w.strings["unsubscribe"] = unsubscribe_token(contact=CONTACT["email"])
    w.strings["unsubscribe_tampered"] = _tampered(w.strings["unsubscribe"])
    o["report_a"] = report_row(u["coordinator_a"], kind="training_compliance", status=ReportRequest.Status.SUCCEEDED,
                               title="Training compliance — Harborlight")
    o["report_b"] = report_row(u["coordinator_b"], kind="training_compliance", status=ReportRequest.Status.SUCCEEDED,
                               title="Training compliance — Riverbend")
    o["api_token_peer"] = api_token_create(user=peer_a, name="peer's token")[0]
    o["language"], o["neighborhood"] = language("en"), neighborhood("Dorchester")
    o["audit_event_a"] = AuditEvent.objects.filter(organization=org_a).earliest("pk")
    o["audit_event_b"] = AuditEvent.objects.filter(organization=org_b).earliest("pk")

    # --- operations (ENCOUNTERS): an encounter of each organization, recorded by its coordinator ---------------
    for key, org in (("a", org_a), ("b", org_b)):
        received = now - timedelta(days=2)
        o[f"encounter_{key}"] = Encounter.objects.create(
            organization=org, zone=neighborhood("Dorchester"), source="911", outcome="resolved",
            received_at=received, dispatched_at=received + timedelta(minutes=2),
            arrived_at=received + timedelta(minutes=15), recorded_by=u[f"coordinator_{key}"],
            idempotency_key=f"00000000-0000-4000-8000-00000000000{1 if key == 'a' else 2}")

    # --- auto-roster: a proposal of each organization (empty: accepting or discarding it is the scene) ----
    for key, org in (("a", org_a), ("b", org_b)):
        run = RosterRun.objects.create(organization=org, status=RosterRun.Status.PROPOSED, starts_on=today,
                                       ends_on=today + timedelta(days=6), time_limit=5,
                                       created_by=u[f"coordinator_{key}"], stats={"places": 0, "filled": 0})
        run.teams.set([o[f"team_{key}"]])
        o[f"roster_run_{key}"] = run

    # --- operations (issue 22, DISPATCH): a service token of the dispatch system ----------------------------
    from apps.operations.tokens import service_token_create

    o["service_token"], w.strings["service_token"] = service_token_create(
        by=u["program_admin"], name="911 CAD", scopes=["dispatch:read"], expires_at=now + timedelta(days=30))
    return w
