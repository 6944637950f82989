"""Field hours: logging them and the preceptor's sign-off."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..forms import FieldHoursForm, SignOffForm
from ..models import FieldHours
from ._common import PAGE_SIZE


@login_required
def field_hours(request):
    user = request.user
    organizations = selectors.responder_organizations(user=user)
    form = None
    if organizations.exists():
        preceptors = selectors.preceptor_choices(organizations=organizations, exclude=user)
        form = FieldHoursForm(request.POST or None, organizations=organizations, preceptors=preceptors)
        if request.method == "POST" and form.is_valid():
            try:
                services.field_hours_log(by=user, **form.cleaned_data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Hours logged; your preceptor will be asked to sign them off."))
                return redirect("training:field-hours")
    elif request.method == "POST":
        raise PermissionDenied
    entries = selectors.field_hours_list(user=user)
    to_sign = entries.filter(preceptor=user, status=FieldHours.Status.PENDING)
    page = Paginator(entries.exclude(~Q(responder=user), preceptor=user, status=FieldHours.Status.PENDING),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/field_hours.html", {
        "form": form, "page": page, "to_sign": list(to_sign), "sign_form": SignOffForm()})


@login_required
@require_POST
def field_hours_sign_off(request, pk: int):
    entry = get_object_or_404(selectors.field_hours_list(user=request.user), pk=pk)
    form = SignOffForm(request.POST)
    if entry.preceptor_id != request.user.pk:
        raise PermissionDenied
    if form.is_valid():
        run_action(request, lambda: services.field_hours_sign_off(
            by=request.user, entry=entry, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"]),
            _("Decision saved."))
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("training:field-hours")
