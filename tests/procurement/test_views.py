"""The pages: public, nonprofit, officer and evaluator; sealing, blind review and the price wall."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.procurement import services
from apps.procurement.models import ProposalSubmission, Solicitation
from apps.procurement.registrations import DEMO_REFERENCE, seed_demo

from ..factories.procurement import complete_proposal, draft_solicitation, pdf_upload, published_solicitation
from .conftest import attest, pass_all, score_all

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _measure(client, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


SECRETS = ("Harbor Peer Outreach", "Riverside Wellness Collective", "harbor.example", "riverside.example",
           "Cora Harbor", "Rita River", "harbor-certificate", "riverside-certificate", "90,000", "90000", "80,000",
           "80000", "45000", "40000")


def _assert_no_leak(content: str) -> None:
    leaked = [s for s in SECRETS if s in content]
    assert leaked == []


# --- public ----------------------------------------------------------------------------------------

def test_public_list_and_detail_without_login(solicitation, officer, coordinator, harbor):
    clarification = services.clarification_ask(solicitation=solicitation, organization=harbor, by=coordinator,
                                               question="May a fiscal sponsor apply?")
    services.clarification_answer(clarification=clarification, by=officer, answer="Yes, if named.",
                                  question="May a fiscal sponsor apply?")
    draft = draft_solicitation(officer, reference="RFP-DRAFT")
    client = _client()
    listing = client.get(reverse("procurement:solicitation-list"))
    assert listing.status_code == 200
    assert [s.reference for s in listing.context["page"]] == [solicitation.reference]
    detail = client.get(reverse("procurement:solicitation-detail", args=[solicitation.reference]))
    assert detail.status_code == 200
    content = detail.content.decode()
    assert "<strong>city</strong>" in content
    assert "Yes, if named." in content
    assert "Harbor" not in content and coordinator.email not in content
    assert client.get(reverse("procurement:solicitation-detail", args=[draft.reference])).status_code == 404


def test_markdown_is_sanitized(officer):
    solicitation = draft_solicitation(officer, reference="RFP-XSS")
    services.solicitation_update(solicitation=solicitation, by=officer,
                                 summary="Hi <script>alert(1)</script> [x](javascript:alert(2)) <b onclick=\"x\">b</b>")
    services.solicitation_publish(solicitation=solicitation, by=officer)
    content = _client().get(reverse("procurement:solicitation-detail", args=["RFP-XSS"])).content.decode()
    assert "<script>alert(1)" not in content
    assert "javascript:alert" not in content
    assert "onclick" not in content


def test_staff_without_mfa_can_read_public_pages(solicitation, city):
    from apps.accounts.roles import Role
    from tests.factories import user_with_role

    staff = user_with_role(Role.MODERATOR, city, mfa=False)
    response = _client(staff).get(reverse("procurement:solicitation-detail", args=[solicitation.reference]))
    assert response.status_code == 200


def test_public_list_query_count_is_constant(officer):
    published_solicitation(officer, reference="RFP-A")
    client = _client()
    url = reverse("procurement:solicitation-list")
    one = _measure(client, url)
    published_solicitation(officer, reference="RFP-B")
    published_solicitation(officer, reference="RFP-C")
    assert _measure(client, url) == one


def test_document_is_public_once_published(officer):
    solicitation = draft_solicitation(officer, reference="RFP-DOC")
    document = services.document_add(solicitation=solicitation, by=officer, title="The RFP", upload=pdf_upload())
    url = reverse("procurement:document-download", args=["RFP-DOC", document.pk])
    assert _client().get(url).status_code == 404
    assert _client(officer).get(url).status_code == 200
    services.solicitation_publish(solicitation=solicitation, by=officer)
    response = _client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- the nonprofit --------------------------------------------------------------------------------

def test_coordinator_starts_edits_and_submits_through_pages(solicitation, coordinator, harbor):
    client = _client(coordinator)
    response = client.post(reverse("procurement:proposal-start", args=[solicitation.reference]),
                           {"organization": harbor.pk})
    proposal = solicitation.proposals.get()
    assert response.status_code == 302 and response["Location"] == reverse("procurement:proposal-detail",
                                                                             args=[proposal.pk])
    question = solicitation.questions.get()
    client.post(reverse("procurement:proposal-answers", args=[proposal.pk]), {f"answer_{question.pk}": "Our plan."})
    client.post(reverse("procurement:proposal-attachment-add", args=[proposal.pk]),
                {"required_attachment": solicitation.required_attachments.get().pk, "file": pdf_upload()})
    over = client.post(reverse("procurement:proposal-price", args=[proposal.pk]), {
        "personnel": "100000", "responder_stipends": "1", "training": "0", "operations": "0", "indirect": "0"})
    assert over.status_code == 400
    assert "over the budget ceiling" in over.content.decode()
    client.post(reverse("procurement:proposal-price", args=[proposal.pk]), {
        "personnel": "50000", "responder_stipends": "20000", "training": "5000", "operations": "5000",
        "indirect": "1000"})
    client.post(reverse("procurement:proposal-submit", args=[proposal.pk]))
    submission = ProposalSubmission.objects.get()
    assert submission.price["total"] == "81000.00"
    page = client.get(reverse("procurement:proposal-detail", args=[proposal.pk])).content.decode()
    assert submission.receipt_hash in page


def test_late_submission_through_the_page_is_refused(solicitation, coordinator, harbor, time_machine):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    response = _client(coordinator).post(reverse("procurement:proposal-submit", args=[proposal.pk]), follow=True)
    assert "deadline has passed" in response.content.decode()
    assert ProposalSubmission.objects.count() == 0


def test_proposal_pages_owner_peer_outsider_wrong_role(solicitation, coordinator, peer, outsider, responder,
                                                       officer, harbor):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    url = reverse("procurement:proposal-detail", args=[proposal.pk])
    assert _client(coordinator).get(url).status_code == 200
    assert _client(peer).get(url).status_code == 200
    assert _client(outsider).get(url).status_code == 404
    assert _client(officer).get(url).status_code == 404  # sealed: staff do not even know it exists
    assert _client(responder).get(reverse("procurement:proposal-list")).status_code == 403
    assert _client(outsider).post(reverse("procurement:proposal-submit", args=[proposal.pk])).status_code == 404


def test_proposal_list_query_count_is_constant(officer, coordinator, harbor):
    client = _client(coordinator)
    url = reverse("procurement:proposal-list")
    services.proposal_start(solicitation=published_solicitation(officer, reference="R-1"), organization=harbor,
                            by=coordinator)
    one = _measure(client, url)
    for reference in ("R-2", "R-3"):
        services.proposal_start(solicitation=published_solicitation(officer, reference=reference),
                                organization=harbor, by=coordinator)
    assert _measure(client, url) == one


def test_attachment_download_owner_and_outsider(solicitation, coordinator, outsider, harbor):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    attachment = proposal.attachments.get()
    url = reverse("procurement:attachment-download", args=[attachment.pk])
    response = _client(coordinator).get(url)
    assert response.status_code == 200
    assert 'filename="harbor-certificate.pdf"' in response["Content-Disposition"]
    assert _client(outsider).get(url).status_code == 404


# --- sealing ---------------------------------------------------------------------------------------

def test_nobody_reads_sealed_content_before_opening(solicitation, two_submitted, officer, admin, evaluator):
    first = two_submitted[0]
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    attachment = first.attachments.get()
    for user in (officer, admin, evaluator):
        client = _client(user)
        assert client.get(reverse("procurement:proposal-review", args=[first.pk])).status_code in (403, 404)
        assert client.get(reverse("procurement:attachment-download", args=[attachment.pk])).status_code == 404
        assert client.get(reverse("procurement:evaluation-proposal", args=[first.pk])).status_code in (403, 404)
        assert client.get(f"/api/v1/procurement/proposals/{first.pk}/").status_code == 404
    manage = _client(officer).get(reverse("procurement:solicitation-manage", args=[solicitation.pk])).content.decode()
    assert "ten years of peer response" not in manage
    assert "Harbor Peer Outreach" not in manage


def test_officer_reads_after_opening_and_it_is_audited(opened, two_submitted, officer):
    first = two_submitted[0]
    response = _client(officer).get(reverse("procurement:proposal-review", args=[first.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "ten years of peer response" in content
    assert "Harbor Peer Outreach" in content
    assert "90000" not in content and "90,000" not in content  # price sealed until the price opening
    event = AuditEvent.objects.filter(action="procurement.proposal.read_technical").get()
    assert (event.actor, event.target_id) == (officer, str(first.pk))
    assert not AuditEvent.objects.filter(action="procurement.proposal.read_price").exists()


def test_manage_page_shows_register_after_opening(opened, two_submitted, officer, coordinator):
    content = _client(officer).get(reverse("procurement:solicitation-manage", args=[opened.pk])).content.decode()
    assert "Harbor Peer Outreach" in content and "Riverside Wellness Collective" in content
    assert _client(coordinator).get(reverse("procurement:solicitation-manage", args=[opened.pk])).status_code == 403


def test_manage_list_query_count_is_constant(officer):
    client = _client(officer)
    url = reverse("procurement:solicitation-manage-list")
    draft_solicitation(officer, reference="M-1")
    one = _measure(client, url)
    draft_solicitation(officer, reference="M-2")
    published_solicitation(officer, reference="M-3")
    assert _measure(client, url) == one


# --- evaluators: attestation, blind review, the price wall ----------------------------------------

def test_evaluator_sees_nothing_before_attesting(opened, two_submitted, officer, evaluator):
    from tests.factories import OrganizationFactory

    OrganizationFactory(name="Quiet Nonprofit", slug="quiet")
    pass_all(opened, officer)
    services.solicitation_evaluation_start(solicitation=opened, by=officer)
    client = _client(evaluator)
    assert client.get(reverse("procurement:evaluation-proposal", args=[two_submitted[0].pk])).status_code == 404
    page = client.get(reverse("procurement:evaluation-detail", args=[opened.pk]))
    assert page.status_code == 200
    assert page.context.get("items") is None
    # Blind review: the attestation lists every nonprofit, so it does not tell who proposed.
    assert [o.name for o in page.context["declare"]] == ["Harbor Peer Outreach", "Quiet Nonprofit",
                                                         "Riverside Wellness Collective"]


def test_attestation_page_declares_and_recuses(opened, two_submitted, officer, evaluator, harbor, riverside):
    pass_all(opened, officer)
    services.solicitation_evaluation_start(solicitation=opened, by=officer)
    client = _client(evaluator)
    response = client.post(reverse("procurement:evaluation-attest", args=[opened.pk]), {
        f"conflict_{harbor.pk}": "on", f"description_{harbor.pk}": "My sister is its director.",
        "affirm": "on", "signed_name": "Eve Evaluator"})
    assert response.status_code == 302
    items = client.get(reverse("procurement:evaluation-detail", args=[opened.pk])).context["items"]
    assert [i["proposal"].pk for i in items] == [two_submitted[1].pk]
    assert client.get(reverse("procurement:evaluation-proposal", args=[two_submitted[0].pk])).status_code == 404


def test_blind_evaluator_never_sees_identity_or_price(in_evaluation, two_submitted, officer, evaluator):
    first, second = two_submitted
    client = _client(evaluator)
    score_all(in_evaluation, evaluator, first)
    urls = [reverse("core:dashboard"), reverse("procurement:evaluation-list"),
            reverse("procurement:evaluation-detail", args=[in_evaluation.pk]),
            reverse("procurement:evaluation-proposal", args=[first.pk]),
            reverse("procurement:evaluation-proposal", args=[second.pk]),
            reverse("notifications:inbox"),
            "/api/v1/procurement/proposals/", f"/api/v1/procurement/proposals/{first.pk}/",
            "/api/v1/procurement/scores/", f"/api/v1/procurement/solicitations/{in_evaluation.reference}/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_leak(response.content.decode())
    proposal_page = client.get(reverse("procurement:evaluation-proposal", args=[first.pk])).content.decode()
    assert "ten years of peer response" in proposal_page and first.code in proposal_page
    download = client.get(reverse("procurement:attachment-download", args=[first.attachments.get().pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{first.code}-attachment-1.pdf"'
    assert client.get(f"/api/v1/procurement/proposals/{first.pk}/price/").status_code == 403
    # Even after the price opening, evaluators never see the price.
    score_all(in_evaluation, evaluator, second)
    services.solicitation_consensus_start(solicitation=in_evaluation, by=officer)
    for proposal in (first, second):
        for criterion in in_evaluation.criteria.filter(kind="comparative"):
            services.consensus_score_record(proposal=proposal, criterion=criterion, by=officer,
                                            rating="advantageous", rationale="Agreed.")
    services.solicitation_price_open(solicitation=in_evaluation, by=officer)
    for url in urls:
        _assert_no_leak(client.get(url).content.decode())
    assert client.get(f"/api/v1/procurement/proposals/{first.pk}/price/").status_code == 403
    assert client.get(reverse("procurement:proposal-review", args=[first.pk])).status_code == 403
    assert client.get(reverse("procurement:procurement-file", args=[in_evaluation.pk])).status_code == 403
    assert client.get(reverse("core:audit-list")).status_code == 403


def test_not_blind_evaluator_sees_the_name(officer, evaluator, coordinator, harbor, time_machine):
    from ..factories.procurement import submitted_proposal

    solicitation = published_solicitation(officer, reference="RFP-OPEN", blind_review=False)
    proposal = submitted_proposal(solicitation, coordinator, harbor)
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    services.solicitation_open(solicitation=solicitation, by=officer)
    pass_all(solicitation, officer)
    services.solicitation_evaluation_start(solicitation=solicitation, by=officer)
    attest(solicitation, evaluator)
    content = _client(evaluator).get(reverse("procurement:evaluation-proposal", args=[proposal.pk])).content.decode()
    assert "Harbor Peer Outreach" in content


def test_officer_sees_price_only_after_price_opening(in_evaluation, two_submitted, officer, evaluator):
    first, second = two_submitted
    client = _client(officer)
    assert client.get(f"/api/v1/procurement/proposals/{first.pk}/price/").status_code == 403
    for proposal in (first, second):
        score_all(in_evaluation, evaluator, proposal)
    services.solicitation_consensus_start(solicitation=in_evaluation, by=officer)
    assert client.get(reverse("procurement:consensus", args=[in_evaluation.pk])).status_code == 200
    for proposal in (first, second):
        for criterion in in_evaluation.criteria.filter(kind="comparative"):
            services.consensus_score_record(proposal=proposal, criterion=criterion, by=officer,
                                            rating="advantageous", rationale="Agreed.")
    services.solicitation_price_open(solicitation=in_evaluation, by=officer)
    response = client.get(f"/api/v1/procurement/proposals/{first.pk}/price/")
    assert response.status_code == 200
    assert response.json()["total"] == "90000.00"
    assert "90000.00" in client.get(reverse("procurement:proposal-review", args=[first.pk])).content.decode()
    assert AuditEvent.objects.filter(action="procurement.proposal.read_price", actor=officer).count() == 2


def test_evaluator_scores_through_pages(in_evaluation, two_submitted, evaluator):
    first = two_submitted[0]
    client = _client(evaluator)
    criteria = list(in_evaluation.criteria.filter(kind="comparative"))
    refused = client.post(reverse("procurement:evaluation-score", args=[first.pk, criteria[0].pk]),
                          {f"s{criteria[0].pk}-rating": "advantageous", f"s{criteria[0].pk}-rationale": ""},
                          follow=True)
    assert "rationale" in refused.content.decode()
    for criterion in criteria:
        client.post(reverse("procurement:evaluation-score", args=[first.pk, criterion.pk]),
                    {f"s{criterion.pk}-rating": "highly_advantageous", f"s{criterion.pk}-rationale": "Strong."})
    client.post(reverse("procurement:evaluation-submit", args=[first.pk]))
    sheet = first.sheets.get()
    assert sheet.submitted_at is not None
    assert sorted(sheet.scores.values_list("rating", flat=True)) == ["highly_advantageous"] * 2


def test_evaluation_pages_unassigned_and_wrong_role(in_evaluation, two_submitted, evaluator2, coordinator):
    assert _client(evaluator2).get(reverse("procurement:evaluation-detail", args=[in_evaluation.pk])).status_code \
        == 404
    assert _client(evaluator2).get(reverse("procurement:evaluation-proposal",
                                           args=[two_submitted[0].pk])).status_code == 404
    assert _client(coordinator).get(reverse("procurement:evaluation-list")).status_code == 403


def test_evaluation_list_query_count_is_constant(officer, evaluator):
    client = _client(evaluator)
    url = reverse("procurement:evaluation-list")
    services.evaluator_assign(solicitation=published_solicitation(officer, reference="E-1"), evaluator=evaluator,
                              by=officer)
    one = _measure(client, url)
    for reference in ("E-2", "E-3"):
        services.evaluator_assign(solicitation=published_solicitation(officer, reference=reference),
                                  evaluator=evaluator, by=officer)
    assert _measure(client, url) == one


# --- officer steps through pages, award notice ----------------------------------------------------

def test_officer_runs_the_award_from_pages(in_evaluation, two_submitted, officer, evaluator):
    first, second = two_submitted
    for proposal in (first, second):
        score_all(in_evaluation, evaluator, proposal)
    client = _client(officer)
    client.post(reverse("procurement:solicitation-transition", args=[in_evaluation.pk, "consensus-start"]),
                {"confirm": "yes"})
    criteria = list(in_evaluation.criteria.filter(kind="comparative"))
    for proposal in (first, second):
        for criterion in criteria:
            prefix = f"c{proposal.pk}-{criterion.pk}"
            client.post(reverse("procurement:consensus-record", args=[in_evaluation.pk, proposal.pk, criterion.pk]),
                        {f"{prefix}-rating": "advantageous", f"{prefix}-rationale": "Agreed."})
    manage = reverse("procurement:solicitation-manage", args=[in_evaluation.pk])
    assert "Open the price proposals" in client.get(manage).content.decode()
    client.post(reverse("procurement:solicitation-transition", args=[in_evaluation.pk, "price-open"]),
                {"confirm": "yes"})
    assert "Recommend the award" in client.get(manage).content.decode()
    client.post(reverse("procurement:award-recommend", args=[in_evaluation.pk]),
                {"proposal": second.pk, "reasons": "Equal ratings, lower price.", "confirm": "yes"})
    assert reverse("procurement:solicitation-confirm", args=[in_evaluation.pk, "award"]) in \
        client.get(manage).content.decode()
    client.post(reverse("procurement:award", args=[in_evaluation.pk]), {"justification": "", "confirm": "yes"})
    assert f"Awarded to {second.code}." in client.get(manage).content.decode()
    solicitation = Solicitation.objects.get(pk=in_evaluation.pk)
    assert (solicitation.status, solicitation.awarded_proposal_id) == ("awarded", second.pk)
    public = _client().get(reverse("procurement:solicitation-detail", args=[solicitation.reference])).content.decode()
    assert "Awarded to Riverside Wellness Collective" in public
    assert "Equal ratings, lower price." in public
    export = client.get(reverse("procurement:procurement-file", args=[solicitation.pk])).json()
    assert sorted(r["code"] for r in export["register"]) == sorted([first.code, second.code])
    assert export["award"]["awarded"] == second.code
    assert sorted(n["kind"] for n in export["notices"] if n["channel"] == "email") == [
        "procurement.award", "procurement.non_award"]


def test_officer_drafts_and_publishes_from_pages(officer):
    client = _client(officer)
    response = client.post(reverse("procurement:solicitation-create"), {
        "reference": "RFP-WEB", "title": "Web", "summary": "Summary", "scope": "", "procurement_type": "grant",
        "rating_method": "adjectival", "price_points": 0, "budget_ceiling": "5000",
        "questions_due_at": "2099-01-01T10:00", "proposals_due_at": "2099-02-01T10:00", "blind_review": "on"})
    solicitation = Solicitation.objects.get(reference="RFP-WEB")
    assert response.status_code == 302
    client.post(reverse("procurement:solicitation-item-add", args=[solicitation.pk, "criterion"]),
                {"kind": "comparative", "title": "Experience", "description": ""})
    client.post(reverse("procurement:solicitation-item-add", args=[solicitation.pk, "question"]),
                {"prompt": "Why you?", "max_words": 300})
    client.post(reverse("procurement:solicitation-transition", args=[solicitation.pk, "publish"]))
    assert Solicitation.objects.get(pk=solicitation.pk).status == "published"
    assert client.post(reverse("procurement:solicitation-transition", args=[solicitation.pk, "nope"])).status_code \
        == 404


def test_nav_and_cards_by_role(officer, evaluator, coordinator, solicitation):
    pages = {user: _client(user).get(reverse("core:dashboard")).content.decode()
             for user in (officer, evaluator, coordinator)}
    assert reverse("procurement:solicitation-manage-list") in pages[officer]
    assert reverse("procurement:evaluation-list") in pages[evaluator]
    assert reverse("procurement:proposal-list") in pages[coordinator]
    assert reverse("procurement:solicitation-manage-list") not in pages[coordinator]
    assert 'id="card-procurement-coordinator"' in pages[coordinator]
    assert "1 request for proposals is open." in pages[coordinator]


def test_demo_seeder_is_idempotent(officer, coordinator, harbor):
    from io import StringIO

    users = {"procurement": officer, "coordinator": coordinator}
    organizations = {"Neighborhood Peer Response Collective": harbor}
    seed_demo(users=users, organizations=organizations, stdout=StringIO())
    seed_demo(users=users, organizations=organizations, stdout=StringIO())
    solicitation = Solicitation.objects.get(reference=DEMO_REFERENCE)
    assert solicitation.status == "published"
    assert solicitation.criteria.count() == 6
    assert [(p.organization, p.status) for p in solicitation.proposals.all()] == [(harbor, "draft")]
    assert Solicitation.objects.count() == 1
    assert Decimal(solicitation.budget_ceiling) == Decimal("1750000.00")


def test_price_refusals_follow_the_one_rule(in_evaluation, two_submitted, officer, evaluator, evaluator2,
                                            coordinator2):
    # Issue 16: the rule in apps/core/permissions.py. Who may read the proposal gets a 403 for its
    # price saying why and when; who may not know of it gets the same 404 as for an id that never existed.
    first = two_submitted[0]
    url = f"/api/v1/procurement/proposals/{first.pk}/price/"
    assert _client(evaluator).get(f"/api/v1/procurement/proposals/{first.pk}/").status_code == 200
    refused = _client(evaluator).get(url)
    assert (refused.status_code, refused.json()) == (403, {
        "detail": "Evaluators never see the price envelope: the committee scores the technical proposal alone.",
        "errors": {}})
    assert _client(officer).get(f"/api/v1/procurement/proposals/{first.pk}/").status_code == 200
    refused = _client(officer).get(url)
    assert (refused.status_code, refused.json()) == (403, {
        "detail": "The price envelope opens at the price opening, after consensus scoring.", "errors": {}})
    missing = _client(coordinator2).get("/api/v1/procurement/proposals/0/price/")
    for stranger in (coordinator2, evaluator2):  # another organization's coordinator; not on this committee
        hidden = _client(stranger).get(url)
        assert (hidden.status_code, hidden.json()) == (404, missing.json())
    assert missing.status_code == 404


def test_public_summary_in_residents_languages_with_english_fallback(officer):
    """Issue 23: the RFP's public summary is translatable content; a language without it shows the English,
    marked lang="en", with the note — and its Markdown is still sanitized."""
    solicitation = draft_solicitation(officer, reference="RFP-LANG")
    services.solicitation_update(solicitation=solicitation, by=officer, translations={
        "es": {"summary": "La **ciudad** busca <script>x()</script> un facilitador."}})
    with pytest.raises(ApplicationError) as error:
        services.solicitation_update(solicitation=solicitation, by=officer, translations={"xx": {"summary": "?"}})
    assert error.value.field == "translations"
    services.solicitation_publish(solicitation=solicitation, by=officer)
    url = reverse("procurement:solicitation-detail", args=["RFP-LANG"])
    spanish = _client().get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "La <strong>ciudad</strong> busca" in spanish and "<script>x()" not in spanish
    assert "content-fallback-note" not in spanish
    haitian = _client().get(url, HTTP_ACCEPT_LANGUAGE="ht").content.decode()
    assert '<div lang="en"><p>The <strong>city</strong> seeks a facilitator.</p>' in haitian
    assert "content-fallback-note" in haitian


def test_officer_form_offers_the_summary_in_every_language(officer):
    solicitation = draft_solicitation(officer, reference="RFP-FORM")
    client = _client(officer)
    page = client.get(reverse("procurement:solicitation-edit", args=[solicitation.pk])).content.decode()
    assert 'name="summary_ht"' in page and 'name="summary_ar"' in page
    from apps.procurement.forms import SolicitationForm

    form = SolicitationForm(instance=solicitation)
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"summary_vi": "Thành phố tìm kiếm.", "budget_ceiling": "100000.00"})
    for name in ("questions_due_at", "proposals_due_at", "opening_at", "scoring_due_at"):
        value = getattr(solicitation, name)
        data[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""
    for name in ("blind_review", "two_envelopes"):
        if not data[name]:
            data.pop(name)
    response = client.post(reverse("procurement:solicitation-edit", args=[solicitation.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    solicitation.refresh_from_db()
    assert solicitation.translations == {"vi": {"summary": "Thành phố tìm kiếm."}}
