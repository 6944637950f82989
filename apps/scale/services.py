"""Seeding and deleting the scale data (seed_scale's work). Running it again with the same factor finds
the data complete and does nothing; a reset deletes only what it made, then seeds. The audit log gets
one summary event per run (bulk seeding is not a user action), with no actor and no organization so a
reset can delete the rest."""

import time

from django.core.management.base import OutputWrapper
from django.db import connection, transaction
from django.db.models import ProtectedError

from apps.accounts.models import Membership, Organization, User
from apps.core.audit import audit
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.engagement.models import CommunitySession, FeedbackItem, Registration
from apps.procurement.models import (
    ConflictAttestation,
    ConflictDeclaration,
    ConsensusScore,
    EvaluatorAssignment,
    Proposal,
    ProposalAttachment,
    ProposalSubmission,
    ResponsivenessReview,
    Score,
    ScoreSheet,
    Solicitation,
)
from apps.scheduling.models import Assignment, Shift, Team
from apps.training.models import Enrollment, FieldHours, RoleRequirement, TrainingRecord, TrainingSession

from .plan import REFERENCE_PREFIX, scale_counts, scale_organizations, scale_plan, scale_users
from .seeder import Seeder

RETIRED_DOMAIN = "retired.scale.crisisprog.test"


def scale_seed(*, factor: float, reset: bool = False, stdout: OutputWrapper) -> None:
    """Seed the scale data for `factor`: with reset, delete what exists first; without, data already
    complete for this factor is left alone and data of another size is refused."""
    plan = scale_plan(factor)
    started = time.perf_counter()
    exists = scale_organizations().exists()
    deleted: dict[str, int] = {}
    if reset:
        if exists:
            deleted = _delete_existing(stdout=stdout)
    elif exists:
        counts = scale_counts()
        if counts == plan:
            stdout.write(f"scale data for factor {factor:g} is already complete; nothing to do")
            return
        raise ApplicationError(f"Scale data of another size (or incomplete) exists: {counts}. "
                               "Run again with --reset.")
    stdout.write(f"seeding scale data, factor {factor:g}")
    Seeder(factor, stdout).run()
    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no statistics until autovacuum gets to them; without
        # them the planner picks poor plans (the readiness records query ran 8x slower).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = round(time.perf_counter() - started, 1)
    # One summary event per run: bulk seeding is not a user action, so no event per row.
    audit(actor=None, action="scale.seeded",
          after={"factor": factor, "seconds": seconds, "rows": plan, "deleted_first": deleted})
    stdout.write(f"seeded in {seconds} s: " + ", ".join(f"{k} {v}" for k, v in plan.items()))


def scale_delete(*, stdout: OutputWrapper) -> dict[str, int]:
    """Delete only the scale data (none is fine) and say so in the audit log; the rows deleted by kind."""
    deleted = _delete_existing(stdout=stdout) if scale_organizations().exists() else {}
    audit(actor=None, action="scale.deleted", after={"rows": deleted})
    return deleted


def _delete_existing(*, stdout: OutputWrapper) -> dict[str, int]:
    with transaction.atomic():
        deleted = _delete_rows()
    stdout.write(f"deleted the scale data ({sum(deleted.values())} rows)")
    return deleted


# `make bench` seeds its own database with DEBUG off (bench/pages.py): disposable by name.
DISPOSABLE_DATABASES = frozenset({"crisisprog_bench"})


def production_refusal(*, settings_module: str, debug: bool, engine: str, database: str) -> str | None:
    """Why this configuration may be the program's real data, or None when it is plainly not.

    The production settings do not install apps.scale at all; this is the second lock, for the
    development or test settings pointed at a real database (DEBUG off, a database that is not a
    test database, an in-memory one or the benchmark's)."""
    if settings_module.rsplit(".", 1)[-1] in ("production", "bench"):
        return f"the settings module is {settings_module}"
    if debug:
        return None
    name = str(database)
    disposable = (name.startswith("test_") or name in DISPOSABLE_DATABASES
                  or (engine.endswith("sqlite3") and (name == ":memory:" or "mode=memory" in name)))
    if not disposable:
        return f"DEBUG is off and the database {name!r} is not a test database"
    return None


def _delete_rows() -> dict[str, int]:
    """Delete what seed_scale made, children first (most foreign keys are PROTECT)."""
    orgs = scale_organizations()
    solicitations = Solicitation.objects.filter(reference__startswith=REFERENCE_PREFIX)
    proposals = Proposal.objects.filter(solicitation__in=solicitations)
    deleted: dict[str, int] = {}
    steps = [
        ("feedback_items", FeedbackItem.objects.filter(organization__in=orgs)),
        ("registrations", Registration.objects.filter(session__organization__in=orgs)),
        ("sessions", CommunitySession.objects.filter(organization__in=orgs)),
        ("scores", Score.objects.filter(sheet__proposal__in=proposals)),
        ("score_sheets", ScoreSheet.objects.filter(proposal__in=proposals)),
        ("conflict_declarations", ConflictDeclaration.objects.filter(proposal__in=proposals)),
        ("attestations", ConflictAttestation.objects.filter(assignment__solicitation__in=solicitations)),
        ("evaluator_assignments", EvaluatorAssignment.objects.filter(solicitation__in=solicitations)),
        ("responsiveness", ResponsivenessReview.objects.filter(proposal__in=proposals)),
        ("consensus", ConsensusScore.objects.filter(proposal__in=proposals)),
        ("submissions", ProposalSubmission.objects.filter(proposal__in=proposals)),
        ("attachments", ProposalAttachment.objects.filter(proposal__in=proposals)),
        ("proposals", proposals),
        ("solicitations", solicitations),
        ("assignments", Assignment.objects.filter(shift__organization__in=orgs)),
        ("shifts", Shift.objects.filter(organization__in=orgs)),
        ("teams", Team.objects.filter(organization__in=orgs)),
        ("enrollments", Enrollment.objects.filter(session__organization__in=orgs)),
        ("training_records", TrainingRecord.objects.filter(organization__in=orgs)),
        ("training_sessions", TrainingSession.objects.filter(organization__in=orgs)),
        ("field_hours", FieldHours.objects.filter(organization__in=orgs)),
        ("requirements", RoleRequirement.objects.filter(organization__in=orgs)),
        ("memberships", Membership.objects.filter(organization__in=orgs)),
    ]
    try:
        for key, queryset in steps:
            deleted[key] = queryset.delete()[0]
        deleted["retired"] = _retire_audited()
        deleted["users"] = scale_users().delete()[0]
        deleted["organizations"] = scale_organizations().delete()[0]
    except ProtectedError as exc:
        raise ApplicationError(
            f"Cannot delete the scale data: {len(exc.protected_objects)} rows outside it still refer to it "
            f"(for example audit events of actions taken as a scale user). Use a fresh database.") from exc
    return deleted


def _retire_audited() -> int:
    """The audit log is append-only and keeps its actors and organizations: a scale user or
    organization it names (a benchmark opening a proposal is audited) is deactivated and renamed
    out of the scale namespace instead of deleted; the event keeps its actor label."""
    actors = set(AuditEvent.objects.filter(actor__in=scale_users()).values_list("actor_id", flat=True))
    orgs = set(AuditEvent.objects.filter(organization__in=scale_organizations())
               .values_list("organization_id", flat=True))
    for pk in actors:
        User.objects.filter(pk=pk).update(email=f"retired-{pk}@{RETIRED_DOMAIN}", is_active=False)
    for pk in orgs:
        Organization.objects.filter(pk=pk).update(slug=f"retired-scale-{pk}", name=f"Retired scale organization {pk}",
                                                  is_active=False)
    return len(actors) + len(orgs)
