"""One error body for the whole API: {"detail": "...", "errors": {"field": ["..."]}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ApplicationError


def _flatten(detail) -> list[str]:
    if isinstance(detail, list):
        return [m for item in detail for m in _flatten(item)]
    if isinstance(detail, dict):
        return [f"{k}: {m}" for k, v in detail.items() for m in _flatten(v)]
    return [str(detail)]


def _raised_while_parsing(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__") in ("rest_framework.parsers", "json.decoder"):
            return True
        tb = tb.tb_next
    return False


def exception_handler(exc, context):
    if isinstance(exc, RecursionError) and _raised_while_parsing(exc):
        # A view that names DRF's own JSONParser (not apps.core.api.parsers') still refuses a
        # pathologically nested body with a 400, not a 500.
        exc = exceptions.ParseError(gettext("The JSON body is nested too deeply."))
    if isinstance(exc, ApplicationError):
        errors = {exc.field: [exc.message]} if exc.field else {}
        return Response({"detail": exc.message, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            errors = {field: _flatten(messages) for field, messages in detail.items()}
        else:
            errors = {"non_field_errors": _flatten(detail)}
        response.data = {"detail": "The request has invalid fields.", "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"detail": str(detail), "errors": {}}
    return response


def not_found(request, exception):
    """Django's 404 handler: under /api/ the error body as JSON (a URL no route matches, such as
    /api/v1/shifts/1.5/), elsewhere the site's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found."), "errors": {}}, status=404)
    return page_not_found(request, exception)
