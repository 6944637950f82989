from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from .. import services
from ..models import Registration
from ..permissions import is_engagement_staff

PAGE_SIZE = 20


def too_many(request):
    return render(request, "429.html", status=429)


def registration_or_404(token: str) -> Registration:
    """The registration a resident's signed link names; a forged or stale link is a 404."""
    try:
        return services.registration_from_token(token=token)
    except (signing.BadSignature, Registration.DoesNotExist, KeyError, TypeError) as exc:
        raise Http404 from exc


def staff_only(user) -> None:
    """Engagement staff pages: anyone else signed in gets a 403."""
    if not is_engagement_staff(user):
        raise PermissionDenied
