"""The on-duty board: every zone with the teams on shift now and in the next 24 hours, the gaps at the top.
htmx polls the live part every ten seconds; without JavaScript the page refreshes itself every thirty (a
meta refresh inside <noscript>, so a browser running the polling never reloads the whole page) and has a
Refresh link. `?wall=1` sets it in large type for a wall screen.

The live part is cached for ten seconds per audience (the organizations seen, the shifts linked, the
language, wall or not): every screen on every wall of the program and the 911 center polls it, and for
every organization it is a read of hundreds of shifts. Its key carries the newest status change, shift and
assignment, so a team's new status or a new shift or assignment shows at the next poll; a check-in or a
cancellation shows within the ten seconds."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from apps.accounts.roles import Role
from apps.scheduling.models import Assignment, Shift

from ..board import on_duty_board
from ..models import TeamStatusChange
from ..permissions import board_organization_ids

POLL_SECONDS = 10
NO_JS_REFRESH_SECONDS = 30
CACHE_SECONDS = 10


def _data_version() -> str:
    """The newest status change, shift and assignment, in one query of three index lookups."""
    tables = [m._meta.db_table for m in (TeamStatusChange, Shift, Assignment)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT MAX(id) FROM {t})" for t in tables))  # noqa: S608 (names)
        return "-".join(str(v) for v in cursor.fetchone())


def _context(request) -> dict:
    scope = board_organization_ids(request.user)
    if scope == set():
        raise PermissionDenied
    wall = request.GET.get("wall") == "1"
    return {"scope": scope, "wall": wall, "query": "wall=1" if wall else "", "all_organizations": scope is None,
            # Coordinators open their own shifts from the board; the dispatcher's board is read only.
            "linked_organizations": request.user.organization_ids(Role.COORDINATOR),
            "poll_seconds": POLL_SECONDS, "refresh_seconds": NO_JS_REFRESH_SECONDS}


def _live_html(request, context: dict) -> str:
    now = timezone.now()
    scope = "all" if context["scope"] is None else ",".join(map(str, sorted(context["scope"])))
    linked = ",".join(map(str, sorted(context["linked_organizations"])))
    key = (f"operations:board:{get_language()}:{scope}:{linked}:{int(context['wall'])}:"
           f"{int(now.timestamp() // CACHE_SECONDS)}:{_data_version()}")
    html = cache.get(key)
    if html is None:
        board = on_duty_board(organization_ids=context["scope"], at=now)
        html = render_to_string("operations/_board_live.html", {**context, "board": board}, request=request)
        cache.set(key, html, CACHE_SECONDS)
    return html


@login_required
@require_safe
def board(request):
    context = _context(request)
    live = mark_safe(_live_html(request, context))  # noqa: S308 (our own template's output)
    return render(request, "operations/board.html", {**context, "live": live})


@login_required
@require_safe
def board_live(request):
    """The board's live part, which htmx polls (and a page of its own without htmx)."""
    return HttpResponse(_live_html(request, _context(request)))
