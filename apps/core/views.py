import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.defaults import server_error as default_server_error

from .decorators import public_page
from .filters import AuditEventFilter
from .health import run_checks, worker_heartbeat_age
from .middleware import database_is_down, database_unavailable_response
from .permissions import can_view_audit
from .registry import cards_for
from .selectors import audit_event_list


@public_page
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says (a PDF, the API's JSON, an old bookmark): point
    them at the icon instead of answering each time with a whole 404 page."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@require_GET
@never_cache
def healthz(request):
    checks = run_checks()
    healthy = all(v == "ok" for v in checks.values())
    body = {
        "status": "ok" if healthy else "fail",
        "checks": checks,
        "down": sorted(k for k, v in checks.items() if v != "ok"),
        "worker_heartbeat_age_seconds": worker_heartbeat_age(),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def server_error(request):
    """handler500: a database outage raised outside a view (in a middleware, say) is a 503 too; under
    /api/ the answer is the API's error body, never the site's HTML page."""
    exc = sys.exc_info()[1]
    if database_is_down(exc):
        return database_unavailable_response(request, exc)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("A server error occurred. It has been logged; please try again "
                                               "later."), "errors": {}}, status=500)
    return default_server_error(request)


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return render(request, "core/home.html")
    return dashboard(request)


@login_required
@require_safe
def dashboard(request):
    return render(request, "core/dashboard.html", {"cards": cards_for(request)})


@login_required
@require_safe
def audit_list(request):
    if not can_view_audit(request.user):
        raise PermissionDenied
    events = AuditEventFilter(request.GET or None, queryset=audit_event_list(user=request.user))
    page = Paginator(events.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {"filter": events, "page": page, "query": query.urlencode()})
