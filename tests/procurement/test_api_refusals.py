"""Every procurement write operation of the API refuses as its page does (issue 24): bad input is a 400
naming the field, a known object the caller may not act on a 403, an object they may not know of (a
draft, another organization's proposal, a solicitation behind the officer wall, a committee they do
not sit on) a 404; and nothing refused leaves an audit event. The successes are in test_api_lifecycle.py."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.core.models import AuditEvent
from apps.procurement import services
from tests.factories import MembershipFactory, user_with_role
from tests.support.api import signed_in

from ..factories.procurement import draft_solicitation, pdf_upload, submitted_proposal
from .conftest import score_all

pytestmark = pytest.mark.django_db
S = "/api/v1/procurement/solicitations"
P = "/api/v1/procurement/proposals"


def _api(user) -> APIClient:
    return signed_in(APIClient(), user)


def _call(user, method: str, url: str, body=None):
    multipart = isinstance(body, dict) and "file" in body
    return getattr(_api(user), method)(url, body, format="multipart" if multipart else "json")


def _refused(response, status: int, field: str | None = "") -> None:
    assert response.status_code == status, response.content
    if status == 400 and field != "":
        assert list(response.json()["errors"]) == ([field] if field else [])


@pytest.fixture
def committee_officer(city, officer):
    """An officer who also sits on the committee of the solicitations below: there, an evaluator."""
    user = user_with_role(Role.PROCUREMENT_OFFICER, city, email="olga@city.example")
    MembershipFactory(user=user, organization=city, role=Role.RFP_EVALUATOR)
    return user


def _bodies(solicitation, coordinator):
    later = (solicitation.proposals_due_at + timedelta(days=1)).isoformat()
    return {
        "patch:": ({"questions_due_at": later}, "questions_due_at"),
        "post:criteria/": ({"kind": "other", "title": "Plan"}, "kind"),
        "post:questions/": ({"prompt": "Why?", "max_words": 10}, "max_words"),
        "post:required-attachments/": ({"name": ""}, "name"),
        "post:documents/": ({"title": "", "file": pdf_upload()}, "title"),
        "post:addenda/": ({"title": " ", "body": "Dates."}, "title"),
        "post:steps/": ({"step": "fly"}, "step"),
        "post:cancel/": ({"reason": " "}, "reason"),
        "post:evaluators/": ({"evaluator": coordinator.pk}, "evaluator"),
        "post:recommendation/": ({"proposal": 0, "reasons": "Best."}, "proposal"),
        "post:award/": ({"justification": 5}, "justification"),
        "delete:criteria/0/": (None, None),
    }


OFFICER_OPERATIONS = [
    "patch:", "post:criteria/", "post:questions/", "post:required-attachments/", "post:documents/", "post:addenda/",
    "post:steps/", "post:cancel/", "post:evaluators/", "post:recommendation/", "post:award/", "delete:criteria/0/"]


@pytest.mark.parametrize("operation", OFFICER_OPERATIONS)
def test_officer_operations_refuse_as_the_manage_page(operation, officer, committee_officer, coordinator,
                                                      solicitation):
    method, path = operation.split(":")
    draft = draft_solicitation(officer, reference="RFP-DRAFT")
    for seated in (draft, solicitation):
        services.evaluator_assign(solicitation=seated, evaluator=committee_officer, by=officer)
    before = AuditEvent.objects.count()
    body, field = _bodies(draft, coordinator)[operation]
    # Bad input (or, for the removal, no such item): the officer is told which field.
    if method == "delete":
        _refused(_call(officer, method, f"{S}/{draft.reference}/{path}"), 404)
    else:
        target = solicitation if path == "addenda/" else draft  # an addendum is for a published solicitation
        _refused(_call(officer, method, f"{S}/{target.reference}/{path}", body), 400, field)
    body = _bodies(draft, coordinator)[operation][0]
    # A coordinator knows of the published solicitation (403), not of the draft (404).
    _refused(_call(coordinator, method, f"{S}/{solicitation.reference}/{path}", body), 403)
    _refused(_call(coordinator, method, f"{S}/{draft.reference}/{path}", body), 404)
    # Behind the officer wall: an officer on the committee is an evaluator there.
    _refused(_call(committee_officer, method, f"{S}/{draft.reference}/{path}", body), 404)
    assert AuditEvent.objects.count() == before


def test_creating_refuses_bad_input_and_other_roles(officer, coordinator, solicitation):
    now = timezone.now()
    body = {"reference": solicitation.reference.lower(), "title": "Again", "summary": "S",
            "budget_ceiling": "1000.00", "questions_due_at": (now + timedelta(days=1)).isoformat(),
            "proposals_due_at": (now + timedelta(days=2)).isoformat()}
    before = AuditEvent.objects.count()
    _refused(_call(officer, "post", f"{S}/", body), 400, "reference")  # the service's case-blind uniqueness
    _refused(_call(officer, "post", f"{S}/", {**body, "reference": "NEW", "budget_ceiling": "0.00"}), 400,
             "budget_ceiling")
    _refused(_call(coordinator, "post", f"{S}/", {**body, "reference": "NEW"}), 403)
    assert AuditEvent.objects.count() == before


@pytest.fixture
def harbor_draft(solicitation, coordinator, harbor):
    return services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)


def _proposer_bodies(solicitation):
    question = solicitation.questions.get()
    price = {"personnel": "12.345", "responder_stipends": "0", "training": "0", "operations": "0", "indirect": "0"}
    return {
        "patch:": ({"answers": [{"question": 0, "text": "Peers."}]}, "answers"),
        "post:answers/": ({"answers": [{"question": question.pk, "text": "word " * 501}]}, f"answer_{question.pk}"),
        "put:price/": (price, "personnel"),
        "post:attachments/": ({"required_attachment": 0, "file": pdf_upload()}, "required_attachment"),
        "post:acknowledgements/": ({"addendum": 0}, "addendum"),
        "post:withdraw/": (None, None),  # a draft: only a submitted proposal can be withdrawn
        "post:submit/": (None, None),  # incomplete: the missing parts are the message
        "delete:attachments/0/": (None, "404"),  # no such attachment of this proposal
    }


PROPOSER_OPERATIONS = ["patch:", "post:answers/", "put:price/", "post:attachments/", "post:acknowledgements/",
                       "post:withdraw/", "post:submit/", "delete:attachments/0/"]


@pytest.mark.parametrize("operation", PROPOSER_OPERATIONS)
def test_proposer_operations_refuse_as_the_editor(operation, solicitation, harbor_draft, coordinator, coordinator2,
                                                  riverside, responder, officer, time_machine):
    method, path = operation.split(":")
    riverside_proposal = submitted_proposal(solicitation, coordinator2, riverside)
    before = AuditEvent.objects.count()
    body, field = _proposer_bodies(solicitation)[operation]
    if field == "404":
        _refused(_call(coordinator, method, f"{P}/{harbor_draft.pk}/{path}", body), 404)
    else:
        _refused(_call(coordinator, method, f"{P}/{harbor_draft.pk}/{path}", body), 400, field)
    # Another organization's proposal, or one the caller may not know of: 404.
    for outsider in (coordinator2, responder, officer):
        _refused(_call(outsider, method, f"{P}/{harbor_draft.pk}/{path}", body), 404)
    # After the opening the officer knows of the submitted proposals, and may not edit them: 403.
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    services.solicitation_open(solicitation=solicitation, by=officer)
    _refused(_call(officer, method, f"{P}/{riverside_proposal.pk}/{path}", body), 403)
    assert AuditEvent.objects.count() == before + 2  # the opening's own: closed, opened


def test_participation_refuses_as_the_public_page(solicitation, officer, coordinator, responder, riverside, harbor):
    draft = draft_solicitation(officer, reference="RFP-DRAFT")
    before = AuditEvent.objects.count()
    for path, body in (("clarifications/", {"organization": riverside.pk, "question": "Why?"}),
                       ("proposals/", {"organization": riverside.pk})):
        _refused(_call(coordinator, "post", f"{S}/{solicitation.reference}/{path}", body), 400, "organization")
        _refused(_call(responder, "post", f"{S}/{solicitation.reference}/{path}", body), 403)
        _refused(_call(coordinator, "post", f"{S}/{draft.reference}/{path}", {**body, "organization": harbor.pk}), 404)
    _refused(_call(coordinator, "post", f"{S}/{solicitation.reference}/clarifications/",
                   {"organization": harbor.pk, "question": " "}), 400, "question")
    assert AuditEvent.objects.count() == before


def test_answering_questions_refuses_as_the_manage_page(solicitation, officer, committee_officer, coordinator,
                                                        coordinator2, harbor):
    clarification = services.clarification_ask(solicitation=solicitation, organization=harbor, by=coordinator,
                                               question="One zone first?")
    services.evaluator_assign(solicitation=solicitation, evaluator=committee_officer, by=officer)
    url = f"/api/v1/procurement/clarifications/{clarification.pk}/answer/"
    before = AuditEvent.objects.count()
    _refused(_call(officer, "post", url, {"answer": " "}), 400, "answer")
    _refused(_call(coordinator, "post", url, {"answer": "Yes."}), 403)  # the asker knows of it
    for outsider in (coordinator2, committee_officer):
        _refused(_call(outsider, "post", url, {"answer": "Yes."}), 404)
    assert AuditEvent.objects.count() == before
    assert _api(coordinator2).get("/api/v1/procurement/clarifications/").json()["results"] == []


def test_attestation_refuses_as_the_evaluation_page(opened, evaluator, evaluator2, coordinator, outsider_org):
    url = f"{S}/{opened.reference}/attestation/"
    before = AuditEvent.objects.count()
    body = {"affirm": True, "signed_name": "Eve Evaluator", "conflicts": []}
    _refused(_call(evaluator, "post", url, {**body, "affirm": False}), 400, "affirm")
    _refused(_call(evaluator, "post", url, {**body, "signed_name": " "}), 400, "signed_name")
    # Blind review lists every active nonprofit; an organization off the list is refused.
    outsider_org.is_active = False
    outsider_org.save(update_fields=["is_active"])
    _refused(_call(evaluator, "post", url, {**body, "conflicts": [
        {"organization": outsider_org.pk, "description": "Board"}]}), 400, "conflicts")
    _refused(_call(coordinator, "post", url, body), 403)
    _refused(_call(evaluator2, "post", url, body), 404)  # not on this committee
    _refused(_call(evaluator2, "get", url), 404)
    assert AuditEvent.objects.count() == before


def test_the_signed_attestation_does_not_say_whom_it_recuses_from(opened, two_submitted, evaluator):
    first, second = two_submitted
    response = _call(evaluator, "post", f"{S}/{opened.reference}/attestation/", {
        "affirm": True, "signed_name": "Eve Evaluator",
        "conflicts": [{"organization": first.organization_id, "description": "I sit on its board."}]})
    assert response.status_code == 201
    assert "organization" not in response.json() and "recusals" not in response.json()


def test_committee_operations_refuse_as_the_scoring_and_consensus_pages(
        in_evaluation, two_submitted, officer, evaluator, evaluator2, coordinator, coordinator2):
    first, second = two_submitted
    comparative = in_evaluation.criteria.filter(kind="comparative").first()
    minimum = in_evaluation.criteria.filter(kind="minimum").first()
    unreasoned = {"scores": [{"criterion": comparative.pk, "rating": "advantageous", "rationale": " "}]}
    before = AuditEvent.objects.count()
    sheet = f"{P}/{first.pk}/scoresheet/"
    _refused(_call(evaluator, "post", sheet, unreasoned), 400, "rationale")
    _refused(_call(evaluator, "post", sheet, {"scores": [{"criterion": minimum.pk, "rating": "advantageous",
                                                          "rationale": "Fine."}]}), 400, "criterion")
    _refused(_call(evaluator, "post", f"{sheet}submit/"), 400, None)  # nothing scored yet
    _refused(_call(coordinator, "post", sheet, unreasoned), 403)  # their own proposal: known, not theirs to score
    _refused(_call(coordinator2, "post", sheet, unreasoned), 404)
    _refused(_call(evaluator2, "post", sheet, unreasoned), 404)  # not on the committee
    _refused(_call(officer, "post", f"{P}/{first.pk}/responsiveness/", {
        "criterion": minimum.pk, "passed": True, "reason": "On file."}), 400, "status")  # evaluation has begun
    _refused(_call(evaluator, "post", f"{P}/{first.pk}/responsiveness/", {
        "criterion": minimum.pk, "passed": True, "reason": "On file."}), 403)
    assert AuditEvent.objects.count() == before
    score_all(in_evaluation, evaluator, first)
    services.solicitation_consensus_start(solicitation=in_evaluation, by=officer)
    before = AuditEvent.objects.count()
    consensus = f"{P}/{first.pk}/consensus/"
    _refused(_call(officer, "post", consensus, unreasoned), 400, "rationale")
    _refused(_call(officer, "post", consensus, {"scores": [{"criterion": 0, "rating": "advantageous",
                                                            "rationale": "Agreed."}]}), 400, "criterion")
    _refused(_call(evaluator, "post", consensus, unreasoned), 403)
    _refused(_call(coordinator, "post", consensus, unreasoned), 403)
    _refused(_call(coordinator2, "post", consensus, unreasoned), 404)
    assert AuditEvent.objects.count() == before


def test_responsiveness_refuses_bad_input(opened, two_submitted, officer, coordinator2):
    first, _second = two_submitted
    comparative = opened.criteria.filter(kind="comparative").first()
    minimum = opened.criteria.filter(kind="minimum").first()
    url = f"{P}/{first.pk}/responsiveness/"
    _refused(_call(officer, "post", url, {"criterion": comparative.pk, "passed": True, "reason": "x"}), 400,
             "criterion")
    _refused(_call(officer, "post", url, {"criterion": minimum.pk, "passed": False, "reason": " "}), 400, "reason")
    _refused(_call(coordinator2, "post", url, {"criterion": minimum.pk, "passed": True, "reason": "x"}), 404)
    assert not AuditEvent.objects.filter(action="procurement.responsiveness.recorded").exists()
