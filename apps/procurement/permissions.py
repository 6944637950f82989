"""Who may see and do what in a solicitation. Plain predicates, one place each.

Sealing, the price wall and blind review are decided here and nowhere else: views, the API,
templates and services all ask these functions. A proposal proposal_list does not return is a 404
for that user; a part of one it returns (the price envelope) that these deny is a 403 saying why
(the rule for every app is in apps/core/permissions.py).
"""

from django.db.models import QuerySet

from apps.accounts.roles import Role

from .models import EvaluatorAssignment, Proposal, Solicitation

S = Solicitation.Status
# Statuses in which the committee works on the technical proposals.
EVALUATION_STATUSES = frozenset({S.EVALUATION, S.CONSENSUS, S.PRICE_OPENED, S.AWARD_RECOMMENDED, S.AWARDED})
# Statuses in which the committee is fixed: from consensus on, a new evaluator would judge scores
# already locked. The appointment service refuses them and the manage page does not offer it.
COMMITTEE_CLOSED_STATUSES = frozenset({S.CONSENSUS, S.PRICE_OPENED, S.AWARD_RECOMMENDED, S.AWARDED, S.CANCELLED})


def is_officer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.PROCUREMENT_OFFICER)


def is_evaluator(user) -> bool:
    """City staff who may sit on an evaluation committee (the evaluators' pages and API ask this first)."""
    return user.is_authenticated and user.has_role(Role.RFP_EVALUATOR)


def committee_solicitation_ids(user):
    """The solicitations whose committee the user sits on, as a subquery."""
    return EvaluatorAssignment.objects.filter(evaluator=user).values("solicitation_id")


def acts_as_officer(user, solicitation: Solicitation) -> bool:
    """The officer wall, for one solicitation: an officer who sits on its committee is an evaluator
    there, behind the evaluators' walls. `officer_solicitations` is the same rule as a list."""
    return is_officer(user) and not is_assigned_evaluator(user, solicitation)


def officer_solicitations(user) -> QuerySet[Solicitation]:
    """The officer wall, as a list: the solicitations the user acts on as officer (`acts_as_officer`)."""
    if not is_officer(user):
        return Solicitation.objects.none()
    return Solicitation.objects.exclude(pk__in=committee_solicitation_ids(user))


def is_coordinator_of(user, organization_id: int) -> bool:
    return user.is_authenticated and user.has_role(Role.COORDINATOR, organization_id)


def can_manage_solicitation(user, solicitation: Solicitation | None = None) -> bool:
    return is_officer(user)


def can_appoint_evaluator(solicitation: Solicitation) -> bool:
    return solicitation.status not in COMMITTEE_CLOSED_STATUSES


def can_open_proposals(solicitation: Solicitation, now) -> bool:
    """The opening comes after the proposal deadline and not before its scheduled time (the services
    `solicitation_close` and `solicitation_open` refuse earlier)."""
    return (solicitation.status in (S.PUBLISHED, S.CLOSED) and now >= solicitation.proposals_due_at
            and (solicitation.opening_at is None or now >= solicitation.opening_at))


def can_view_solicitation(user, solicitation: Solicitation) -> bool:
    return solicitation.is_public or is_officer(user)


def can_participate(user) -> bool:
    """A nonprofit's coordinator takes part for their organization."""
    return user.is_authenticated and bool(user.organization_ids(Role.COORDINATOR))


def can_edit_proposal(user, proposal: Proposal) -> bool:
    return is_coordinator_of(user, proposal.organization_id)


def assignment_for(user, solicitation: Solicitation) -> EvaluatorAssignment | None:
    """The user's committee seat on this solicitation (cached on the user for the request)."""
    if not user.is_authenticated or not user.has_role(Role.RFP_EVALUATOR):
        return None
    cache = user.__dict__.setdefault("_procurement_assignments", {})
    if solicitation.pk not in cache:
        assignment = (EvaluatorAssignment.objects.select_related("attestation")
                      .filter(solicitation=solicitation, evaluator=user).first())
        if assignment is None:
            return None  # not cached: an appointment later in the request must count
        cache[solicitation.pk] = assignment
    return cache[solicitation.pk]


def is_assigned_evaluator(user, solicitation: Solicitation) -> bool:
    return assignment_for(user, solicitation) is not None


def has_attested(user, solicitation: Solicitation) -> bool:
    assignment = assignment_for(user, solicitation)
    return assignment is not None and hasattr(assignment, "attestation")


def recused_proposal_ids(assignment: EvaluatorAssignment) -> set[int]:
    if not hasattr(assignment, "attestation"):
        return set()
    return set(assignment.attestation.declarations.filter(has_conflict=True).values_list("proposal_id", flat=True))


def can_evaluate_solicitation(user, solicitation: Solicitation) -> bool:
    """An evaluator sees nothing of the proposals before the opening, evaluation and their attestation."""
    return (solicitation.status in EVALUATION_STATUSES and solicitation.opened_at is not None
            and has_attested(user, solicitation))


def can_evaluate_proposal(user, proposal: Proposal) -> bool:
    solicitation = proposal.solicitation
    if not can_evaluate_solicitation(user, solicitation) or proposal.status != Proposal.Status.SUBMITTED:
        return False
    if proposal.responsive is False:
        return False
    return proposal.pk not in recused_proposal_ids(assignment_for(user, solicitation))


def can_read_technical(user, proposal: Proposal) -> bool:
    """The technical envelope: the proposer always; staff only after the opening."""
    if is_coordinator_of(user, proposal.organization_id):
        return True
    solicitation = proposal.solicitation
    if solicitation.is_sealed or proposal.status != Proposal.Status.SUBMITTED:
        return False
    if acts_as_officer(user, solicitation):
        return True
    return can_evaluate_proposal(user, proposal)


def can_read_price(user, proposal: Proposal) -> bool:
    """The price envelope: the proposer always; the officer after the price opening; evaluators never."""
    if is_coordinator_of(user, proposal.organization_id):
        return True
    solicitation = proposal.solicitation
    return (acts_as_officer(user, solicitation) and solicitation.price_opened_at is not None
            and proposal.status == Proposal.Status.SUBMITTED)


def can_see_identity(user, proposal: Proposal) -> bool:
    """In blind review an evaluator knows a proposal only by its code."""
    if is_coordinator_of(user, proposal.organization_id):
        return True
    solicitation = proposal.solicitation
    if is_assigned_evaluator(user, solicitation):
        return not solicitation.blind_review
    return is_officer(user)
