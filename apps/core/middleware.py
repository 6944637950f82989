"""The database went away (restart, failover, network): answer 503 with Retry-After, not a 500.

Django turns an exception into a 500 page and a logged traceback. A lost database is not a bug in
the request: the client should come back in a moment, and a load balancer or monitor should see
"unavailable", not "broken". The transaction of the failed request was never committed, so
nothing half-written is left; persistent connections are health-checked (CONN_HEALTH_CHECKS) and
reopened on the first request after the database is back, so the same processes recover alone.
"""

import logging

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("crisisprog.database")

# psycopg's errors reach views wrapped as django.db errors; both mean "no usable connection".
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def database_is_down(exc: BaseException | None) -> bool:
    """The error, or one it was raised from or during (a template or a library re-raising a lost
    connection as its own error), is the database going away."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_DOWN_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
RETRY_AFTER_SECONDS = 10


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    """A short 503 that needs nothing from the database (no context processors, no session)."""
    logger.warning("database unavailable: %s %s: %s", request.method, request.path, type(exc).__name__)
    if _wants_json(request):
        response = JsonResponse({"detail": _("The service is briefly unavailable. Try again in a moment."),
                                 "errors": {}}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Catches a database outage raised by a view (or its template); `server_error` catches the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_is_down(exception):
            return database_unavailable_response(request, exception)
        return None
