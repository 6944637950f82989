"""The scale data itself (apps/scale/plan.py says how much): rows written with bulk_create in batches,
every random choice from one random.Random(SEED), so a factor always gives the same data."""

import hashlib
import json
import random
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Membership, Organization, User
from apps.accounts.roles import OrganizationKind, Role
from apps.core.models import Language, Neighborhood
from apps.engagement.models import CommunitySession, FeedbackItem, Registration
from apps.engagement.services import CODE_ALPHABET, CODE_LENGTH
from apps.procurement.models import (
    ConflictAttestation,
    ConflictDeclaration,
    Criterion,
    EvaluatorAssignment,
    PriceProposal,
    Proposal,
    ProposalQuestion,
    ProposalSubmission,
    Rating,
    ResponsivenessReview,
    Score,
    ScoreSheet,
    Solicitation,
    TechnicalAnswer,
)
from apps.scheduling.models import Assignment, Position, PositionRole, Shift, Team, TeamType
from apps.training.demo import CATALOG, REQUIREMENTS
from apps.training.models import Course, FieldHours, RequirementRole, RoleRequirement, TrainingRecord, add_months

from .plan import (
    COMPARATIVE_CRITERIA,
    DAYS,
    DAYS_BEFORE_TODAY,
    DOMAIN,
    EVALUATORS,
    FIELD_HOURS_PER_RESPONDER,
    PENDING_EVERY,
    PROPOSALS_PER_SOLICITATION,
    QUESTIONS,
    RECORDS_PER_RESPONDER,
    REFERENCE_PREFIX,
    REGISTRATIONS_PER_SESSION,
    SHIFT_SLOTS,
    SLUG_PREFIX,
    extra_place,
    scale_plan,
)

BATCH = 2000
SEED = 20261127


class Seeder:
    def __init__(self, factor: float, stdout):
        self.factor = factor
        self.plan = scale_plan(factor)
        self.rng = random.Random(SEED)  # noqa: S311 - benchmark data, not security
        self.stdout = stdout
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_default_timezone()
        self.password = make_password(None)

    def log(self, message: str) -> None:
        self.stdout.write(f"  {message}")

    def local(self, day: date, at: clock) -> datetime:
        return datetime.combine(day, at, tzinfo=self.tz)

    # --- people ---------------------------------------------------------------------------------

    def organizations(self) -> None:
        plan = self.plan
        rows = [Organization(name="Scale City Department", slug=f"{SLUG_PREFIX}city",
                             kind=OrganizationKind.CITY_DEPARTMENT),
                Organization(name="Scale Evaluation Firm", slug=f"{SLUG_PREFIX}evaluation",
                             kind=OrganizationKind.EVALUATION_FIRM)]
        rows += [Organization(name=f"Scale Nonprofit {n:03d}", slug=f"{SLUG_PREFIX}np-{n:03d}",
                              kind=OrganizationKind.NONPROFIT) for n in range(plan["nonprofits"])]
        rows += [Organization(name=f"Scale Applicant {n:03d}", slug=f"{SLUG_PREFIX}applicant-{n:03d}",
                              kind=OrganizationKind.NONPROFIT) for n in range(plan["applicant_organizations"])]
        created = Organization.objects.bulk_create(rows)
        self.city, self.firm = created[0], created[1]
        self.nonprofits = created[2:2 + plan["nonprofits"]]
        # Every nonprofit (applicants included) has a coordinator; the first 15 propose.
        self.coordinated = created[2:]
        self.proposers = self.coordinated[:PROPOSALS_PER_SOLICITATION]

    def user(self, local: str, name: str) -> User:
        return User(email=f"{local}@{DOMAIN}", full_name=name, password=self.password, date_joined=self.now)

    def users(self) -> None:
        plan = self.plan
        staff = [("admin", "Scale Admin", Role.PROGRAM_ADMIN), ("procurement", "Scale Procurement",
                                                                Role.PROCUREMENT_OFFICER),
                 ("moderator", "Scale Moderator", Role.MODERATOR)]
        staff += [(f"rfp-evaluator-{n}", f"Scale Evaluator {n}", Role.RFP_EVALUATOR) for n in range(EVALUATORS)]
        people = [self.user(local, name) for local, name, _ in staff]
        people.append(self.user("program-evaluator", "Scale Program Evaluator"))
        for n in range(len(self.coordinated)):
            people.append(self.user(f"coordinator-{n:03d}", f"Coordinator {n:03d}"))
        for n in range(len(self.nonprofits)):
            people.append(self.user(f"trainer-{n:03d}", f"Trainer {n:03d}"))
        for i in range(plan["responders"]):
            people.append(self.user(f"responder-{i:05d}", f"Responder {i:05d}"))
        people = User.objects.bulk_create(people, batch_size=BATCH)
        by_email = {u.email.split("@")[0]: u for u in people}
        self.staff = {local: by_email[local] for local, _, _ in staff}
        self.program_evaluator = by_email["program-evaluator"]
        self.coordinators = [by_email[f"coordinator-{n:03d}"] for n in range(len(self.coordinated))]
        self.coordinator_of = {org.pk: person for org, person in zip(self.coordinated, self.coordinators,
                                                                     strict=True)}
        self.trainers = [by_email[f"trainer-{n:03d}"] for n in range(len(self.nonprofits))]
        self.responders = [by_email[f"responder-{i:05d}"] for i in range(plan["responders"])]
        self.evaluators = [self.staff[f"rfp-evaluator-{n}"] for n in range(EVALUATORS)]

        memberships = [Membership(user=self.staff[local], organization=self.city, role=role)
                       for local, _, role in staff]
        memberships.append(Membership(user=self.program_evaluator, organization=self.firm,
                                      role=Role.PROGRAM_EVALUATOR))
        memberships += [Membership(user=u, organization=o, role=Role.COORDINATOR)
                        for u, o in zip(self.coordinators, self.coordinated, strict=True)]
        memberships += [Membership(user=u, organization=o, role=Role.TRAINER)
                        for u, o in zip(self.trainers, self.nonprofits, strict=True)]
        self.trainer_of = {org.pk: person for org, person in zip(self.nonprofits, self.trainers, strict=True)}
        # Responder i is in team i % teams; team t belongs to nonprofit t % nonprofits.
        self.team_members: list[list[User]] = [[] for _ in range(plan["teams"])]
        for i, person in enumerate(self.responders):
            team = i % plan["teams"]
            self.team_members[team].append(person)
            memberships.append(Membership(user=person, organization=self.team_org(team), role=Role.RESPONDER))
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        # City staff need a second factor to reach their pages (the few, one at a time).
        for person in self.staff.values():
            TOTP.activate(person, generate_totp_secret())
        self.log(f"{len(people)} users, {len(memberships)} memberships")

    def team_org(self, team: int) -> Organization:
        return self.nonprofits[team % len(self.nonprofits)]

    # --- training -------------------------------------------------------------------------------

    def training(self) -> None:
        existing = set(Course.objects.filter(code__in=[row[0] for row in CATALOG]).values_list("code", flat=True))
        Course.objects.bulk_create([
            Course(code=code, title=title, category=category, provider=provider, hours=hours, delivery=delivery,
                   renewal_months=months, expires_end_of_month=eom, recertification_window_days=window,
                   approval_number=approval)
            for code, title, category, provider, hours, delivery, months, eom, window, approval in CATALOG
            if code not in existing])
        courses = {c.code: c for c in Course.objects.filter(code__in=[row[0] for row in CATALOG])}
        requirements = []
        for org in self.nonprofits:
            for role, (_codes, hours) in REQUIREMENTS.items():
                requirements.append(RoleRequirement(role=role, organization=org, effective_from=date(2020, 1, 1),
                                                    min_field_hours=hours, note="Scale data"))
        requirements = RoleRequirement.objects.bulk_create(requirements)
        through = RoleRequirement.courses.through
        through.objects.bulk_create([
            through(rolerequirement_id=req.pk, course_id=courses[code].pk)
            for req in requirements for code in REQUIREMENTS[req.role][0]], batch_size=BATCH)

        required = REQUIREMENTS[RequirementRole.RESPONDER][0]
        renewable = [courses[c] for c in required if courses[c].renewal_months]
        history = RECORDS_PER_RESPONDER - len(required) - 1
        rng, today = self.rng, self.today
        records, hours = [], []
        for i, person in enumerate(self.responders):
            org = self.team_org(i % self.plan["teams"])
            verifier = self.trainer_of[org.pk]
            current: dict[str, date] = {}
            for code in [*required, "cit-foundations"]:
                course = courses[code]
                if course.renewal_months:
                    days = rng.randint(10, course.renewal_months * 30 - 45)
                else:
                    days = rng.randint(30, 900)
                completed = today - timedelta(days=days)
                current[code] = completed
                pending = code == "radio-dispatch" and i % PENDING_EVERY == 0
                records.append(self.record(person, org, course, completed, verifier,
                                           TrainingRecord.Status.PENDING if pending else
                                           TrainingRecord.Status.VERIFIED))
            for h in range(history):
                course = renewable[h % len(renewable)]
                cycles = h // len(renewable) + 1
                completed = add_months(current[course.code], -course.renewal_months * cycles)
                records.append(self.record(person, org, course, completed, verifier,
                                           TrainingRecord.Status.VERIFIED))
            for n in range(FIELD_HOURS_PER_RESPONDER):
                hours.append(FieldHours(responder=person, organization=org, worked_on=today - timedelta(days=40 + n),
                                        hours=Decimal("20"), preceptor=verifier, activity="Ride-along",
                                        status=FieldHours.Status.SIGNED_OFF, signed_off_at=self.now))
        TrainingRecord.objects.bulk_create(records, batch_size=BATCH)
        FieldHours.objects.bulk_create(hours, batch_size=BATCH)
        self.log(f"{len(records)} training records, {len(hours)} field-hour entries")

    def record(self, person, org, course, completed, verifier, status) -> TrainingRecord:
        verified = status == TrainingRecord.Status.VERIFIED
        return TrainingRecord(responder=person, organization=org, course=course, completed_on=completed,
                              expires_on=course.expiry_for(completed), source=TrainingRecord.Source.EXTERNAL,
                              certificate_number=f"C-{self.rng.randrange(10**8):08d}", status=status,
                              submitted_by=person, verified_by=verifier if verified else None,
                              verified_at=self.now if verified else None)

    # --- scheduling -----------------------------------------------------------------------------

    def scheduling(self) -> None:
        team_type = TeamType.objects.get(key="community-responder")
        zones = list(Neighborhood.objects.order_by("sort_order", "name"))
        teams = Team.objects.bulk_create([
            Team(organization=self.team_org(t), team_type=team_type, name=f"Scale team {t:03d}")
            for t in range(self.plan["teams"])])
        Team.zones.through.objects.bulk_create([
            Team.zones.through(team_id=team.pk, neighborhood_id=zones[t % len(zones)].pk)
            for t, team in enumerate(teams)])
        first_day = self.today - timedelta(days=DAYS_BEFORE_TODAY)
        totals = {"shifts": 0, "assignments": 0}
        chunk = max(1, 12000 // (DAYS * len(SHIFT_SLOTS)))
        for start in range(0, len(teams), chunk):
            self._shifts(teams[start:start + chunk], start, first_day, zones, totals)
        self.log(f"{len(teams)} teams, {totals['shifts']} shifts, {totals['assignments']} assignments")

    def _shifts(self, teams, offset, first_day, zones, totals) -> None:
        shifts, meta = [], []
        for n, team in enumerate(teams):
            t = offset + n
            coordinator = self.coordinator_of[team.organization_id]
            for d in range(DAYS):
                day = first_day + timedelta(days=d)
                for s, (at, length) in enumerate(SHIFT_SLOTS):
                    starts = self.local(day, at)
                    ends = starts + timedelta(hours=length)  # wall clock: 16:00 + 8 h is midnight
                    shifts.append(Shift(team=team, organization=team.organization, starts_at=starts, ends_at=ends,
                                        status=Shift.Status.PUBLISHED, published_at=self.now,
                                        created_by=coordinator))
                    meta.append((t, d * len(SHIFT_SLOTS) + s, coordinator))
        shifts = Shift.objects.bulk_create(shifts, batch_size=BATCH)
        Shift.zones.through.objects.bulk_create([
            Shift.zones.through(shift_id=shift.pk, neighborhood_id=zones[t % len(zones)].pk)
            for shift, (t, _, _) in zip(shifts, meta, strict=True)], batch_size=BATCH)
        positions = []
        for shift in shifts:
            positions.append(Position(shift=shift, role=PositionRole.LEAD, count=1))
            positions.append(Position(shift=shift, role=PositionRole.RESPONDER, count=2))
        positions = Position.objects.bulk_create(positions, batch_size=BATCH)
        assignments = []
        for j, (shift, (t, k, coordinator)) in enumerate(zip(shifts, meta, strict=True)):
            members = self.team_members[t]
            lead, responder = positions[2 * j], positions[2 * j + 1]
            # Three fresh people per shift in turn, so nobody works the day and evening back to back.
            people = [(lead, members[3 * k % len(members)]), (responder, members[(3 * k + 1) % len(members)])]
            if extra_place(k):
                people.append((responder, members[(3 * k + 2) % len(members)]))
            past = shift.ends_at <= self.now
            for position, person in people:
                status = Assignment.Status.ASSIGNED
                if past:
                    status = Assignment.Status.NO_SHOW if self.rng.random() < 0.03 else Assignment.Status.COMPLETED
                worked = status == Assignment.Status.COMPLETED
                assignments.append(Assignment(
                    position=position, shift=shift, responder=person, starts_at=shift.starts_at,
                    ends_at=shift.ends_at, status=status, assigned_by=coordinator,
                    checked_in_at=shift.starts_at if worked else None,
                    checked_out_at=shift.ends_at if worked else None))
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        totals["shifts"] += len(shifts)
        totals["assignments"] += len(assignments)

    # --- procurement ----------------------------------------------------------------------------

    def procurement(self) -> None:
        officer = self.staff["procurement"]
        rng, now = self.rng, self.now
        solicitations = Solicitation.objects.bulk_create([
            Solicitation(reference=f"{REFERENCE_PREFIX}{self.today.year}-{n:03d}",
                         title=f"Community crisis response services, lot {n + 1}",
                         summary="Community responders for non-violent behavioral-health calls.",
                         scope="Two teams, seven days a week.", rating_method="adjectival",
                         budget_ceiling=Decimal("1500000.00"), questions_due_at=now - timedelta(days=60),
                         proposals_due_at=now - timedelta(days=30), opening_at=now - timedelta(days=29),
                         scoring_due_at=now + timedelta(days=14), status=Solicitation.Status.EVALUATION,
                         created_by=officer, published_at=now - timedelta(days=90),
                         closed_at=now - timedelta(days=30), opened_at=now - timedelta(days=29),
                         evaluation_started_at=now - timedelta(days=28))
            for n in range(self.plan["solicitations"])])
        criteria, questions = [], []
        for sol in solicitations:
            criteria.append(Criterion(solicitation=sol, kind=Criterion.Kind.MINIMUM, title="Licensed to operate",
                                      order=0))
            criteria += [Criterion(solicitation=sol, kind=Criterion.Kind.COMPARATIVE, title=f"Criterion {c + 1}",
                                   description="Quality of the approach.", order=c + 1)
                         for c in range(COMPARATIVE_CRITERIA)]
            questions += [ProposalQuestion(solicitation=sol, prompt=f"Describe part {q + 1} of your approach.",
                                           order=q) for q in range(QUESTIONS)]
        criteria = Criterion.objects.bulk_create(criteria)
        questions = ProposalQuestion.objects.bulk_create(questions)
        per_sol = 1 + COMPARATIVE_CRITERIA
        codes: set[str] = set()
        while len(codes) < len(solicitations) * PROPOSALS_PER_SOLICITATION:
            codes.add("".join(rng.choice(CODE_ALPHABET) for _ in range(10)))
        code_iter = iter(sorted(codes))
        proposals = Proposal.objects.bulk_create([
            Proposal(solicitation=sol, organization=org, code=next(code_iter), status=Proposal.Status.SUBMITTED,
                     created_by=coordinator, submitted_at=now - timedelta(days=31), responsive=True)
            for sol in solicitations
            for org, coordinator in zip(self.proposers, self.coordinators, strict=False)])
        answers, prices, submissions, reviews = [], [], [], []
        for p_index, proposal in enumerate(proposals):
            s_index = p_index // PROPOSALS_PER_SOLICITATION
            sol_questions = questions[s_index * QUESTIONS:(s_index + 1) * QUESTIONS]
            technical = {str(q.pk): f"Our approach to part {q.order + 1}." for q in sol_questions}
            answers += [TechnicalAnswer(proposal=proposal, question=q, text=technical[str(q.pk)])
                        for q in sol_questions]
            lines = {line: Decimal(rng.randrange(10_000, 400_000)) for line in PriceProposal.LINES}
            prices.append(PriceProposal(proposal=proposal, **lines))
            body = {"technical": technical, "price": {k: str(v) for k, v in lines.items()}}
            submissions.append(ProposalSubmission(
                proposal=proposal, number=1, submitted_by=proposal.created_by, submitted_at=proposal.submitted_at,
                technical=technical, price=body["price"],
                receipt_hash=hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()))
            reviews.append(ResponsivenessReview(proposal=proposal, criterion=criteria[s_index * per_sol], passed=True,
                                                reason="Licence on file.", reviewed_by=officer))
        TechnicalAnswer.objects.bulk_create(answers, batch_size=BATCH)
        PriceProposal.objects.bulk_create(prices, batch_size=BATCH)
        ProposalSubmission.objects.bulk_create(submissions, batch_size=BATCH)
        ResponsivenessReview.objects.bulk_create(reviews, batch_size=BATCH)
        assignments = EvaluatorAssignment.objects.bulk_create([
            EvaluatorAssignment(solicitation=sol, evaluator=person, assigned_by=officer)
            for sol in solicitations for person in self.evaluators])
        attestations = ConflictAttestation.objects.bulk_create([
            ConflictAttestation(assignment=a, statement="I have no conflict of interest.",
                                signed_name=a.evaluator.full_name) for a in assignments])
        declarations, sheets = [], []
        for a_index, (assignment, attestation) in enumerate(zip(assignments, attestations, strict=True)):
            s_index = a_index // EVALUATORS
            for proposal in proposals[s_index * PROPOSALS_PER_SOLICITATION:(s_index + 1) * PROPOSALS_PER_SOLICITATION]:
                declarations.append(ConflictDeclaration(attestation=attestation, proposal=proposal,
                                                        has_conflict=False))
                sheets.append(ScoreSheet(assignment=assignment, proposal=proposal, submitted_at=now))
        ConflictDeclaration.objects.bulk_create(declarations, batch_size=BATCH)
        sheets = ScoreSheet.objects.bulk_create(sheets, batch_size=BATCH)
        ratings = list(Rating.values)
        scores = []
        for sheet_index, sheet in enumerate(sheets):
            s_index = sheet_index // (EVALUATORS * PROPOSALS_PER_SOLICITATION)
            for criterion in criteria[s_index * per_sol + 1:(s_index + 1) * per_sol]:
                scores.append(Score(sheet=sheet, criterion=criterion, rating=rng.choice(ratings[:3]),
                                    rationale="Clear plan, staffing described."))
        Score.objects.bulk_create(scores, batch_size=BATCH)
        self.log(f"{len(solicitations)} solicitations, {len(proposals)} proposals, {len(scores)} scores")

    # --- engagement -----------------------------------------------------------------------------

    def engagement(self) -> None:
        rng, now = self.rng, self.now
        neighborhoods = list(Neighborhood.objects.order_by("sort_order", "name"))
        languages = {lang.code: lang for lang in Language.objects.all()}
        english, spanish = languages["en"], languages["es"]
        count = self.plan["sessions"]
        sessions = []
        for n in range(count):
            day = self.today + timedelta(days=-270 + (360 * n) // max(count, 1))
            starts = self.local(day, clock(18, 0))
            past = starts + timedelta(hours=2) <= now
            sessions.append(CommunitySession(
                organization=self.city, kind=CommunitySession.Kind.LISTENING,
                status=CommunitySession.Status.COMPLETED if past else CommunitySession.Status.PUBLISHED,
                title=f"Listening session {n + 1}",
                translations={"es": {
                    "title": f"Sesión de escucha {n + 1}",
                    "description": "Díganos cómo debe funcionar la respuesta a crisis en su barrio."}},
                description="Tell us how crisis response should work in your neighborhood.",
                neighborhood=neighborhoods[n % len(neighborhoods)], venue_name="Branch library",
                venue_address="100 Main Street", step_free_access=True, starts_at=starts,
                ends_at=starts + timedelta(hours=2), capacity=60, reserved_seats=5,
                published_at=starts - timedelta(days=30), created_by=self.staff["moderator"],
                closed_at=starts + timedelta(hours=3) if past else None,
                attendance_count=REGISTRATIONS_PER_SESSION if past else None))
        sessions = CommunitySession.objects.bulk_create(sessions)
        registrations = []
        for session in sessions:
            past = session.status == CommunitySession.Status.COMPLETED
            codes: set[str] = set()
            while len(codes) < REGISTRATIONS_PER_SESSION:
                codes.add("".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
            for r, code in enumerate(sorted(codes)):
                consent = r % 3 == 0
                cancelled = r % 17 == 0
                registrations.append(Registration(
                    session=session, name=f"Resident {r}", contact_consent=consent,
                    email=f"resident-{session.pk}-{r}@example.org" if consent else "",
                    language=spanish if r % 4 == 0 else english,
                    status=Registration.Status.CANCELLED if cancelled else Registration.Status.REGISTERED,
                    code=code, created_at=session.starts_at - timedelta(days=20 - r % 20),
                    cancelled_at=session.starts_at - timedelta(days=1) if cancelled else None,
                    checked_in_at=session.starts_at if past and not cancelled and r % 5 else None))
        Registration.objects.bulk_create(registrations, batch_size=BATCH)

        channels = list(FeedbackItem.Channel.values)
        texts = ["Responders should come without police when nobody is in danger.",
                 "Please have Spanish speakers on every team.",
                 "The session was helpful; more evening times please.",
                 "How long does a team take to arrive in my neighborhood?",
                 "Thank you to the team that helped my neighbor last week."]
        from apps.engagement.semantics.services import fingerprint

        items = []
        for n in range(self.plan["feedback_items"]):
            roll = n % 10
            status = (FeedbackItem.Status.PENDING if roll < 2 else
                      FeedbackItem.Status.REJECTED if roll == 2 else FeedbackItem.Status.APPROVED)
            session = sessions[n % len(sessions)] if n % 5 < 3 else None
            items.append(FeedbackItem(
                organization=self.city, session=session, channel=channels[n % len(channels)],
                text=f"{texts[n % len(texts)]} ({n})", fingerprint=fingerprint(f"{texts[n % len(texts)]} ({n})"),
                language=spanish if n % 4 == 0 else english,
                neighborhood=neighborhoods[rng.randrange(len(neighborhoods))],
                entered_by=self.staff["moderator"] if channels[n % len(channels)] != "online" else None,
                status=status, reject_reason="off_topic" if status == FeedbackItem.Status.REJECTED else "",
                moderated_by=None if status == FeedbackItem.Status.PENDING else self.staff["moderator"],
                moderated_at=None if status == FeedbackItem.Status.PENDING else now))
        FeedbackItem.objects.bulk_create(items, batch_size=BATCH)
        self.log(f"{len(sessions)} sessions, {len(registrations)} registrations, {len(items)} feedback items")

    def run(self) -> None:
        with transaction.atomic():
            self.organizations()
            self.users()
            self.training()
        with transaction.atomic():
            self.scheduling()
        with transaction.atomic():
            self.procurement()
            self.engagement()
