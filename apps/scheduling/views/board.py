"""The coordinator's schedule board: people × days of several teams, each open place a link to its
candidates (with htmx, a panel on the board; without, a page of its own) and assigning in one step through
the assignment service; publishing the weeks shown after a confirmation."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.errors import ApplicationError
from apps.core.localtime import date_param
from apps.core.pages import apply_error

from .. import selectors, services
from ..board import SPANS, BoardQuery, board_grid, board_monday, board_teams, draft_counts
from ..eligibility import eligibility_batch
from ..forms import OVERRIDE_LABELS, AssignForm
from ..models import Assignment, PositionRole, RosterRun, Shift
from ..permissions import can_manage_schedule
from ._common import require_coordinator


def _board_query(user, params) -> tuple[BoardQuery, list]:
    """The board's filters from a query (or the publish form): several teams, a zone, a position role, the
    week and the span. A team that is not the user's is a 404, like any other organization's object."""
    teams = board_teams(user=user)
    wanted = params.getlist("team")
    if wanted:
        by_id = {str(t.pk): t for t in teams}
        if any(w not in by_id for w in wanted):
            raise Http404
        chosen = [by_id[w] for w in dict.fromkeys(wanted)]
    else:
        chosen = teams
    zones = sorted({z.pk: z for t in teams for z in t.zones.all()}.values(), key=lambda z: z.name)
    zone = params.get("zone", "")
    zone_id = int(zone) if zone.isdigit() and any(z.pk == int(zone) for z in zones) else None
    role = params.get("role", "")
    role = role if role in PositionRole.values else ""
    weeks = int(params.get("span")) if params.get("span") in {str(s) for s in SPANS} else 1
    monday = board_monday(date_param(params.get("week")) or timezone.localdate())
    query = BoardQuery(teams=chosen, monday=monday, weeks=weeks, zone_id=zone_id, role=role, all_teams=teams,
                       zones=zones)
    return query, teams


def board_params(query: BoardQuery, *, week=None) -> str:
    """The board's address for these filters (another week when `week` is given)."""
    pairs = []
    if len(query.teams) != len(query.all_teams):
        pairs += [("team", t.pk) for t in query.teams]
    if query.zone_id:
        pairs.append(("zone", query.zone_id))
    if query.role:
        pairs.append(("role", query.role))
    pairs.append(("week", (week or query.monday).isoformat()))
    if query.weeks != 1:
        pairs.append(("span", query.weeks))
    return urlencode(pairs)


def _shift_cell(n: int, day: list[dict], next_param: str) -> str:
    """One day of the board's first row: its shifts and their open places. An open place still to come is a
    link to its candidates: htmx loads them into the panel, and without JavaScript the link opens them as a
    page. The cell's id lets an assignment made in the panel replace it alone."""
    full, parts = escape(_("full")), [f'<td id="bd-s-{n}">']
    for s in day:
        classes = "bd-shift" + " bd-draft" * s["draft"] + " bd-cancelled" * s["cancelled"]
        parts.append(f'<div class="{classes}"><a href="{escape(s["url"])}">{escape(s["team"])} '
                     f'{escape(s["time"])}</a>')
        if s["marker"]:
            parts.append(f' <span class="usa-tag bd-marker">{escape(s["marker"])}</span>')
        if s["full"]:
            parts.append(f' <span class="bd-full">✓ {full}</span>')
        for p in s["places"]:
            text = f'{escape(p["role"])}: {escape(p["text"])}'
            if p["actionable"]:
                url = escape(p["url"] + next_param)
                parts.append(f'<a class="bd-open" href="{url}" hx-get="{url}" hx-target="#board-panel" '
                             f'hx-swap="innerHTML"><span aria-hidden="true">+ </span>{text}'
                             f'<span class="usa-sr-only">, {escape(p["where"])}</span></a>')
            else:
                parts.append(f'<span class="bd-unfilled">{text}</span>')
        parts.append("</div>")
    parts.append("</td>")
    return "".join(parts)


def _shift_cells(grid, next_param: str) -> SafeString:
    """The board's first row as HTML (see `_person_rows`)."""
    return mark_safe("".join(_shift_cell(n, day, next_param)  # noqa: S308 - every value is escaped
                             for n, day in enumerate(grid.shift_row)))


def _person_cell(pk: int, n: int, cell: list[dict]) -> str:
    """One responder's shifts on one day; the id lets an assignment made in the panel replace it alone.
    A roster proposal's assignment is drawn apart: a "+", a class of its own and, for a screen reader, words."""
    parts = [f'<td id="bd-p-{pk}-{n}">']
    for e in cell:
        added = e.get("added", False)
        classes = "bd-entry" + " bd-draft" * e["draft"] + " bd-added" * added
        plus = (f'<span class="bd-plus" aria-hidden="true">+</span><span class="usa-sr-only">'
                f'{escape(_("Proposed:"))} </span>') if added else ""
        parts.append(
            f'<a class="{classes}" href="{escape(e["url"])}">{plus}'
            f'<span class="bd-team">{escape(e["team"])}</span> <span class="bd-time">{escape(e["time"])}</span>'
            f' <span class="bd-role">{escape(e["role"])}</span>')
        if e["marker"]:
            parts.append(f' <span class="usa-tag bd-marker">{escape(e["marker"])}</span>')
        if e["override"]:
            parts.append(f' <span class="usa-tag bd-override" title="{escape(e["override_reason"])}">'
                         f'⚠ {escape(e["override"])}</span>')
        parts.append("</a>")
    parts.append("</td>")
    return "".join(parts)


def _person_rows(grid) -> list[SafeString]:
    """Each responder's row of the board as HTML. Built here rather than in the template: 200 people × 7 or
    14 days is 1,400–2,800 cells, and the template's nested loops over them were half of the page's time.
    Every text is escaped; the markup is the template's (board.html has the shift row beside it)."""
    rows = []
    for person, cells in grid.rows:
        row = "".join(_person_cell(person.pk, n, cell) for n, cell in enumerate(cells))
        rows.append(mark_safe(  # noqa: S308 - every value above is escaped
            f'<tr><th scope="row" class="bd-name">{escape(person)}</th>{row}</tr>'))
    return rows


def _changed_cells(user, back_to: str, shift, responder_pk: int) -> str:
    """After an assignment made from the board's panel: the two cells it changed (the shift's day in the
    first row, the responder's on that day) and the counts above the board, as htmx out-of-band swaps, so
    the board is not reloaded. The board is read again for the address the panel came from; a cell that
    address does not show is skipped."""
    query_string = back_to.partition("?")[2]
    query, _teams = _board_query(user, QueryDict(query_string))
    day = timezone.localdate(shift.starts_at)
    if not query.teams or day not in query.days:
        return ""
    n = query.days.index(day)
    grid = board_grid(user=user, query=query)
    here = reverse("scheduling:board") + "?" + board_params(query)
    swaps = [_shift_cell(n, grid.shift_row[n], "?" + urlencode({"next": here}))]
    swaps += [_person_cell(person.pk, n, cells[n]) for person, cells in grid.rows if person.pk == responder_pk]
    # <template> carries table cells through htmx's parser (a bare <td> outside a table would be dropped).
    oob = '<td hx-swap-oob="true" '
    counts = render_to_string("scheduling/_board_counts.html", {"board": grid, "oob": True})
    return counts + "".join("<template>" + cell.replace("<td ", oob, 1) + "</template>" for cell in swaps)


def _proposal_shown(user, params) -> RosterRun | None:
    """The roster run whose proposal the board is asked to draw (`?proposal=<id>`): the user's
    organizations' only, like every object; another organization's is a 404."""
    wanted = params.get("proposal", "")
    if not wanted:
        return None
    if not wanted.isdigit():
        raise Http404
    return get_object_or_404(selectors.roster_run_list(user=user), pk=wanted)


def _proposal_ready(user, query: BoardQuery) -> RosterRun | None:
    """The newest proposal waiting for a decision that covers some of the teams and days shown. One query."""
    return (selectors.roster_run_list(user=user)
            .filter(status=RosterRun.Status.PROPOSED, teams__in=query.teams, starts_on__lte=query.days[-1],
                    ends_on__gte=query.monday)
            .order_by("-created_at", "-id").first())


@login_required
@require_safe
def board(request):
    user = request.user
    require_coordinator(user)
    query, teams = _board_query(user, request.GET)
    shown = _proposal_shown(user, request.GET)
    drawn = shown if shown is not None and shown.status == RosterRun.Status.PROPOSED else None
    grid = board_grid(user=user, query=query, proposal=drawn.proposal if drawn else None) if query.teams else None
    ready = _proposal_ready(user, query) if grid is not None and shown is None else None
    step = timedelta(days=7 * query.weeks)
    here = reverse("scheduling:board") + "?" + board_params(query)
    keep = f"&proposal={shown.pk}" if shown is not None else ""
    return render(request, "scheduling/board.html", {
        "shown": shown, "drawn": drawn, "ready": ready, "without_proposal": "?" + board_params(query),
        "query": query, "board": grid, "teams": teams, "person_rows": _person_rows(grid) if grid else [],
        "shift_cells": _shift_cells(grid, "?" + urlencode({"next": here})) if grid else "",
        "several_orgs": len({t.organization_id for t in teams}) > 1,
        "filtered": "team" in request.GET or "zone" in request.GET or "role" in request.GET,
        "zone_name": next((z.name for z in query.zones if z.pk == query.zone_id), ""),
        "role_name": PositionRole(query.role).label if query.role else "",
        "roles": PositionRole.choices, "spans": SPANS, "selected": {t.pk for t in query.teams},
        "last_day": query.days[-1],
        "previous": "?" + board_params(query, week=query.monday - step) + keep,
        "next": "?" + board_params(query, week=query.monday + step) + keep,
        "this_week": "?" + board_params(query, week=board_monday(timezone.localdate())) + keep,
        "publish": reverse("scheduling:board-publish") + "?" + board_params(query)})


def _next(params, fallback: str) -> str:
    target = params.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else fallback


def _candidate_rows(people, answers) -> tuple[list, list, list]:
    """Eligible first, then those an override would let in, then those who cannot be assigned."""
    eligible, override, refused = [], [], []
    for person in people:
        answer = answers[person.pk]
        if answer.allowed:
            eligible.append((person, answer))
        elif answer.needs_override_only:
            override.append((person, answer, [(r.code, OVERRIDE_LABELS[r.code]) for r in answer.reasons]))
        else:
            refused.append((person, answer))
    return eligible, override, refused


@login_required
def position_candidates(request, pk: int):
    """Who can fill an open place, each name with ✓ or the engine's reasons beside it; POST assigns one."""
    position = get_object_or_404(selectors.position_list(user=request.user), pk=pk)
    shift = position.shift
    if not can_manage_schedule(request.user, shift.organization_id):
        raise PermissionDenied
    back_to = _next(request.POST if request.method == "POST" else request.GET,
                    reverse("scheduling:board") + f"?team={shift.team_id}&week="
                    f"{board_monday(timezone.localdate(shift.starts_at)).isoformat()}")
    responders = selectors.responder_candidates(organization_id=shift.organization_id)
    form, failed_for, status = None, None, 200
    if request.method == "POST":
        form = AssignForm(request.POST, responders=responders)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.assignment_create(by=request.user, position=position, responder=data["responder"],
                                           overrides=data["overrides"], override_reason=data["override_reason"])
            except ApplicationError as error:
                apply_error(form, error)
            else:
                done = _("%(name)s is on the shift as %(role)s.") % {
                    "name": data["responder"], "role": position.get_role_display()}
                if request.headers.get("HX-Request") != "true":
                    messages.success(request, done)
                    return redirect(back_to)
                # From the board's panel: the panel again (the next place of the position, or "full"), and
                # the two cells the assignment changed, swapped in place.
                position = selectors.position_list(user=request.user).get(pk=position.pk)  # its new count
                panel = _candidates_page(request, position, shift, back_to, responders, partial=True,
                                         assigned=done)
                panel.content += _changed_cells(request.user, back_to, shift, data["responder"].pk).encode()
                return panel
        failed_for = request.POST.get("responder")
        # A refused assignment answers 400 with the reason; from the panel (htmx, which swaps no 4xx answer)
        # it answers 200 so the panel shows the reason beside the name.
        status = 200 if request.headers.get("HX-Request") == "true" else 400
    partial = request.headers.get("HX-Request") == "true"
    return _candidates_page(request, position, shift, back_to, responders, partial=partial, form=form,
                            failed_for=failed_for, status=status)


def _candidates_page(request, position, shift, back_to, responders, *, partial: bool, form=None,
                     failed_for=None, status: int = 200, assigned: str = ""):
    closed = shift.status == Shift.Status.CANCELLED or shift.starts_at <= timezone.now()
    full = position.filled >= position.count
    on_it = list(Assignment.objects.filter(position=position, status__in=Assignment.ACTIVE)
                 .select_related("responder").order_by("id"))
    rows = ([], [], [])
    if not closed and not full:
        people = list(responders)
        rows = _candidate_rows(people, eligibility_batch(users=people, position=position))
    return render(request, "scheduling/_candidates.html" if partial else "scheduling/position_candidates.html", {
        "position": position, "shift": shift, "closed": closed, "full": full, "on_it": on_it,
        "eligible": rows[0], "override": rows[1], "refused": rows[2], "next": back_to, "form": form,
        "failed_for": failed_for, "partial": partial, "assigned": assigned,
        "open": max(position.count - position.filled, 0)}, status=status)


@login_required
def board_publish(request):
    """Publish the draft shifts of the teams and weeks on the board, after a confirmation that says what
    publishing does. Each team's week goes through `shifts_publish_week`."""
    user = request.user
    require_coordinator(user)
    # The board's modal posts to the address of this page, its filters in the query string; this page's own
    # form posts them in its body.
    params = request.POST if request.method == "POST" and "week" in request.POST else request.GET
    query, _teams = _board_query(user, params)
    weeks = [query.monday + timedelta(days=7 * n) for n in range(query.weeks)]
    back_to = reverse("scheduling:board") + "?" + board_params(query)
    if request.method == "POST":
        published = 0
        try:
            for team in query.teams:
                for week in weeks:
                    published += services.shifts_publish_week(by=user, team=team, week_start=week)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(n)s shifts published.") % {"n": published})
        return redirect(back_to)
    counts = draft_counts(user=user, teams=query.teams, weeks=weeks)
    return render(request, "scheduling/board_publish.html", {
        "query": query, "counts": counts, "total": sum(c["count"] for c in counts), "back": back_to,
        "weeks": weeks, "last_day": query.days[-1]})
