"""The team-status buttons on the responder's shift (my shifts, the next-shift card): shown on a shift the
responder is checked in to while it is under way, so scheduling's pages carry them with one include and no
import of operations."""

from html import escape  # Django's escape is this, behind a lazy-string check per call

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from apps.scheduling.models import Assignment

from ..models import TeamState, TeamStatus
from ..status import STATUS_OPENS_BEFORE_START

register = template.Library()


@register.inclusion_tag("operations/_status_buttons.html", takes_context=True)
def team_status_buttons(context, assignment, next_url=""):
    """One query (the shift's current status) when the buttons show; none otherwise."""
    now = timezone.now()
    shift = assignment.shift
    show = (assignment.status == Assignment.Status.CHECKED_IN
            and shift.starts_at - STATUS_OPENS_BEFORE_START <= now < shift.ends_at)
    if not show:
        return {"hidden": True}
    status = TeamStatus.objects.filter(shift_id=shift.pk).select_related("zone").first()
    return {"shift": shift, "status": status, "zones": list(shift.zones.all()), "states": TeamState.choices,
            "csrf_token": context.get("csrf_token"), "next": next_url}


@register.filter
def language_names(codes, names: dict) -> str:
    """A member's languages by name ("Spanish, Haitian Creole"), the code where the name is unknown."""
    return ", ".join(names.get(code, code) for code in codes)


@register.simple_tag(takes_context=True)
def board_team(context, d, later=False):
    """One team on the on-duty board (`d`, a selectors.DutyShift): its name (a link for its coordinators),
    status and since when, lead, members with their languages, open places; `later` for a shift of the next
    24 hours (no status, check-in or lead line).

    Written in Python, not as an included template: at scale the board holds hundreds of teams, and drawing
    each through the template engine was most of the board's time (bench/operations.py, "fresh read"). The
    labels are translated once per page, and a team covering two zones is drawn once."""
    memo = context.render_context.setdefault("operations_board_team", {})
    key = (d.shift.pk, bool(later))
    if key not in memo:
        labels = memo.get("labels")
        if labels is None:
            labels = memo["labels"] = _board_labels()
        memo[key] = mark_safe(_board_team_html(  # noqa: S308 (every value below is escaped)
            d, later=bool(later), labels=labels, names=context["board"].languages,
            linked=context.get("linked_organizations") or set(), all_organizations=context.get("all_organizations")))
    return memo[key]


def _board_labels() -> dict:
    return {
        "available": escape(gettext("Available (checked in)")), "not_in": escape(gettext("Not checked in")),
        "lead_present": escape(gettext("Lead present")), "no_lead": escape(gettext("No lead checked in")),
        "lead": escape(gettext("lead")), "checked_in": escape(gettext("checked in")),
        "not_checked_in": escape(gettext("not checked in")), "nobody": escape(gettext("Nobody assigned yet")),
        "detail_url": reverse("scheduling:shift-detail", args=[0]),
        "since": gettext("since %(t)s"), "in": gettext("in %(z)s"),
        "states": {state: escape(str(label)) for state, label in TeamState.choices},
        "days": {}, "open": {}, "tz": timezone.get_current_timezone(),
    }


def _hm(value, tz) -> str:
    return value.astimezone(tz).strftime("%H:%M")


def _board_team_html(d, *, later: bool, labels: dict, names: dict, linked, all_organizations) -> str:
    shift = d.shift
    name = escape(shift.team.name)
    if shift.organization_id in linked:
        url = labels["detail_url"].replace("/0/", f"/{shift.pk}/")
        name = f'<a href="{url}">{name}</a>'
    state = escape(d.state)
    out = [f'<li class="ops-team {"ops-team--later" if later else "ops-team--" + state}">\n',
           f'  <p class="ops-team__head"><span class="ops-team__name">{name}</span>\n  ']
    if not later:
        if d.status is not None:
            tag = labels["states"].get(d.status.state) or escape(d.status.get_state_display())
        else:
            tag = labels["available"] if d.state == TeamState.AVAILABLE else labels["not_in"]
        out.append(f'<span class="ops-tag ops-tag--{state}">{tag}</span>')
    out.append('</p>\n  <p class="ops-team__meta">')
    if all_organizations:
        out.append(f"{escape(shift.organization.name)} · ")
    if later:
        day = shift.starts_at.astimezone(labels["tz"]).date()
        if day not in labels["days"]:
            labels["days"][day] = escape(dateformat.format(day, "D"))
        out.append(f"{labels['days'][day]} ")
    out.append(f"{_hm(shift.starts_at, labels['tz'])}–{_hm(shift.ends_at, labels['tz'])}")
    if not later and d.status is not None:
        out.append(" · " + escape(labels["since"] % {"t": _hm(d.status.since, labels["tz"])}))
        if d.status.zone is not None:
            out.append(" · " + escape(labels["in"] % {"z": d.status.zone.name}))
    out.append("</p>\n  ")
    if not later:
        if d.lead_present:
            lead = f'<span class="ops-mark ops-mark--ok" aria-hidden="true">✓</span> {labels["lead_present"]}'
        else:
            lead = f'<span class="ops-mark ops-mark--bad" aria-hidden="true">✕</span> {labels["no_lead"]}'
        out.append(f'<p class="ops-team__lead">{lead}</p>')
    out.append('\n  <ul class="ops-members">')
    for m in d.members:
        out.append(f"<li>{escape(m.first_name)}")
        if m.is_lead:
            out.append(f' <span class="ops-tag ops-tag--lead">{labels["lead"]}</span>')
        if not later:
            out.append(f' <span class="ops-in">{labels["checked_in"]}</span>' if m.checked_in
                       else f' <span class="ops-out">{labels["not_checked_in"]}</span>')
        if m.languages:
            out.append(f' · <span class="ops-langs">{escape(language_names(m.languages, names))}</span>')
        out.append("</li>")
    if not d.members:
        out.append(f'<li class="ops-out">{labels["nobody"]}</li>')
    out.append("</ul>\n  ")
    if d.open_places:
        n = d.open_places
        if n not in labels["open"]:
            labels["open"][n] = escape(ngettext("%(n)s place open", "%(n)s places open", n) % {"n": n})
        out.append(f'<p class="ops-team__open">{labels["open"][n]}</p>')
    out.append("\n</li>")
    return "".join(out)


@register.simple_tag(takes_context=True)
def board_open_place(context, p):
    """One line of the board's "places unfilled" list (`p`, a board.OpenPlace): the team, when, and how many
    of which role are missing. In Python for the reason board_team is: a program has a hundred such lines."""
    memo = context.render_context.setdefault("operations_board_team", {})
    labels = memo.get("labels")
    if labels is None:
        labels = memo["labels"] = _board_labels()
    shift, tz = p.duty.shift, labels["tz"]
    day = shift.starts_at.astimezone(tz).date()
    if day not in labels["days"]:
        labels["days"][day] = escape(dateformat.format(day, "D"))
    missing = ngettext("%(n)s %(role)s", "%(n)s × %(role)s", p.missing) % {"n": p.missing, "role": p.role_label}
    return mark_safe(  # noqa: S308 (every value is escaped)
        f'<span class="ops-mark ops-mark--bad" aria-hidden="true">✕</span> {escape(shift.team.name)}, '
        f'{labels["days"][day]} {_hm(shift.starts_at, tz)}–{_hm(shift.ends_at, tz)}: {escape(missing)}')
