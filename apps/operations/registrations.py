"""Operations' navigation entries, dashboard cards and demo seeder."""

# --- ENCOUNTERS ---------------------------------------------------------------------------------------------
from django.utils.translation import gettext_lazy as _  # noqa: E402

from apps.accounts.roles import Role  # noqa: E402
from apps.core.registry import NavItem, register_demo_seeder, register_nav  # noqa: E402

from . import encounter_demo  # noqa: E402

# The log is where a team records a call after it cleared: beside the shifts it was worked on.
register_nav(NavItem(key="operations-encounters", group="schedule", label=_("Encounters"),
                     url_name="operations:encounter-list", order=340,
                     roles=frozenset({Role.RESPONDER, Role.COORDINATOR})))
# The de-identified figures sit with the reports: the evaluator's area.
register_nav(NavItem(key="operations-evaluation", group="reports", label=_("Encounter evaluation"),
                     url_name="operations:evaluation", order=710,
                     roles=frozenset({Role.PROGRAM_ADMIN, Role.PROGRAM_EVALUATOR})))

# After scheduling's (order 40): the encounters are recorded on its worked shifts.
register_demo_seeder("operations-encounters", encounter_demo.seed, order=60)
