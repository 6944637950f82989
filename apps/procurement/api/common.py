"""What the procurement API modules share: the gates that give the pages' answers, and the documented
refusals.

The gates ask the predicates of apps/procurement/permissions.py, as the pages do: an object the caller
may not know of (a draft, another organization's proposal, a solicitation behind the officer wall) is a
404; a known object they have too few rights on is a 403; the service then re-checks its own rule and
refuses with a 400 naming the field (apps/core/api/errors.py)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import PermissionDenied

from apps.core.api.serializers import ErrorSerializer

from ..models import Proposal, Solicitation
from ..permissions import (
    acts_as_officer,
    can_edit_proposal,
    can_manage_solicitation,
    is_assigned_evaluator,
    is_evaluator,
)

FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Too few rights on an object you may know of.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or not yours to know of.")
REFUSED = OpenApiResponse(ErrorSerializer, description="Invalid input, or a rule of the procurement refused it: "
                                                       "`errors` names the field at fault where there is one.")
REFUSALS = {400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND}


def officer_or_403(user) -> None:
    """The officer's pages' first gate (views/_common.officer_or_403)."""
    if not can_manage_solicitation(user):
        raise PermissionDenied(_("Only a procurement officer can do this."))


def as_officer(user, solicitation: Solicitation) -> Solicitation:
    """The officer's pages' gate (views/_common.managed_solicitation_or_404) for a solicitation the caller
    may know of: not an officer, 403; an officer who sits on its committee is an evaluator there (the
    officer wall), 404."""
    officer_or_403(user)
    if not acts_as_officer(user, solicitation):
        raise Http404
    return solicitation


def as_proposer(user, proposal: Proposal) -> Proposal:
    """The proposal editor's gate: a proposal the caller may know of but not edit is a 403."""
    if not can_edit_proposal(user, proposal):
        raise PermissionDenied(_("Only a coordinator of the proposing organization can change this proposal."))
    return proposal


def as_officer_of_proposal(user, proposal: Proposal) -> Proposal:
    """The register's gate (responsiveness, consensus): the officer, acting as officer on its solicitation."""
    as_officer(user, proposal.solicitation)
    return proposal


def as_evaluator(user, solicitation: Solicitation) -> Solicitation:
    """The evaluators' pages' gate: no evaluator role, 403; not on this solicitation's committee, 404."""
    if not is_evaluator(user):
        raise PermissionDenied(_("Only an RFP evaluator can do this."))
    if not is_assigned_evaluator(user, solicitation):
        raise Http404
    return solicitation
