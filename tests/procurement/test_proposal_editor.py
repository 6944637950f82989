"""The coordinator's proposal editor: one form, so a button in one section saves what was typed in the
others too; the word limit shown live and enforced by the server with a field error."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.models import AuditEvent
from apps.procurement import services
from apps.procurement.models import PriceProposal, ProposalSubmission, TechnicalAnswer

from ..factories.procurement import complete_proposal, pdf_upload

pytestmark = pytest.mark.django_db

PRICE = {"personnel": "50000", "responder_stipends": "20000", "training": "5000", "operations": "5000",
         "indirect": "1000", "notes": ""}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(solicitation, coordinator, harbor):
    return services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)


def _url(proposal) -> str:
    return reverse("procurement:proposal-detail", args=[proposal.pk])


def test_editor_is_one_form_with_a_word_count(solicitation, draft, coordinator):
    question = solicitation.questions.get()
    services.proposal_answers_save(proposal=draft, by=coordinator, answers={question.pk: "one two three"})
    page = _client(coordinator).get(_url(draft)).content.decode()
    assert page.count(f'<form method="post" enctype="multipart/form-data" action="{_url(draft)}"') == 1
    assert "3 of 500 words" in page
    assert f'aria-describedby="id_answer_{question.pk}_count"' in page
    assert 'src="/static/js/wordcount.js"' in page or "js/wordcount" in page
    assert "<script>" not in page  # no inline script: the strict CSP


def test_save_price_keeps_the_answers_typed_in_another_section(solicitation, draft, coordinator):
    question = solicitation.questions.get()
    response = _client(coordinator).post(_url(draft), {
        "action": "save-price", f"answer_{question.pk}": "Typed, never saved with its own button.", **PRICE})
    assert response.status_code == 302
    assert response["Location"] == f"{_url(draft)}#price-h"
    assert TechnicalAnswer.objects.get(proposal=draft).text == "Typed, never saved with its own button."
    assert PriceProposal.objects.get(proposal=draft).total == 81000
    assert AuditEvent.objects.filter(action="procurement.proposal.answers_saved").count() == 1
    assert AuditEvent.objects.filter(action="procurement.proposal.price_saved").count() == 1


def test_save_answers_with_the_price_untouched_does_not_require_it(solicitation, draft, coordinator):
    question = solicitation.questions.get()
    response = _client(coordinator).post(_url(draft), {"action": "save-answers", f"answer_{question.pk}": "Plan.",
                                                       **dict.fromkeys(PRICE, "")})
    assert response.status_code == 302
    assert TechnicalAnswer.objects.get(proposal=draft).text == "Plan."
    assert AuditEvent.objects.filter(action="procurement.proposal.price_saved").count() == 0


def test_unchanged_sections_are_not_written_again(solicitation, draft, coordinator):
    question = solicitation.questions.get()
    client = _client(coordinator)
    data = {"action": "save-answers", f"answer_{question.pk}": "Plan.", **PRICE}
    client.post(_url(draft), data)
    client.post(_url(draft), data)
    assert AuditEvent.objects.filter(action="procurement.proposal.answers_saved").count() == 1
    assert AuditEvent.objects.filter(action="procurement.proposal.price_saved").count() == 1


def test_word_limit_is_a_field_error_and_nothing_is_lost(solicitation, draft, coordinator):
    question = solicitation.questions.get()
    too_long = " ".join(["word"] * 501)
    response = _client(coordinator).post(_url(draft), {
        "action": "save-price", f"answer_{question.pk}": too_long, **PRICE, "notes": "Our budget notes."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "501 words: the limit is 500. Shorten it by 1." in page
    assert f'id="id_answer_{question.pk}_error"' in page
    assert f'aria-describedby="id_answer_{question.pk}_count id_answer_{question.pk}_error"' in page
    assert "501 of 500 words: 1 over the limit" in page
    # Everything typed comes back; nothing is saved, the price neither.
    assert too_long in page and "Our budget notes." in page
    assert not TechnicalAnswer.objects.filter(proposal=draft).exists()
    assert PriceProposal.objects.get(proposal=draft).total == 0  # the empty envelope proposal_start made
    assert not AuditEvent.objects.filter(action__startswith="procurement.proposal.").exclude(
        action="procurement.proposal.started").exists()


def test_the_service_enforces_the_limit_too(solicitation, draft, coordinator):
    from apps.core.errors import ApplicationError

    question = solicitation.questions.get()
    with pytest.raises(ApplicationError) as refused:
        services.proposal_draft_save(proposal=draft, by=coordinator, answers={question.pk: "w " * 501})
    assert refused.value.field == f"answer_{question.pk}"


def test_acknowledge_and_submit_save_the_typed_answers_first(solicitation, coordinator, harbor, officer):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    addendum = services.addendum_publish(solicitation=solicitation, by=officer, title="Change", body="A change.")
    question = solicitation.questions.get()
    client = _client(coordinator)
    response = client.post(_url(proposal), {"acknowledge": str(addendum.pk),
                                            f"answer_{question.pk}": "Edited before acknowledging.", **PRICE})
    assert response["Location"] == f"{_url(proposal)}#addenda-h"
    assert TechnicalAnswer.objects.get(proposal=proposal).text == "Edited before acknowledging."
    assert addendum.acknowledgements.count() == 1
    client.post(_url(proposal), {"action": "submit", f"answer_{question.pk}": "Final words.", **PRICE})
    submission = ProposalSubmission.objects.get()
    assert [a["text"] for a in submission.technical["answers"]] == ["Final words."]


def test_upload_and_remove_through_the_one_form(solicitation, draft, coordinator):
    question = solicitation.questions.get()
    required = solicitation.required_attachments.get()
    client = _client(coordinator)
    client.post(_url(draft), {"action": "upload", "required_attachment": required.pk, "file": pdf_upload(),
                              f"answer_{question.pk}": "Typed with the upload."})
    attachment = draft.attachments.get(is_current=True)
    assert TechnicalAnswer.objects.get(proposal=draft).text == "Typed with the upload."
    client.post(_url(draft), {"remove": str(attachment.pk), f"answer_{question.pk}": "Typed with the upload."})
    assert not draft.attachments.filter(is_current=True).exists()


def test_editor_post_owner_peer_outsider_and_after_the_deadline(solicitation, draft, coordinator, peer, outsider,
                                                                evaluator, time_machine):
    from datetime import timedelta

    question = solicitation.questions.get()
    data = {"action": "save-answers", f"answer_{question.pk}": "Peer's words."}
    assert _client(outsider).post(_url(draft), data).status_code == 404
    assert _client(evaluator).post(_url(draft), data).status_code == 404
    assert _client(peer).post(_url(draft), data).status_code == 302  # a coordinator of the same organization
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    late = _client(coordinator).post(_url(draft), {**data, f"answer_{question.pk}": "Too late."})
    assert late.status_code == 302
    assert TechnicalAnswer.objects.get(proposal=draft).text == "Peer's words."
