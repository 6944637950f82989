"""Operations' navigation entries, dashboard cards and demo seeder."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.registry import NavItem, register_demo_seeder, register_nav

from . import demo_board

# BOARD: who is on duty now, for the program, the coordinators and the 911 center (read only).
register_nav(NavItem(key="operations-board", group="schedule", label=_("On duty"), url_name="operations:board",
                     order=311, roles=frozenset({Role.PROGRAM_ADMIN, Role.COORDINATOR, Role.DISPATCHER})))
# After scheduling's (order 40), which staffs the shifts under way.
register_demo_seeder("operations-board", demo_board.seed, order=45)
