"""Core's own navigation: the header's groups, the dashboard and the audit log (the API docs are in the user
menu, which accounts fills)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .registry import NavGroup, NavItem, register_nav, register_nav_group

# The program's tasks, in the header's order; an app places its entries in one by key.
register_nav_group(NavGroup(key="schedule", label=pgettext_lazy("navigation group", "Schedule"), order=100))
register_nav_group(NavGroup(key="people", label=_("People & training"), order=200))
register_nav_group(NavGroup(key="procurement", label=_("Procurement"), order=300))
register_nav_group(NavGroup(key="community", label=_("Community"), order=400))
register_nav_group(NavGroup(key="reports", label=_("Reports"), order=500))

register_nav(NavItem(key="dashboard", label=_("Dashboard"), url_name="core:dashboard", order=0))
register_nav(
    NavItem(key="audit", label=_("Audit log"), url_name="core:audit-list", order=900, group="reports",
            roles=frozenset({"program_admin"}))
)
register_nav(
    NavItem(key="translations", label=_("Translations"), url_name="core:translation-list", order=950,
            group="community", roles=frozenset({"translation_reviewer", "program_admin"}))
)
