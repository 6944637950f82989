"""Review of the procurement API's write operations (issue 24): probes of the sealed-bid rules the
lifecycle and refusal tests did not reach."""

import pytest
from rest_framework.test import APIClient

from apps.core.models import AuditEvent
from apps.procurement import services
from tests.factories.procurement import published_solicitation, submitted_proposal

pytestmark = pytest.mark.django_db
S = "/api/v1/procurement/solicitations"
P = "/api/v1/procurement/proposals"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


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

