"""A solicitation from its draft to its award through the API alone, each step by the role that takes it
on the pages, each answering with the resource's state and leaving its audit event (issue 24)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.models import AuditEvent
from apps.procurement import services
from apps.procurement.models import Proposal, Solicitation
from tests.support.api import signed_in

from ..factories.procurement import pdf_upload, published_solicitation

pytestmark = pytest.mark.django_db
S = "/api/v1/procurement/solicitations"
P = "/api/v1/procurement/proposals"


def _api(user) -> APIClient:
    return signed_in(APIClient(), user)


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json() if response.content else {}


def _audited(action: str, user) -> int:
    return AuditEvent.objects.filter(action=action, actor=user).count()


def test_a_solicitation_from_draft_to_award_through_the_api(officer, evaluator, coordinator, coordinator2, harbor,
                                                              riverside, time_machine):
    start = timezone.now().replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    office = _api(officer)
    created = _ok(office.post(f"{S}/", {
        "reference": "RFP-API-001", "title": "Facilitator", "summary": "The city seeks a facilitator.",
        "budget_ceiling": "100000.00", "questions_due_at": (start + timedelta(days=5)).isoformat(),
        "proposals_due_at": (start + timedelta(days=10)).isoformat(), "rating_method": "adjectival",
        "blind_review": True}), 201)
    assert (created["reference"], created["status"], created["two_envelopes"]) == ("RFP-API-001", "draft", True)
    assert _audited("procurement.solicitation.created", officer) == 1
    ref = created["reference"]
    assert _ok(office.patch(f"{S}/{ref}/", {"title": "Community responder facilitator"}))["title"] == (
        "Community responder facilitator")
    assert _audited("procurement.solicitation.updated", officer) == 1

    minimum = _ok(office.post(f"{S}/{ref}/criteria/", {"kind": "minimum", "title": "Good standing"}), 201)
    comparative = _ok(office.post(f"{S}/{ref}/criteria/", {"kind": "comparative", "title": "Plan"}), 201)
    spare = _ok(office.post(f"{S}/{ref}/criteria/", {"kind": "comparative", "title": "Spare"}), 201)
    assert _audited("procurement.criterion.added", officer) == 3
    _ok(office.delete(f"{S}/{ref}/criteria/{spare['id']}/"), 204)
    question = _ok(office.post(f"{S}/{ref}/questions/", {"prompt": "Describe your experience.", "max_words": 100}),
                   201)
    assert (question["max_words"], question["order"]) == (100, 1)
    extra = _ok(office.post(f"{S}/{ref}/questions/", {"prompt": "Spare question"}), 201)
    _ok(office.delete(f"{S}/{ref}/questions/{extra['id']}/"), 204)
    required = _ok(office.post(f"{S}/{ref}/required-attachments/", {"name": "Certificate"}), 201)
    extra = _ok(office.post(f"{S}/{ref}/required-attachments/", {"name": "Spare"}), 201)
    _ok(office.delete(f"{S}/{ref}/required-attachments/{extra['id']}/"), 204)
    assert _audited("procurement.solicitation.item_removed", officer) == 3
    assert _audited("procurement.question.added", officer) == 2
    assert _audited("procurement.required_attachment.added", officer) == 2
    document = _ok(office.post(f"{S}/{ref}/documents/", {"title": "Scope", "file": pdf_upload("scope.pdf")},
                               format="multipart"), 201)
    assert (document["title"], document["content_type"], len(document["sha256"])) == ("Scope", "application/pdf", 64)
    assert _audited("procurement.document.added", officer) == 1
    published = _ok(office.post(f"{S}/{ref}/steps/", {"step": "publish"}))
    assert published["status"] == "published" and published["published_at"] is not None
    assert _audited("procurement.solicitation.published", officer) == 1

    # Proposers: a question, its answer, an addendum, two proposals.
    harbor_api, river_api = _api(coordinator), _api(coordinator2)
    asked = _ok(harbor_api.post(f"{S}/{ref}/clarifications/", {"organization": harbor.pk,
                                                                "question": "Harbor asks: one zone first?"}), 201)
    assert (asked["status"], asked["answer"]) == ("pending", "")
    assert _audited("procurement.clarification.asked", coordinator) == 1
    assert [c["id"] for c in _ok(office.get("/api/v1/procurement/clarifications/"))["results"]] == [asked["id"]]
    answered = _ok(office.post(f"/api/v1/procurement/clarifications/{asked['id']}/answer/", {
        "answer": "Yes.", "question": "May the program start in one zone?"}))
    assert (answered["status"], answered["question"], answered["answer"]) == (
        "answered", "May the program start in one zone?", "Yes.")
    assert _audited("procurement.clarification.answered", officer) == 1
    addendum = _ok(office.post(f"{S}/{ref}/addenda/", {"title": "Dates", "body": "Clarified."}), 201)
    assert addendum["number"] == 1
    assert _audited("procurement.addendum.published", officer) == 1

    proposals = {}
    for client, user, organization, total in ((harbor_api, coordinator, harbor, "90000.00"),
                                              (river_api, coordinator2, riverside, "80000.00")):
        started = _ok(client.post(f"{S}/{ref}/proposals/", {"organization": organization.pk}), 201)
        assert _ok(client.post(f"{S}/{ref}/proposals/", {"organization": organization.pk}))["id"] == started["id"]
        pk = started["id"]
        saved = _ok(client.patch(f"{P}/{pk}/", {
            "answers": [{"question": question["id"], "text": "Ten years of peer response."}],
            "price": {"personnel": total, "responder_stipends": "0", "training": "0", "operations": "0",
                      "indirect": "0", "notes": ""}}))
        assert saved["technical"]["answers"][0]["text"] == "Ten years of peer response."
        assert _ok(client.get(f"{P}/{pk}/price/"))["total"] == total
        for _replace in range(2):  # attaching again replaces the draft's file
            attached = _ok(client.post(f"{P}/{pk}/attachments/", {"required_attachment": required["id"],
                                                                  "file": pdf_upload(f"{organization.slug}.pdf")},
                                       format="multipart"), 201)
        assert len(attached["technical"]["attachments"]) == 1
        ack = _ok(client.post(f"{P}/{pk}/acknowledgements/", {"addendum": addendum["id"]}))
        assert ack["number"] == 1
        receipt = _ok(client.post(f"{P}/{pk}/submit/"), 201)
        assert len(receipt["receipt_hash"]) == 64
        proposals[organization.slug] = pk
        for action in ("started", "answers_saved", "price_saved", "submitted"):
            assert _audited(f"procurement.proposal.{action}", user) == 1, action
        assert _audited("procurement.proposal.attachment_added", user) == 2
        assert _audited("procurement.addendum.acknowledged", user) == 1
    # Riverside withdraws and submits again, with a new price.
    river = proposals["riverside"]
    assert _ok(river_api.post(f"{P}/{river}/withdraw/"))["status"] == "withdrawn"
    assert _audited("procurement.proposal.withdrawn", coordinator2) == 1
    price = _ok(river_api.put(f"{P}/{river}/price/", {"personnel": "85000.00", "responder_stipends": "0",
                                                       "training": "0", "operations": "0", "indirect": "0"}))
    assert price["total"] == "85000.00"
    _ok(river_api.post(f"{P}/{river}/answers/", {"answers": [{"question": question["id"], "text": "Peers."}]}))
    attachment = _ok(river_api.get(f"{P}/{river}/"))["technical"]["attachments"][0]["id"]
    _ok(river_api.delete(f"{P}/{river}/attachments/{attachment}/"), 204)
    assert _audited("procurement.proposal.attachment_removed", coordinator2) == 1
    assert "Attach: Certificate." in river_api.post(f"{P}/{river}/submit/").json()["detail"]
    _ok(river_api.post(f"{P}/{river}/attachments/", {"required_attachment": required["id"],
                                                     "file": pdf_upload("again.pdf")}, format="multipart"), 201)
    _ok(river_api.post(f"{P}/{river}/submit/"), 201)

    # The committee, the opening, responsiveness, the evaluation.
    seat = _ok(office.post(f"{S}/{ref}/evaluators/", {"evaluator": evaluator.pk}), 201)
    assert (seat["evaluator"], seat["solicitation"]) == (evaluator.pk, ref)
    assert _audited("procurement.evaluator.assigned", officer) == 1
    time_machine.move_to(start + timedelta(days=10, minutes=1), tick=False)
    assert _ok(office.post(f"{S}/{ref}/steps/", {"step": "open"}))["status"] == "opened"
    assert _audited("procurement.solicitation.opened", officer) == 1
    for pk in proposals.values():
        review = _ok(office.post(f"{P}/{pk}/responsiveness/", {"criterion": minimum["id"], "passed": True,
                                                                "reason": "On file."}))
        assert (review["passed"], review["proposal_responsive"]) == (True, True)
    assert _audited("procurement.responsiveness.recorded", officer) == 2
    assert _ok(office.post(f"{S}/{ref}/steps/", {"step": "evaluation-start"}))["status"] == "evaluation"

    judge = _api(evaluator)
    state = _ok(judge.get(f"{S}/{ref}/attestation/"))
    assert state["attestation"] is None
    assert {c["id"] for c in state["candidates"]} >= {harbor.pk, riverside.pk}
    signed = _ok(judge.post(f"{S}/{ref}/attestation/", {"affirm": True, "signed_name": "Eve Evaluator",
                                                         "conflicts": []}), 201)
    assert signed["signed_name"] == "Eve Evaluator"
    assert _audited("procurement.attestation.signed", evaluator) == 1
    assert _ok(judge.get(f"{S}/{ref}/attestation/"))["candidates"] == []
    drafted = _ok(judge.post(f"{P}/{river}/scoresheet/", {"scores": [
        {"criterion": comparative["id"], "rating": "not_advantageous", "rationale": "First thoughts."}]}))
    assert [s["rating"] for s in drafted["scores"]] == ["not_advantageous"]
    cleared = _ok(judge.post(f"{P}/{river}/scoresheet/", {"scores": [{"criterion": comparative["id"], "clear": True}]}))
    assert cleared["scores"] == []
    assert _audited("procurement.score.cleared", evaluator) == 1
    for pk, rating in ((proposals["harbor"], "highly_advantageous"), (river, "advantageous")):
        sheet = _ok(judge.post(f"{P}/{pk}/scoresheet/", {"scores": [
            {"criterion": comparative["id"], "rating": rating, "rationale": "Clear."}]}))
        assert (sheet["submitted_at"], sheet["scores"][0]["rating"]) == (None, rating)
        assert _ok(judge.post(f"{P}/{pk}/scoresheet/submit/"))["submitted_at"] is not None
    assert _audited("procurement.score.saved", evaluator) == 3
    assert _audited("procurement.scoresheet.submitted", evaluator) == 2

    # Consensus, the price opening, the recommendation and the award.
    assert _ok(office.post(f"{S}/{ref}/steps/", {"step": "consensus-start"}))["status"] == "consensus"
    for pk, rating in ((proposals["harbor"], "highly_advantageous"), (river, "advantageous")):
        row = _ok(office.post(f"{P}/{pk}/consensus/", {"scores": [
            {"criterion": comparative["id"], "rating": rating, "rationale": "Agreed."}]}))
        assert [s["rating"] for s in row["scores"]] == [rating]
    assert _audited("procurement.consensus.recorded", officer) == 2
    assert _ok(office.post(f"{S}/{ref}/steps/", {"step": "price-open"}))["status"] == "price_opened"
    recommended = _ok(office.post(f"{S}/{ref}/recommendation/", {"proposal": proposals["harbor"],
                                                                  "reasons": "Best plan."}))
    assert (recommended["status"], recommended["recommended_proposal"]) == (
        "award_recommended", Proposal.objects.get(pk=proposals["harbor"]).code)
    refused = office.post(f"{S}/{ref}/award/", {})
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["justification"]
    awarded = _ok(office.post(f"{S}/{ref}/award/", {"justification": "The stronger plan is worth the price."}))
    assert (awarded["status"], awarded["awarded_to"]) == ("awarded", "Harbor Peer Outreach")
    for action in ("award_recommended", "awarded", "price_opened", "consensus_started", "evaluation_started"):
        assert _audited(f"procurement.solicitation.{action}", officer) == 1, action
    assert Solicitation.objects.get(reference=ref).status == Solicitation.Status.AWARDED


def test_cancelling_through_the_api(officer, solicitation, coordinator):
    refused = _api(officer).post(f"{S}/{solicitation.reference}/cancel/", {"reason": "  "})
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["reason"]
    assert _api(coordinator).post(f"{S}/{solicitation.reference}/cancel/", {"reason": "No."}).status_code == 403
    cancelled = _ok(_api(officer).post(f"{S}/{solicitation.reference}/cancel/", {"reason": "Funding withdrawn."}))
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "Funding withdrawn.")
    assert _audited("procurement.solicitation.cancelled", officer) == 1


def test_uploads_are_checked_as_on_the_pages(officer, coordinator, harbor, solicitation, monkeypatch):
    """The API's uploads go through the pages' check: the content decides, not the name or the type, and
    the size limit is the pages' (apps/procurement/uploads.py)."""
    fake = SimpleUploadedFile("scope.pdf", b"MZ not really a PDF", content_type="application/pdf")
    response = _api(officer).post(f"{S}/{solicitation.reference}/documents/", {"title": "Scope", "file": fake},
                                  format="multipart")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["file"]
    proposal = _ok(_api(coordinator).post(f"{S}/{solicitation.reference}/proposals/", {"organization": harbor.pk}),
                   201)
    empty = SimpleUploadedFile("certificate.pdf", b"hello", content_type="application/pdf")
    response = _api(coordinator).post(f"{P}/{proposal['id']}/attachments/", {
        "required_attachment": solicitation.required_attachments.get().pk, "file": empty}, format="multipart")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["file"]
    monkeypatch.setattr("apps.procurement.uploads.MAX_UPLOAD_BYTES", 100)
    response = _api(officer).post(f"{S}/{solicitation.reference}/documents/", {
        "title": "Scope", "file": pdf_upload("scope.pdf")}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"]["file"][0].startswith("The file is larger")
    assert not AuditEvent.objects.filter(action__in=["procurement.document.added",
                                                     "procurement.proposal.attachment_added"]).exists()


def test_clarification_list_is_scoped_and_its_query_count_is_constant(officer, coordinator, coordinator2, harbor,
                                                                       riverside):
    def ask(reference: str):
        solicitation = published_solicitation(officer, reference=reference)
        services.clarification_ask(solicitation=solicitation, organization=harbor, by=coordinator, question="Why?")

    ask("Q-1")
    url = "/api/v1/procurement/clarifications/"
    client = _api(officer)
    client.get(url)  # warm the caches (sessions, the officer's roles)
    with CaptureQueriesContext(connection) as one:
        assert len(_ok(client.get(url))["results"]) == 1
    ask("Q-2")
    ask("Q-3")
    with CaptureQueriesContext(connection) as three:
        assert len(_ok(client.get(url))["results"]) == 3
    assert len(three.captured_queries) == len(one.captured_queries)
    assert len(_ok(_api(coordinator).get(url))["results"]) == 3
    assert _ok(_api(coordinator2).get(url))["results"] == []
