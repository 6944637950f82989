"""A small but complete world for the API fuzz: one user per role with an API token, and real
objects in every app, so the fuzzer reaches past "404 no such id" into the code that acts.

Built through the factories and the services (so every rule applies), the procurement part in the
past with a moved clock so an RFP can be opened and scored. `World.references` lists the ids,
slugs and codes that exist, keyed by the path or field names the API uses for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.accounts import services as account_services
from apps.accounts.models import Invitation, Membership, Organization, User
from apps.accounts.roles import OrganizationKind, Role
from apps.core.models import AuditEvent, Language, Neighborhood
from apps.engagement import services as engagement_services
from apps.engagement.models import CommunitySession, FeedbackItem
from apps.notifications.models import Notification
from apps.procurement import services as procurement_services
from apps.procurement.models import Criterion, Proposal, Score, Solicitation
from apps.reports.models import ReportRequest
from apps.scheduling import services as scheduling_services
from apps.scheduling.models import (
    Assignment,
    Position,
    PositionRole,
    RosterRun,
    Shift,
    ShiftTemplate,
    SwapRequest,
    Team,
    TimeOff,
)
from apps.scheduling.roster.services import roster_solve, roster_start
from apps.training import services as training_services
from apps.training.models import Course, FieldHours, RoleRequirement, TrainingRecord, TrainingSession
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.engagement import SessionFactory, ThemeFactory
from tests.factories.procurement import complete_proposal, draft_solicitation, pdf_upload, published_solicitation
from tests.factories.reports import report_row
from tests.factories.scheduling import make_shift, place, team_type
from tests.factories.training import CourseFactory, TrainingRecordFactory, requirement

# The roles the fuzz signs in as, each with its own knox token; None is the anonymous caller.
ROLES = (None, Role.RESPONDER, Role.TRAINER, Role.COORDINATOR, Role.RFP_EVALUATOR, Role.PROCUREMENT_OFFICER,
         Role.MODERATOR, Role.PROGRAM_EVALUATOR, Role.PROGRAM_ADMIN)


@dataclass
class World:
    users: dict[str, User]
    tokens: dict[str, str]
    # {"path": {"<collection path>": [values]}, "query": {name: [values]}, "body": {name: [values]}}
    references: dict[str, dict[str, list]] = field(default_factory=dict)


def _ids(queryset) -> list[int]:
    return sorted(queryset.values_list("pk", flat=True))


def _procurement(officer, evaluator, harbor_coordinator, harbor, riverside_coordinator, riverside) -> None:
    """A published RFP with a complete draft proposal, a draft RFP, and one in evaluation (scored)."""
    published = published_solicitation(officer, reference="RFP-FZ-001")
    complete_proposal(published, harbor_coordinator, harbor)
    draft_solicitation(officer, reference="RFP-FZ-002")
    past = timezone.now() - timedelta(days=30)
    with time_machine.travel(past, tick=False):
        rfp = published_solicitation(officer, reference="RFP-FZ-003", rating_method="points")
        for coordinator, organization in ((harbor_coordinator, harbor), (riverside_coordinator, riverside)):
            proposal = complete_proposal(rfp, coordinator, organization)
            procurement_services.proposal_submit(proposal=proposal, by=coordinator)
    with time_machine.travel(rfp.proposals_due_at + timedelta(hours=1), tick=False):
        procurement_services.evaluator_assign(solicitation=rfp, evaluator=evaluator, by=officer)
        procurement_services.solicitation_open(solicitation=rfp, by=officer)
        for proposal in rfp.proposals.filter(status="submitted"):
            for criterion in rfp.criteria.filter(kind="minimum"):
                procurement_services.responsiveness_record(proposal=proposal, criterion=criterion, by=officer,
                                                           passed=True, reason="Certificate on file.")
        procurement_services.solicitation_evaluation_start(solicitation=rfp, by=officer)
        procurement_services.attestation_sign(solicitation=rfp, by=evaluator, signed_name=evaluator.full_name,
                                              conflicts={})
        # A fresh user: the committee seat is cached on the user object from before the attestation.
        scorer = User.objects.get(pk=evaluator.pk)
        first = Proposal.objects.filter(solicitation=rfp).order_by("pk").first()
        procurement_services.score_save(proposal=first, criterion=rfp.criteria.filter(kind="comparative").first(),
                                        by=scorer, rationale="Strong peer model.", points=30)


def _procurement_api(harbor_coordinator, harbor) -> None:
    """For the procurement API's write operations (issue 24): a question waiting for its answer."""
    published = Solicitation.objects.get(reference="RFP-FZ-001")
    procurement_services.clarification_ask(solicitation=published, organization=harbor, by=harbor_coordinator,
                                           question="May the program start in one zone?")


def _procurement_api_references(users: list[int]) -> tuple[dict, dict]:
    """The procurement API's path collections and body fields that name objects (issue 24)."""
    from apps.procurement.models import Addendum, Clarification, RequiredAttachment

    paths = {"procurement/clarifications": _ids(Clarification.objects.all())}
    names = {"evaluator": users, "addendum": _ids(Addendum.objects.all()),
             "required_attachment": _ids(RequiredAttachment.objects.all())}
    return paths, names


def _training(harbor, coordinator, trainer, responder, colleague) -> None:
    cpr = CourseFactory(code="fz-cpr", title="CPR and First Aid")
    mhfa = CourseFactory(code="fz-mhfa", title="Mental Health First Aid", renewal_months=36)
    requirement(courses=[cpr], role="responder")
    requirement(courses=[cpr, mhfa], role="responder", organization=harbor, effective_from=date(2025, 6, 1))
    for person in (responder, colleague):
        TrainingRecordFactory(responder=person, organization=harbor, course=cpr, completed_on=date.today(),
                              verified_by=trainer)
        TrainingRecordFactory(responder=person, organization=harbor, course=mhfa, completed_on=date.today(),
                              verified_by=trainer)
    # Waiting for a decision: verify / reject have something to act on.
    training_services.record_submit(by=responder, responder=responder, organization=harbor, course=mhfa,
                                    completed_on=date.today() - timedelta(days=3), evidence=pdf_upload(),
                                    certificate_number="MHFA-1")
    start = timezone.now() + timedelta(days=6)
    session = training_services.session_create(by=coordinator, organization=harbor, course=cpr, trainer=trainer,
                                               starts_at=start, ends_at=start + timedelta(hours=8),
                                               location="Community room", capacity=3)
    training_services.enrollment_create(by=colleague, session=session, responder=colleague)
    training_services.field_hours_log(by=responder, organization=harbor, worked_on=date.today() - timedelta(days=2),
                                      hours=Decimal("6"), preceptor=trainer, activity="Ride-along")


def _scheduling(harbor, riverside, coordinator, riverside_coordinator, responder, colleague, outsider) -> None:
    kind = team_type()
    dorchester = Neighborhood.objects.get(name="Dorchester")
    team = scheduling_services.team_create(by=coordinator, organization=harbor, team_type=kind, name="Harbor Days",
                                           zones=[dorchester])
    soon = timezone.now() + timedelta(days=3)
    published = make_shift(team=team, starts_at=soon, positions=((PositionRole.LEAD, 1), (PositionRole.RESPONDER, 2)))
    mine = place(shift=published, responder=responder)
    scheduling_services.swap_offer(by=responder, assignment=mine, note="Family event")
    make_shift(team=team, starts_at=soon + timedelta(days=1), status=Shift.Status.DRAFT)
    # Under way: check-in and check-out have an assignment that can take them.
    now_shift = make_shift(team=team, starts_at=timezone.now() - timedelta(minutes=30), hours=6)
    place(shift=now_shift, responder=colleague)
    later = make_shift(team=team, starts_at=soon + timedelta(days=2))
    place(shift=later, responder=colleague)
    scheduling_services.time_off_request(by=responder, organization=harbor, starts_at=soon + timedelta(days=10),
                                         ends_at=soon + timedelta(days=11), reason="Vacation")
    other_team = scheduling_services.team_create(by=riverside_coordinator, organization=riverside, team_type=kind,
                                                 name="Riverside Nights")
    other = make_shift(team=other_team, starts_at=soon + timedelta(hours=12))
    place(shift=other, responder=outsider)
    _roster(coordinator, team, soon)


def _roster(coordinator, team, soon) -> None:
    """A solved auto-roster proposal (tiny: the team's three shifts, five seconds at most) to read, accept
    or discard, and a call-out tomorrow that a repair can refill."""
    first = timezone.localdate(soon)
    run = roster_start(by=coordinator, teams=[team], starts_on=first, ends_on=first + timedelta(days=2), time_limit=5)
    roster_solve(run_id=run.pk)  # the task is enqueued on commit, which the fuzz's transaction never reaches
    tomorrow = make_shift(team=team, starts_at=timezone.now() + timedelta(hours=24), hours=4,
                          positions=((PositionRole.RESPONDER, 1),))
    callout = place(shift=tomorrow, responder=User.objects.get(email="colleague@fuzz.example"))
    scheduling_services.assignment_cancel(by=coordinator, assignment=callout, reason="Sick")
    # Recurring shifts a responder's roster preferences can name.
    ShiftTemplate.objects.create(team=team, name="Days", weekdays=[0, 1, 2, 3, 4], start_time="08:00",
                                 end_time="16:00")


def _engagement(city, moderator) -> None:
    session = SessionFactory(organization=city, capacity=4)
    session.interpretation_languages.set(Language.objects.filter(code__in=["es", "ht"]))
    SessionFactory(organization=city, status=CommunitySession.Status.DRAFT, published_at=None)
    english = Language.objects.get(code="en")
    for n in range(3):
        engagement_services.feedback_submit(text=f"We want trained neighbors to answer, comment {n}.",
                                            language=english, session=session,
                                            channel=FeedbackItem.Channel.PAPER_CARD, entered_by=moderator)
    ThemeFactory(name="Police presence")
    ThemeFactory(name="Response time")


def build_world() -> World:
    city = CityDepartmentFactory(name="City Health", slug="city-health")
    harbor = OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")
    riverside = OrganizationFactory(name="Riverside Wellness", slug="riverside")
    firm = OrganizationFactory(name="Commonwealth Evaluation", slug="evaluation-firm",
                               kind=OrganizationKind.EVALUATION_FIRM)
    homes = {Role.PROGRAM_ADMIN: city, Role.PROCUREMENT_OFFICER: city, Role.RFP_EVALUATOR: city,
             Role.MODERATOR: city, Role.COORDINATOR: harbor, Role.TRAINER: harbor, Role.RESPONDER: harbor,
             Role.PROGRAM_EVALUATOR: firm}
    users = {role: user_with_role(role, homes[role], email=f"{role}@fuzz.example", full_name=f"Fuzz {role}")
             for role in homes}
    colleague = user_with_role(Role.RESPONDER, harbor, email="colleague@fuzz.example", full_name="Cole League")
    riverside_coordinator = user_with_role(Role.COORDINATOR, riverside, email="river@fuzz.example")
    outsider = user_with_role(Role.RESPONDER, riverside, email="outsider@fuzz.example")

    _procurement(users[Role.PROCUREMENT_OFFICER], users[Role.RFP_EVALUATOR], users[Role.COORDINATOR], harbor,
                 riverside_coordinator, riverside)
    _procurement_api(users[Role.COORDINATOR], harbor)
    _training(harbor, users[Role.COORDINATOR], users[Role.TRAINER], users[Role.RESPONDER], colleague)
    _scheduling(harbor, riverside, users[Role.COORDINATOR], riverside_coordinator, users[Role.RESPONDER], colleague,
                outsider)
    _engagement(city, users[Role.MODERATOR])
    account_services.invitation_create(by=users[Role.COORDINATOR], email="new.responder@fuzz.example",
                                       organization=harbor, role=Role.RESPONDER)
    report_row(users[Role.PROGRAM_ADMIN], status=ReportRequest.Status.SUCCEEDED)
    report_row(users[Role.COORDINATOR])
    _api_parity(users, harbor)

    tokens = {role: account_services.api_token_create(user=user, name="fuzz")[1] for role, user in users.items()}
    return World(users=users, tokens=tokens, references=_references())


def _references() -> dict[str, dict[str, list]]:
    """What exists, keyed by collection path (for path parameters) and by parameter/field name."""
    organizations = sorted(Membership.objects.values_list("organization__slug", flat=True).distinct())
    users = _ids(User.objects.all())
    paths = {
        "audit-events": _ids(AuditEvent.objects.all())[-20:],
        "engagement/feedback": _ids(FeedbackItem.objects.all()),
        "engagement/sessions": _ids(CommunitySession.objects.all()),
        "invitations": _ids(Invitation.objects.all()),
        "languages": _ids(Language.objects.all())[:5],
        "memberships": _ids(Membership.objects.all()),
        "neighborhoods": _ids(Neighborhood.objects.all())[:5],
        "notifications": _ids(Notification.objects.all())[:10],
        "organizations": organizations,
        "procurement/proposals": _ids(Proposal.objects.all()),
        "procurement/scores": _ids(Score.objects.all()),
        "procurement/solicitations": sorted(Solicitation.objects.values_list("reference", flat=True)),
        "reports": _ids(ReportRequest.objects.all()),
        "scheduling/assignments": _ids(Assignment.objects.all()),
        "scheduling/positions": _ids(Position.objects.all()),
        "scheduling/roster-runs": _ids(RosterRun.objects.all()),
        "scheduling/shifts": _ids(Shift.objects.all()),
        "scheduling/swaps": _ids(SwapRequest.objects.all()),
        "scheduling/time-off": _ids(TimeOff.objects.all()),
        "training/courses": sorted(Course.objects.values_list("code", flat=True)),
        "training/field-hours": _ids(FieldHours.objects.all()),
        "training/records": _ids(TrainingRecord.objects.all()),
        "training/requirements": _ids(RoleRequirement.objects.all()),
        "training/sessions": _ids(TrainingSession.objects.all()),
    }
    # Query parameters and body fields that name another object, by the name the API gives them.
    names = {
        "position": paths["scheduling/positions"],
        "responder": users,
        "user": users,
        "shift": paths["scheduling/shifts"],
        "team": _ids(Team.objects.all()),
        "target_type": _ids(ContentType.objects.filter(app_label__in=["accounts", "scheduling", "training"])),
        "assignment": paths["scheduling/assignments"],
        "session": paths["engagement/sessions"] + paths["training/sessions"],
        "proposal": paths["procurement/proposals"],
        "criterion": _ids(Criterion.objects.all()),
        # By slug (accounts, training) or by id (scheduling): a field gets the values of its own type.
        "organization": organizations + _ids(Organization.objects.filter(memberships__isnull=False).distinct()),
        "course": paths["training/courses"],
        "language": ["en", "es", "ht"],
        "interpretation_language": ["es", "ht", "ase"],
        "neighborhood": sorted(Neighborhood.objects.values_list("slug", flat=True))[:5],
        "themes": [[pk] for pk in _ids_of_themes()],
        "teams": [[pk] for pk in _ids(Team.objects.all())],
        "preferred_templates": [[pk] for pk in _ids(ShiftTemplate.objects.all())],
        "avoided_templates": [[pk] for pk in _ids(ShiftTemplate.objects.all())],
        "preferred_zones": [[slug] for slug in sorted(Neighborhood.objects.values_list("slug", flat=True))[:3]],
        "languages": [["es"], ["en", "ht"]],
    }
    _api_parity_references(paths, names)
    # ENCOUNTERS (operations): an encounter's zone is a neighborhood's slug.
    names["zone"] = names["neighborhood"]
    procurement_paths, procurement_names = _procurement_api_references(users)
    return {"path": {**paths, **procurement_paths}, "names": {**names, **procurement_names}}


def _ids_of_themes() -> list[int]:
    from apps.engagement.models import Theme

    return _ids(Theme.objects.all())


# --- issue 24, API parity: what the operations added for the pages' actions act on and name ---------------

def _api_parity(users, harbor) -> None:
    """Objects the parity operations act on: a responder's availability window, a draft decision, a
    registration's follow-up task, a draft community session."""
    from apps.engagement.models import Decision, StaffTask
    from apps.scheduling.models import Availability

    Availability.objects.create(responder=users[Role.RESPONDER], weekday=2, start_time="09:00", end_time="17:00")
    engagement_services.decision_save(by=users[Role.MODERATOR], title="Peers at night",
                                      translations={"es": {"title": "Pares de noche", "action": "Un segundo equipo"}},
                                      action="A second team",
                                      outcome=Decision.Outcome.ADOPTED, decided_on=date.today() - timedelta(days=3))
    session = CommunitySession.objects.filter(status=CommunitySession.Status.PUBLISHED).first()
    registration = engagement_services.registration_create(session_id=session.pk, name="Rosa Fuzz",
                                                           language=Language.objects.get(code="en"))
    StaffTask.objects.create(session=session, registration=registration, kind=StaffTask.Kind.ACCESS,
                             details="Step-free seating")


def _api_parity_references(paths: dict, names: dict) -> None:
    """Collections and body fields of the parity operations that name other objects."""
    from apps.engagement.models import Decision, StaffTask, Theme
    from apps.scheduling.models import Availability, TeamType
    from apps.training.models import Enrollment

    paths.update({
        "engagement/decisions": _ids(Decision.objects.all()),
        "engagement/staff-sessions": paths["engagement/sessions"],
        "engagement/tasks": _ids(StaffTask.objects.all()),
        "scheduling/availability": _ids(Availability.objects.all()),
        "scheduling/templates": _ids(ShiftTemplate.objects.all()),
        "scheduling/roster-profiles/members": _ids(Membership.objects.filter(role=Role.RESPONDER)),
        "training/enrollments": _ids(Enrollment.objects.all()),
    })
    languages = [["es"], ["en", "ht"]]
    names.update({
        "parent": _ids(Theme.objects.filter(parent__isnull=True)),
        "feedback_items": [[pk] for pk in _ids(FeedbackItem.objects.all())],
        "team_type": sorted(TeamType.objects.values_list("key", flat=True)),
        "zones": names["preferred_zones"],
        "desired_languages": languages,
        "interpretation_languages": languages,
        "facilitating_organization": _ids(Organization.objects.all()),
        "trainer": _ids(User.objects.filter(memberships__role=Role.TRAINER)),
        "preceptor": _ids(User.objects.filter(memberships__role__in=[Role.TRAINER, Role.COORDINATOR])),
        "courses": [[code] for code in paths["training/courses"]],
    })
