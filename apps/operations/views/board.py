"""The on-duty board: every zone with the teams on shift now and in the next 24 hours, the gaps at the top.
htmx polls the live part every ten seconds; without JavaScript the page refreshes itself every thirty (a
meta refresh inside <noscript>, so a browser running the polling never reloads the whole page) and has a
Refresh link. `?wall=1` sets it in large type for a wall screen."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from apps.accounts.roles import Role

from ..board import on_duty_board
from ..permissions import board_organization_ids

POLL_SECONDS = 10
NO_JS_REFRESH_SECONDS = 30


def _context(request) -> dict:
    scope = board_organization_ids(request.user)
    if scope == set():
        raise PermissionDenied
    wall = request.GET.get("wall") == "1"
    return {"board": on_duty_board(organization_ids=scope, at=timezone.now()), "wall": wall,
            "query": "wall=1" if wall else "", "all_organizations": scope is None,
            # Coordinators open their own shifts from the board; the dispatcher's board is read only.
            "linked_organizations": request.user.organization_ids(Role.COORDINATOR),
            "poll_seconds": POLL_SECONDS, "refresh_seconds": NO_JS_REFRESH_SECONDS}


@login_required
@require_safe
def board(request):
    return render(request, "operations/board.html", _context(request))


@login_required
@require_safe
def board_live(request):
    """The board's live part, which htmx polls (and a page of its own without htmx)."""
    return render(request, "operations/_board_live.html", _context(request))
