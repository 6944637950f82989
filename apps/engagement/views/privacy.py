"""Residents' privacy pages: erase my details (by a link sent to the contact) and per registration."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.core.clients import resident_limit
from apps.core.decorators import public_page
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error

from .. import erasure
from ..forms import ForgetForm
from ..models import CommunitySession, Registration
from ._common import registration_or_404, too_many


def _masked_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def _masked_phone(phone: str) -> str:
    return "•••" + "".join(c for c in phone if c.isdigit())[-4:]


@public_page
def forget(request):
    form = ForgetForm(request.POST or None)
    if request.method == "POST":
        if resident_limit("forget", request):
            return too_many(request)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data.pop("website"):
                return render(request, "engagement/privacy_forget_sent.html")
            try:
                erasure.erasure_request(**data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                # The same answer whether or not we hold anything for this contact.
                return render(request, "engagement/privacy_forget_sent.html")
    return render(request, "engagement/privacy_forget.html", {"form": form})


@public_page
@never_cache
def forget_confirm(request, token: str):
    try:
        email, phone = erasure.contact_from_token(token)
    except erasure.LinkExpired:
        return render(request, "engagement/privacy_forget_expired.html", status=400)
    except erasure.LinkInvalid as exc:
        raise Http404 from exc
    contact = _masked_email(email) if email else _masked_phone(phone)
    if request.method == "POST":
        counts = erasure.resident_erase(email=email, phone=phone)
        return render(request, "engagement/privacy_forget_done.html", {"counts": counts, "contact": contact})
    holdings = erasure.holdings_for(email=email, phone=phone)
    return render(request, "engagement/privacy_forget_confirm.html", {
        "holdings": holdings, "contact": contact, "token": token})


@public_page
@never_cache
def registration_erase(request, token: str):
    registration = registration_or_404(token)
    if request.method == "POST":
        erasure.registration_erase(registration=registration)
        messages.success(request, _("Your details were deleted from this registration."))
        return redirect("engagement:registration-detail", token=token)
    session = registration.session
    will_cancel = (registration.status != Registration.Status.CANCELLED and session.starts_at > timezone.now()
                   and session.status == CommunitySession.Status.PUBLISHED)
    return render(request, "engagement/registration_erase.html", {
        "registration": registration, "session": session, "token": token, "will_cancel": will_cancel})
