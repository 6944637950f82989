from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from . import selectors, services
from .forms import ApiTokenForm, InvitationAcceptForm, InvitationForm, ProfileForm
from .models import ApiToken, Invitation, Organization
from .permissions import can_invite, can_manage_members, invitable_roles, is_program_admin
from .roles import Role


def _organization_or_404(user, slug: str) -> Organization:
    try:
        return selectors.organization_get(user=user, slug=slug)
    except Organization.DoesNotExist as exc:
        raise Http404 from exc


# --- organizations and members -------------------------------------------------------------------

@login_required
@require_safe
def organization_list(request):
    organizations = selectors.organization_list(user=request.user).order_by("name")
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/organization_list.html", {"page": page})


@login_required
@require_safe
def organization_detail(request, slug: str):
    organization = _organization_or_404(request.user, slug)
    memberships = selectors.membership_list(user=request.user, organization=organization).filter(is_active=True)
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/organization_detail.html", {
        "organization": organization,
        "page": page,
        "can_manage": can_manage_members(request.user, organization),
        "can_invite": bool(invitable_roles(request.user, organization)),
    })


@login_required
@require_POST
def membership_deactivate(request, pk: int):
    membership = get_object_or_404(selectors.membership_list(user=request.user), pk=pk)
    if not can_manage_members(request.user, membership.organization):
        raise PermissionDenied
    run_action(request, lambda: services.membership_deactivate(by=request.user, membership=membership),
               _("%(user)s no longer holds the role %(role)s.")
                         % {"user": membership.user, "role": membership.get_role_display()})
    return redirect("accounts:organization-detail", slug=membership.organization.slug)


# --- invitations ---------------------------------------------------------------------------------

def _invitable_organizations(user):
    organizations = selectors.organization_list(user=user).filter(is_active=True).order_by("name")
    if is_program_admin(user):
        return organizations
    return organizations.filter(pk__in=user.organization_ids(Role.COORDINATOR))


@login_required
def invitation_list(request):
    organizations = _invitable_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    roles = [r for r in Role.values if any(can_invite(request.user, o, r) for o in organizations)]
    form = InvitationForm(request.POST or None, organizations=organizations, roles=roles,
                          initial={"organization": request.GET.get("organization")})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:invitation-list")
    status = request.GET.get("status") or ""
    invitations = selectors.invitation_list(user=request.user, status=status or None)
    page = Paginator(invitations, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/invitation_list.html", {
        "form": form, "page": page, "status": status, "statuses": Invitation.Status.choices,
        "query": urlencode({"status": status}) if status else "",
    })


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    invitation = get_object_or_404(selectors.invitation_list(user=request.user), pk=pk)
    run_action(request, lambda: services.invitation_revoke(by=request.user, invitation=invitation),
               _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("accounts:invitation-list")


def invitation_accept(request, token: str):
    try:
        invitation = services.invitation_from_token(token=token)
    except ApplicationError as error:
        return render(request, "accounts/invitation_invalid.html", {"error": error}, status=410
                      if error.code in ("expired", "used", "revoked") else 404)

    user = request.user if request.user.is_authenticated else None
    needs_sign_in = user is None and services.User.objects.filter(email__iexact=invitation.email).exists()
    form = InvitationAcceptForm(request.POST or None, initial={"full_name": invitation.full_name}) \
        if user is None and not needs_sign_in else None
    error = None
    if request.method == "POST" and not needs_sign_in and (form is None or form.is_valid()):
        try:
            account = services.invitation_accept(
                invitation=invitation, user=user,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except ApplicationError as exc:
            if form is not None and exc.field:
                apply_error(form, exc)
            else:
                error = exc.message
        else:
            if user is None:
                login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. You are now %(role)s at %(org)s.")
                             % {"role": invitation.get_role_display(), "org": invitation.organization.name})
            return redirect("core:dashboard")
    login_url = f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
    return render(request, "accounts/invitation_accept.html", {
        "invitation": invitation, "form": form, "needs_sign_in": needs_sign_in, "error": error,
        "login_url": login_url,
    })


# --- the user's own account ----------------------------------------------------------------------

@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={
        "full_name": user.full_name, "phone": user.phone, "preferred_language": user.preferred_language})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {
        "form": form, "memberships": selectors.user_memberships(user=user)})


@login_required
def api_token_list(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created")
    return render(request, "accounts/api_token_list.html", {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def api_token_revoke(request, token_key: str):
    token = get_object_or_404(ApiToken, user=request.user, token_key=token_key)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:api-token-list")


