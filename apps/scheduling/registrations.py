"""Scheduling's navigation entries, dashboard cards, notification kinds, scanners and demo seeder."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.core.localtime import week_bounds
from apps.core.registry import Card, NavItem, register_cards, register_demo_seeder, register_nav
from apps.notifications.kinds import Channel, Kind, register_kind
from apps.notifications.scanners import register_scanner

from . import demo, reminders, selectors, services
from .models import Assignment, Position, Shift
from .permissions import coordinated_organization_ids
from .roster import services as roster_services

register_nav(NavItem(key="scheduling-my", group="schedule",
                     label=_("My shifts"), url_name="scheduling:my-shifts", order=300,
                     roles=frozenset({Role.RESPONDER})))
register_nav(NavItem(key="scheduling-open", group="schedule",
                     label=_("Open shifts"), url_name="scheduling:open-shifts", order=305,
                     roles=frozenset({Role.RESPONDER})))
# The board is the coordinator's schedule: several teams, people × days (the one-team week list is linked
# from it).
register_nav(NavItem(key="scheduling-schedule", group="schedule",
                     label=_("Schedule board"), url_name="scheduling:board", order=310,
                     roles=frozenset({Role.COORDINATOR})))
register_nav(NavItem(key="scheduling-roster", group="schedule",
                     label=_("Auto-roster"), url_name="scheduling:roster", order=312,
                     roles=frozenset({Role.COORDINATOR})))
register_nav(NavItem(key="scheduling-swaps", group="schedule",
                     label=_("Shift swaps"), url_name="scheduling:swap-list", order=315,
                     roles=frozenset({Role.COORDINATOR, Role.RESPONDER})))
register_nav(NavItem(key="scheduling-time-off", group="schedule",
                     label=_("Time off"), url_name="scheduling:time-off", order=320,
                     roles=frozenset({Role.COORDINATOR, Role.RESPONDER})))
register_nav(NavItem(key="scheduling-timesheets", group="schedule",
                     label=_("Timesheets"), url_name="scheduling:timesheet", order=325,
                     roles=frozenset({Role.COORDINATOR})))
register_nav(NavItem(key="scheduling-roster-profile", group="schedule",
                     label=_("Roster preferences"), url_name="scheduling:roster-profile", order=322,
                     roles=frozenset({Role.RESPONDER})))
register_nav(NavItem(key="scheduling-coverage", group="schedule",
                     label=_("Coverage"), url_name="scheduling:coverage", order=330,
                     roles=frozenset({Role.COORDINATOR})))


def _cards(request) -> list[Card]:
    user = request.user
    now = timezone.now()
    cards: list[Card] = []
    if user.has_role(Role.RESPONDER):
        upcoming = (selectors.my_assignments(user=user, upcoming_from=now)
                    .filter(status__in=[Assignment.Status.ASSIGNED, Assignment.Status.CHECKED_IN]).first())
        opens = services.check_in_opens_at(upcoming) if upcoming else None
        # First on a responder's dashboard: what they came to see, with Check in once its window is open.
        cards.append(Card(key="scheduling-next-shift", order=1, title=_("My next shift"),
                          template="scheduling/_card_next_shift.html",
                          context={"assignment": upcoming, "check_in_opens_at": opens,
                                   "check_in_open": bool(upcoming and upcoming.status == Assignment.Status.ASSIGNED
                                                         and opens <= now <= upcoming.ends_at)},
                          url=reverse("scheduling:my-shifts"), link_label=_("My shifts")))
    if user.has_role(Role.COORDINATOR):
        monday, start, end = week_bounds(timezone.localdate(now))
        unfilled = (Position.objects.filter(shift__organization_id__in=coordinated_organization_ids(user),
                                            shift__status=Shift.Status.PUBLISHED, shift__starts_at__gte=start,
                                            shift__starts_at__lt=end)
                    .annotate(filled=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE)))
                    .filter(filled__lt=F("count")).select_related("shift__team").order_by("shift__starts_at", "id"))
        rows = list(unfilled[:6])
        cards.append(Card(key="scheduling-unfilled", order=20, title=_("Unfilled positions this week"),
                          template="scheduling/_card_unfilled.html",
                          context={"positions": rows, "total": unfilled.count(), "week": monday},
                          url=reverse("scheduling:board"), link_label=_("Schedule board")))
    return cards


register_cards("scheduling", _cards)

register_kind(Kind(key="scheduling.assignment_made", label=_("You were assigned a shift"),
                   template="scheduling_assignment_made", channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS)))
register_kind(Kind(key="scheduling.roster_assigned", label=_("You were given shifts from the roster"),
                   template="scheduling_roster_assigned", channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS)))
register_kind(Kind(key="scheduling.assignment_changed", label=_("Your shift changed"),
                   template="scheduling_assignment_changed", channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS)))
register_kind(Kind(key="scheduling.assignment_cancelled", label=_("Your shift was cancelled"),
                   template="scheduling_assignment_cancelled",
                   channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS)))
register_kind(Kind(key="scheduling.shift_reminder", label=_("Shift reminder"), template="scheduling_shift_reminder",
                   channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS)))
register_kind(Kind(key="scheduling.unfilled_position", label=_("Unfilled shift positions"),
                   template="scheduling_unfilled_position"))
# A safety notice: the people on the shift are working without a lead. It cannot be turned off.
register_kind(Kind(key="scheduling.shift_without_lead", label=_("A shift was left without a team lead"),
                   template="scheduling_shift_without_lead", optional=False))
register_kind(Kind(key="scheduling.shift_dropped", label=_("A responder dropped their shift"),
                   template="scheduling_shift_dropped"))
register_kind(Kind(key="scheduling.shift_at_risk", label=_("Training lapses before an assigned shift"),
                   template="scheduling_shift_at_risk"))
register_kind(Kind(key="scheduling.swap_offered", label=_("A colleague offers a shift you can take"),
                   template="scheduling_swap_offered"))
register_kind(Kind(key="scheduling.time_off_decided", label=_("Time-off decision"),
                   template="scheduling_time_off_decided"))

register_scanner("scheduling.shift_reminders", reminders.shift_reminders_scan)
register_scanner("scheduling.unfilled_positions", reminders.unfilled_positions_scan)
register_scanner("scheduling.shifts_at_risk", reminders.shifts_at_risk_scan)
register_scanner("scheduling.abandoned_roster_runs", roster_services.abandoned_runs_scan)

register_demo_seeder("scheduling", demo.seed, order=40)
