"""Operations' navigation entries, dashboard cards and demo seeder."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.registry import ACCOUNT, NavItem, register_nav

# DISPATCH: the dispatch system's credentials, in the user menu beside the personal API tokens.
register_nav(NavItem(key="operations-service-tokens", group=ACCOUNT, label=_("Service tokens"),
                     url_name="operations:service-token-list", order=955,
                     roles=frozenset({Role.PROGRAM_ADMIN})))
