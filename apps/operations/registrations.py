"""Operations' navigation entries, dashboard cards and demo seeder."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.registry import ACCOUNT, NavItem, register_demo_seeder, register_nav

from . import demo_board, encounter_demo

# BOARD: who is on duty now, for the program, the coordinators and the 911 center (read only).
register_nav(NavItem(key="operations-board", group="schedule", label=_("On duty"), url_name="operations:board",
                     order=311, roles=frozenset({Role.PROGRAM_ADMIN, Role.COORDINATOR, Role.DISPATCHER})))
# After scheduling's (order 40), which staffs the shifts under way.
register_demo_seeder("operations-board", demo_board.seed, order=45)

# DISPATCH: the dispatch system's credentials, in the user menu beside the personal API tokens.
register_nav(NavItem(key="operations-service-tokens", group=ACCOUNT, label=_("Service tokens"),
                     url_name="operations:service-token-list", order=955,
                     roles=frozenset({Role.PROGRAM_ADMIN})))


def _seed_service_tokens(*, users, organizations, stdout) -> None:
    """The demo's dispatch system token (its value is thrown away: the demo shows the list) and a retired one."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import ServiceScope, ServiceToken
    from .tokens import service_token_create, service_token_revoke

    admin = users.get("admin")
    if admin is None or ServiceToken.objects.filter(name="911 center CAD (demo)").exists():
        return
    now = timezone.now()
    live, _raw = service_token_create(by=admin, name="911 center CAD (demo)", scopes=[ServiceScope.DISPATCH_READ],
                                      expires_at=now + timedelta(days=180))
    ServiceToken.objects.filter(pk=live.pk).update(use_count=18_432, last_used_at=now - timedelta(seconds=40))
    retired, _raw = service_token_create(by=admin, name="CAD test system (retired)",
                                         scopes=[ServiceScope.DISPATCH_READ], expires_at=now + timedelta(days=30))
    ServiceToken.objects.filter(pk=retired.pk).update(use_count=212, last_used_at=now - timedelta(days=3))
    service_token_revoke(by=admin, token=retired)
    stdout.write("operations: 2 service tokens (one revoked)")


register_demo_seeder("operations-dispatch", _seed_service_tokens, order=500)


# --- ENCOUNTERS ---------------------------------------------------------------------------------------------

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
