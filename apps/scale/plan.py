"""What `manage.py seed_scale --factor N` makes (apps/scale/seeder.py makes it, services.py runs it).

At N=1 it is one city-year: 200 responders in 6 nonprofits and 12 teams, 4,000 training records, a
year of shifts (8,760 shifts, 20,040 assignments), 2 solicitations with 30 proposals and 600 scores,
50 community sessions with 2,500 registrations and 10,000 feedback items. `scale_plan(factor)` gives
the exact counts; `scale_counts()` counts what exists the same way (the benchmarks compare the two).

Everything it makes is marked: organizations have a slug starting "scale-", users an address at
scale.crisisprog.test, solicitations a reference starting "SCALE-".
"""

import math
from datetime import time as clock

from apps.accounts.models import Membership, Organization, User
from apps.accounts.roles import Role
from apps.engagement.models import CommunitySession, FeedbackItem, Registration
from apps.procurement.models import Proposal, Score, Solicitation
from apps.scheduling.models import Assignment, Position, Shift, Team
from apps.training.models import FieldHours, TrainingRecord

DOMAIN = "scale.crisisprog.test"
SLUG_PREFIX = "scale-"
REFERENCE_PREFIX = "SCALE-"

DAYS = 365  # a year of shifts per team
DAYS_BEFORE_TODAY = 273  # nine months of history, three months ahead
SHIFT_SLOTS = ((clock(8, 0), 8), (clock(16, 0), 8))  # day and evening, back to back
RECORDS_PER_RESPONDER = 20
FIELD_HOURS_PER_RESPONDER = 6  # 6 x 20 h signed off: enough for responder (76) and team lead (120)
PROPOSALS_PER_SOLICITATION = 15
EVALUATORS = 4
COMPARATIVE_CRITERIA = 5
QUESTIONS = 3
REGISTRATIONS_PER_SESSION = 50
PENDING_EVERY = 10  # one responder in ten has a required record waiting for verification


def _half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def extra_place(k: int) -> bool:
    """Shift k of a team also fills its second responder place (two shifts in seven)."""
    return k % 7 < 2


def scale_plan(factor: float) -> dict[str, int]:
    """The exact number of rows of each kind `seed_scale --factor` makes."""
    if factor <= 0:
        raise ValueError("The factor must be positive.")
    nonprofits = max(1, _half_up(6 * factor))
    teams = max(1, _half_up(12 * factor))
    responders = max(3 * teams, _half_up(200 * factor))
    solicitations = max(1, _half_up(2 * factor))
    sessions = max(1, _half_up(50 * factor))
    shifts_per_team = DAYS * len(SHIFT_SLOTS)
    extra = sum(1 for k in range(shifts_per_team) if extra_place(k))
    return {
        "nonprofits": nonprofits,
        "applicant_organizations": max(0, PROPOSALS_PER_SOLICITATION - nonprofits),
        "teams": teams,
        "responders": responders,
        "training_records": RECORDS_PER_RESPONDER * responders,
        "field_hours": FIELD_HOURS_PER_RESPONDER * responders,
        "shifts": teams * shifts_per_team,
        "positions": 2 * teams * shifts_per_team,
        "assignments": teams * (2 * shifts_per_team + extra),
        "solicitations": solicitations,
        "proposals": PROPOSALS_PER_SOLICITATION * solicitations,
        "scores": PROPOSALS_PER_SOLICITATION * solicitations * EVALUATORS * COMPARATIVE_CRITERIA,
        "sessions": sessions,
        "registrations": REGISTRATIONS_PER_SESSION * sessions,
        "feedback_items": max(1, _half_up(10000 * factor)),
    }


def scale_organizations():
    return Organization.objects.filter(slug__startswith=SLUG_PREFIX)


def scale_users():
    return User.objects.filter(email__endswith=f"@{DOMAIN}")


def scale_counts() -> dict[str, int]:
    """What exists now, counted the way `scale_plan` counts."""
    orgs = scale_organizations()
    return {
        "nonprofits": orgs.filter(slug__startswith=f"{SLUG_PREFIX}np-").count(),
        "applicant_organizations": orgs.filter(slug__startswith=f"{SLUG_PREFIX}applicant-").count(),
        "teams": Team.objects.filter(organization__in=orgs).count(),
        "responders": Membership.objects.filter(organization__in=orgs, role=Role.RESPONDER).count(),
        "training_records": TrainingRecord.objects.filter(organization__in=orgs).count(),
        "field_hours": FieldHours.objects.filter(organization__in=orgs).count(),
        "shifts": Shift.objects.filter(organization__in=orgs).count(),
        "positions": Position.objects.filter(shift__organization__in=orgs).count(),
        "assignments": Assignment.objects.filter(shift__organization__in=orgs).count(),
        "solicitations": Solicitation.objects.filter(reference__startswith=REFERENCE_PREFIX).count(),
        "proposals": Proposal.objects.filter(solicitation__reference__startswith=REFERENCE_PREFIX).count(),
        "scores": Score.objects.filter(sheet__proposal__solicitation__reference__startswith=REFERENCE_PREFIX).count(),
        "sessions": CommunitySession.objects.filter(organization__in=orgs).count(),
        "registrations": Registration.objects.filter(session__organization__in=orgs).count(),
        "feedback_items": FeedbackItem.objects.filter(organization__in=orgs).count(),
    }

