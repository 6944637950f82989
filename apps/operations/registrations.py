"""Operations' navigation entries, dashboard cards and demo seeder."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.registry import NavItem, register_nav

# BOARD: who is on duty now, for the program, the coordinators and the 911 center (read only).
register_nav(NavItem(key="operations-board", group="schedule", label=_("On duty"), url_name="operations:board",
                     order=311, roles=frozenset({Role.PROGRAM_ADMIN, Role.COORDINATOR, Role.DISPATCHER})))
