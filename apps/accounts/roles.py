"""The roles of the program, and which kind of organization each belongs to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAM_ADMIN = "program_admin", _("Program admin")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    RFP_EVALUATOR = "rfp_evaluator", _("RFP evaluator")
    MODERATOR = "moderator", _("Moderator")
    COORDINATOR = "coordinator", _("Coordinator")
    TRAINER = "trainer", _("Trainer")
    RESPONDER = "responder", _("Responder")
    PROGRAM_EVALUATOR = "program_evaluator", _("Program evaluator")
    DISPATCHER = "dispatcher", _("911 dispatcher")
    # A community reviewer of one or more resident languages (issue 23): marks a language reviewed and
    # corrects its strings, which every resident page then shows.
    TRANSLATION_REVIEWER = "translation_reviewer", _("Translation reviewer")


class OrganizationKind(models.TextChoices):
    CITY_DEPARTMENT = "city_department", _("City department")
    NONPROFIT = "nonprofit", _("Nonprofit")
    EVALUATION_FIRM = "evaluation_firm", _("Evaluation firm")


# City staff: these roles must use multi-factor authentication and have short idle sessions.
CITY_STAFF_ROLES = frozenset(
    {Role.PROGRAM_ADMIN, Role.PROCUREMENT_OFFICER, Role.RFP_EVALUATOR, Role.MODERATOR, Role.DISPATCHER,
     # Not city staff, but what they change is read on every resident page: the same second factor.
     Role.TRANSLATION_REVIEWER}
)

# Which organizations a role may be held in. Staff roles are the city's; responders are paid by
# nonprofits; the external evaluator works for an evaluation firm.
ROLE_ORGANIZATION_KINDS: dict[str, frozenset[str]] = {
    Role.PROGRAM_ADMIN: frozenset({OrganizationKind.CITY_DEPARTMENT}),
    Role.PROCUREMENT_OFFICER: frozenset({OrganizationKind.CITY_DEPARTMENT}),
    Role.RFP_EVALUATOR: frozenset({OrganizationKind.CITY_DEPARTMENT}),
    Role.MODERATOR: frozenset({OrganizationKind.CITY_DEPARTMENT}),
    Role.COORDINATOR: frozenset({OrganizationKind.NONPROFIT}),
    Role.TRAINER: frozenset({OrganizationKind.NONPROFIT, OrganizationKind.CITY_DEPARTMENT}),
    Role.RESPONDER: frozenset({OrganizationKind.NONPROFIT}),
    Role.PROGRAM_EVALUATOR: frozenset({OrganizationKind.EVALUATION_FIRM}),
    # 911 center supervisors: the emergency communications center is a city department.
    Role.DISPATCHER: frozenset({OrganizationKind.CITY_DEPARTMENT}),
    # The city's language-access office, or a community organization it asks to review.
    Role.TRANSLATION_REVIEWER: frozenset({OrganizationKind.CITY_DEPARTMENT, OrganizationKind.NONPROFIT}),
}

# Roles a coordinator may invite into their own nonprofit.
COORDINATOR_INVITABLE_ROLES = frozenset({Role.COORDINATOR, Role.TRAINER, Role.RESPONDER})
