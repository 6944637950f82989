"""Pages anyone may read, signed in or not: open and past solicitations, their documents, addenda,
answered questions and award notices. Nothing here names who asked a question or who proposed,
except the public award notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Organization
from apps.accounts.roles import Role
from apps.core.decorators import public_page
from apps.core.errors import ApplicationError
from apps.core.pages import run_action

from .. import selectors, services
from ..forms import ClarificationForm
from ..models import Proposal, Solicitation
from ..permissions import can_manage_solicitation, can_participate
from ._common import file_response, public_solicitation_or_404


@public_page
@require_safe
def solicitation_list(request):
    past = request.GET.get("show") == "past"
    page = Paginator(selectors.solicitation_public_list(past=past), 25).get_page(request.GET.get("page"))
    return render(request, "procurement/solicitation_list.html", {
        "page": page, "past": past, "query": "show=past" if past else ""})


def _coordinator_organizations(user):
    if not user.is_authenticated:
        return []
    return list(Organization.objects.filter(pk__in=user.organization_ids(Role.COORDINATOR), is_active=True)
                .order_by("name"))


@public_page
@require_safe
def solicitation_detail(request, reference: str):
    solicitation = public_solicitation_or_404(request.user, reference)
    organizations = _coordinator_organizations(request.user)
    own = {p.organization_id: p for p in Proposal.objects.filter(
        solicitation=solicitation, organization__in=organizations)} if organizations else {}
    context = {
        "solicitation": solicitation, **selectors.solicitation_public_detail(solicitation=solicitation),
        "organizations": [(o, own.get(o.pk)) for o in organizations],
        "question_form": ClarificationForm(organizations=organizations) if organizations else None,
        "can_manage": can_manage_solicitation(request.user),
        "award_organization": (solicitation.awarded_proposal.organization.name
                               if solicitation.status == Solicitation.Status.AWARDED else ""),
    }
    return render(request, "procurement/solicitation_detail.html", context)


@public_page
@require_safe
def document_download(request, reference: str, pk: int):
    solicitation = public_solicitation_or_404(request.user, reference)
    document = solicitation.documents.filter(pk=pk).first()
    if document is None:
        raise Http404
    extension = document.file.name.rsplit(".", 1)[-1]
    return file_response(document.file, filename=f"{solicitation.reference}-{document.pk}.{extension}",
                         content_type=document.content_type)


@login_required
@require_POST
def clarification_create(request, reference: str):
    solicitation = public_solicitation_or_404(request.user, reference)
    if not can_participate(request.user):
        raise PermissionDenied
    organizations = _coordinator_organizations(request.user)
    form = ClarificationForm(request.POST, organizations=organizations)
    if form.is_valid():
        organization = next(o for o in organizations if o.pk == form.cleaned_data["organization"])
        run_action(request, lambda: services.clarification_ask(
            solicitation=solicitation, organization=organization, by=request.user,
            question=form.cleaned_data["question"]),
            _("Your question was sent. The answer will be published on this page."))
    else:
        messages.error(request, _("Write your question and choose the organization."))
    return redirect("procurement:solicitation-detail", reference=solicitation.reference)


@login_required
@require_POST
def proposal_start(request, reference: str):
    solicitation = public_solicitation_or_404(request.user, reference)
    if not can_participate(request.user):
        raise PermissionDenied
    organization = next((o for o in _coordinator_organizations(request.user)
                         if str(o.pk) == request.POST.get("organization")), None)
    if organization is None:
        raise Http404
    try:
        proposal = services.proposal_start(solicitation=solicitation, organization=organization, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("procurement:solicitation-detail", reference=solicitation.reference)
    return redirect("procurement:proposal-detail", pk=proposal.pk)
