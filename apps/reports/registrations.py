"""Reports' kinds, navigation entry, dashboard card, notification kind and scanners."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.registry import Card, NavItem, register_cards, register_nav
from apps.notifications.kinds import Channel, Kind, register_kind
from apps.notifications.scanners import register_scanner

from . import selectors, services
from .kinds import (  # noqa: F401  (registers the kinds)
    all_report_roles,
    engagement,
    operations,
    procurement,
    program,
    scheduling,
    training,
)
from .permissions import can_run_any_kind

register_nav(NavItem(key="reports", group="reports", label=_("Reports"), url_name="reports:report-list", order=700,
                     roles=all_report_roles(), predicate=can_run_any_kind))


def _cards(request) -> list[Card]:
    user = request.user
    if not can_run_any_kind(user):
        return []
    recent = list(selectors.report_list(user=user)[:3])
    return [Card(key="reports-recent", order=60, title=_("Your reports"), template="reports/_card_recent.html",
                 context={"reports": recent}, url=reverse("reports:report-kind-list"),
                 link_label=_("Request a report"))]


register_cards("reports", _cards)

register_kind(Kind(key="reports.ready", label=_("Your report is ready"), template="reports_ready",
                   channels=(Channel.EMAIL, Channel.IN_APP)))

register_scanner("reports.sweep", services.abandoned_reports_scan)
register_scanner("reports.monthly", services.monthly_reports_scan)
