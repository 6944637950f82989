"""Review of the procurement API's write operations (issue 24): probes of the sealed-bid rules the
lifecycle and refusal tests did not reach."""

import pytest
from rest_framework.test import APIClient

from apps.core.models import AuditEvent
from apps.procurement import services
from tests.factories.procurement import published_solicitation, submitted_proposal
from tests.support.api import signed_in

pytestmark = pytest.mark.django_db
S = "/api/v1/procurement/solicitations"
P = "/api/v1/procurement/proposals"


def _api(user) -> APIClient:
    return signed_in(APIClient(), user)


def test_attestation_before_the_opening_does_not_tell_who_submitted(officer, evaluator, coordinator, harbor,
                                                                    outsider_org):
    """Before the opening the committee may not know who proposed (the GET lists no candidates): signing then
    is refused the same way whichever organization is declared, never by a check against the proposers."""
    solicitation = published_solicitation(officer, reference="RFP-OPEN", blind_review=False)
    submitted_proposal(solicitation, coordinator, harbor)
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    before = AuditEvent.objects.count()
    answers = []
    for organization in (harbor, outsider_org):
        response = _api(evaluator).post(f"{S}/RFP-OPEN/attestation/", {
            "affirm": True, "signed_name": "Eve Evaluator",
            "conflicts": [{"organization": organization.pk, "description": "Board seat."}]}, format="json")
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400
    assert "conflicts" not in answers[0][1].get("errors", {})
    assert AuditEvent.objects.count() == before




def test_attestation_after_the_opening_still_refuses_an_organization_not_listed(opened, evaluator, city):
    response = _api(evaluator).post(f"{S}/{opened.reference}/attestation/", {
        "affirm": True, "signed_name": "Eve Evaluator",
        "conflicts": [{"organization": city.pk, "description": "I work there."}]}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["conflicts"])

HUGE = 10**20


@pytest.mark.parametrize("method,path,body", [
    ("post", "recommendation/", {"proposal": HUGE, "reasons": "Best."}),
    ("post", "evaluators/", {"evaluator": HUGE}),
    ("delete", f"criteria/{HUGE}/", None),
    ("post", "steps/", {"step": None}),
])
def test_officer_odd_ids_are_refusals_not_crashes(officer, solicitation, method, path, body):
    response = getattr(_api(officer), method)(f"{S}/{solicitation.reference}/{path}", body, format="json")
    assert response.status_code in (400, 404), response.content


@pytest.mark.parametrize("path,body", [
    ("clarifications/", {"organization": HUGE, "question": "Why?"}),
    ("proposals/", {"organization": HUGE}),
    ("proposals/", {"organization": "x"}),
])
def test_coordinator_odd_ids_are_refusals_not_crashes(coordinator, solicitation, path, body):
    response = _api(coordinator).post(f"{S}/{solicitation.reference}/{path}", body, format="json")
    assert response.status_code == 400, response.content


def test_proposal_odd_ids_are_refusals_not_crashes(solicitation, coordinator, harbor):
    proposal = services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)
    api = _api(coordinator)
    for method, path, body in [("post", "acknowledgements/", {"addendum": HUGE}),
                               ("post", "answers/", {"answers": [{"question": HUGE, "text": "x"}]}),
                               ("patch", "", {"answers": [{"question": HUGE, "text": "x"}]}),
                               ("delete", f"attachments/{HUGE}/", None)]:
        response = getattr(api, method)(f"{P}/{proposal.pk}/{path}", body, format="json")
        assert response.status_code in (400, 404), (path, response.content)
    assert api.get(f"{P}/{HUGE}/").status_code == 404
    assert _api(coordinator).post("/api/v1/procurement/scores/", {"proposal": HUGE, "criterion": HUGE,
                                                                  "rationale": "x", "rating": ""},
                                  format="json").status_code == 404


def test_a_reference_holding_nul_is_not_found(officer):
    api = _api(officer)
    assert api.get(f"{S}/RFP%00/").status_code == 404
    assert api.post(f"{S}/RFP%00/steps/", {"step": "publish"}, format="json").status_code == 404
    assert api.post(f"{S}/RFP%00/attestation/", {}, format="json").status_code == 404
