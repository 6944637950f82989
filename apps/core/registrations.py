"""Core's own navigation entries: the dashboard, the audit log and the API docs."""

from django.utils.translation import gettext_lazy as _

from .registry import NavItem, register_nav

register_nav(NavItem(key="dashboard", label=_("Dashboard"), url_name="core:dashboard", order=0))
register_nav(
    NavItem(key="audit", label=_("Audit log"), url_name="core:audit-list", order=900,
            roles=frozenset({"program_admin"}))
)
register_nav(NavItem(key="api-docs", label=_("API"), url_name="api-docs", order=950))
