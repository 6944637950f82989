"""What every scheduling API module answers with: the documented refusals, and a service's refusal
kept with its reason code."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError

FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Too few rights on a visible object.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or not yours to see.")


def refusal(error: ApplicationError) -> Response:
    """An ApplicationError with the engine's reason code kept, so clients can act on it."""
    errors = {error.field: [error.message]} if error.field else {}
    return Response({"detail": error.message, "errors": errors, "code": error.code},
                    status=status.HTTP_400_BAD_REQUEST)
