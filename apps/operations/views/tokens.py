"""The program admin's service-token pages: the list, a new token (shown once), revoking one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error

from ..token_forms import ServiceTokenForm
from ..tokens import can_manage_service_tokens, service_token_create, service_token_list, service_token_revoke


def _admin_only(user) -> None:
    # The pages as a whole are the program admin's: a 403 for everyone else, before any lookup.
    if not can_manage_service_tokens(user):
        raise PermissionDenied(_("Only a program admin manages service tokens."))


@login_required
@require_safe
def token_list(request):
    _admin_only(request.user)
    return render(request, "operations/token_list.html", {"tokens": service_token_list(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    """POST answers with the token itself on this page, never in a redirect, a message or a log: it is shown
    once and only its hash is kept."""
    _admin_only(request.user)
    form = ServiceTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = service_token_create(by=request.user, name=form.cleaned_data["name"],
                                              scopes=form.cleaned_data["scopes"], expires_at=form.expires_at())
        except ApplicationError as error:
            if error.field == "expires_at":  # the form asks for a day
                error.field = "expires_on"
            apply_error(form, error)
        else:
            response = render(request, "operations/token_created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "operations/token_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    """GET: the confirmation (behind the list's modal, for a browser without JavaScript); POST: revoke."""
    _admin_only(request.user)
    token = get_object_or_404(service_token_list(user=request.user), pk=pk)
    if request.method == "POST":
        if token.revoked_at is None:
            service_token_revoke(by=request.user, token=token)
            messages.success(request, _("The token “%(name)s” was revoked: the system using it is refused from now "
                                        "on.") % {"name": token.name})
        return redirect("operations:service-token-list")
    return render(request, "operations/token_revoke.html", {"token": token})

