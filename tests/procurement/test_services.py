"""The lifecycle, walked through the services, and each refusal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.notifications.models import Notification
from apps.notifications.scanners import registered_scanners
from apps.procurement import services
from apps.procurement.models import (
    ConsensusScore,
    Proposal,
    ProposalAttachment,
    ProposalSubmission,
    Score,
    Solicitation,
)
from apps.procurement.selectors import solicitation_ranking

from ..factories.procurement import complete_proposal, draft_solicitation, pdf_bytes, pdf_upload, submitted_proposal
from .conftest import attest, pass_all, score_all

pytestmark = pytest.mark.django_db
S = Solicitation.Status


def test_full_lifecycle_awards_and_notifies_every_proposer(in_evaluation, two_submitted, officer, evaluator,
                                                           coordinator, coordinator2):
    solicitation = in_evaluation
    first, second = two_submitted
    score_all(solicitation, evaluator, first, rating="highly_advantageous")
    score_all(solicitation, evaluator, second, rating="advantageous")
    services.solicitation_consensus_start(solicitation=solicitation, by=officer)
    for proposal, rating in ((first, "highly_advantageous"), (second, "advantageous")):
        for criterion in solicitation.criteria.filter(kind="comparative"):
            services.consensus_score_record(proposal=proposal, criterion=criterion, by=officer, rating=rating,
                                            rationale="Agreed by the committee.")
    services.solicitation_price_open(solicitation=solicitation, by=officer)
    ranking = solicitation_ranking(solicitation=Solicitation.objects.get(pk=solicitation.pk))
    assert [(r["proposal"].code, r["technical"], r["price"], r["lowest_price"]) for r in ranking] == [
        (first.code, Decimal("3.00"), Decimal("90000.00"), False),
        (second.code, Decimal("2.00"), Decimal("80000.00"), True),
    ]
    services.solicitation_award_recommend(solicitation=solicitation, proposal=first, by=officer,
                                          reasons="Far stronger technical proposal.")
    with pytest.raises(ApplicationError) as refused:
        services.solicitation_award(solicitation=solicitation, by=officer)
    assert refused.value.field == "justification"
    services.solicitation_award(solicitation=solicitation, by=officer, justification="Worth the higher price.")
    solicitation.refresh_from_db()
    assert solicitation.status == S.AWARDED
    assert solicitation.awarded_proposal_id == first.pk
    notices = Notification.objects.filter(kind__in=["procurement.award", "procurement.non_award"], channel="email")
    assert sorted((n.kind, n.recipient_user.email) for n in notices) == [
        ("procurement.award", coordinator.email), ("procurement.non_award", coordinator2.email)]
    non_award = notices.get(kind="procurement.non_award")
    assert "Agreed by the committee." in non_award.body_text
    assert "Harbor Peer Outreach" in non_award.body_text
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"procurement.solicitation.published", "procurement.solicitation.closed", "procurement.solicitation.opened",
            "procurement.solicitation.evaluation_started", "procurement.solicitation.consensus_started",
            "procurement.solicitation.price_opened", "procurement.solicitation.award_recommended",
            "procurement.solicitation.awarded"} <= actions


def test_points_ranking_combines_technical_and_price(officer, coordinator, coordinator2, harbor, riverside,
                                                     evaluator, time_machine):
    solicitation = draft_solicitation(officer, reference="RFP-PTS", rating_method="points", price_points=20)
    services.solicitation_publish(solicitation=solicitation, by=officer)
    first = submitted_proposal(solicitation, coordinator, harbor, total=Decimal("100000.00"))
    second = submitted_proposal(solicitation, coordinator2, riverside, total=Decimal("50000.00"))
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    services.solicitation_open(solicitation=solicitation, by=officer)
    pass_all(solicitation, officer)
    services.solicitation_evaluation_start(solicitation=solicitation, by=officer)
    attest(solicitation, evaluator)
    criteria = list(solicitation.criteria.filter(kind="comparative"))
    for proposal in (first, second):
        for criterion in criteria:
            services.score_save(proposal=proposal, criterion=criterion, by=evaluator, points=30, rationale="Solid.")
        services.scoresheet_submit(proposal=proposal, by=evaluator)
    with pytest.raises(ApplicationError, match="between 0 and 40"):
        services.score_save(proposal=first, criterion=criteria[0], by=evaluator, points=41, rationale="Too many.")
    services.solicitation_consensus_start(solicitation=solicitation, by=officer)
    for proposal, points in ((first, 36), (second, 30)):
        for criterion in criteria:
            services.consensus_score_record(proposal=proposal, criterion=criterion, by=officer, points=points,
                                            rationale="Agreed.")
    services.solicitation_price_open(solicitation=solicitation, by=officer)
    ranking = solicitation_ranking(solicitation=Solicitation.objects.get(pk=solicitation.pk))
    assert [(r["proposal"].code, r["technical"], r["price_points"], r["total"]) for r in ranking] == [
        (first.code, Decimal(72), Decimal("10.00"), Decimal("82.00")),
        (second.code, Decimal(60), Decimal("20.00"), Decimal("80.00")),
    ]


def test_publish_freezes_criteria(officer):
    solicitation = draft_solicitation(officer)
    services.solicitation_publish(solicitation=solicitation, by=officer)
    with pytest.raises(ApplicationError, match="frozen"):
        services.criterion_add(solicitation=solicitation, by=officer, kind="comparative", title="Late", max_points=1)
    with pytest.raises(ApplicationError, match="frozen"):
        services.solicitation_update(solicitation=solicitation, by=officer, title="Changed")
    assert solicitation.criteria.count() == 3


def test_publish_requires_a_comparative_criterion(officer):
    solicitation = draft_solicitation(officer, comparative=0)
    with pytest.raises(ApplicationError, match="comparative criterion"):
        services.solicitation_publish(solicitation=solicitation, by=officer)
    assert Solicitation.objects.get(pk=solicitation.pk).status == S.DRAFT


def test_30b_contract_always_has_two_envelopes(officer):
    solicitation = draft_solicitation(officer, procurement_type="contract_30b", two_envelopes=False)
    assert solicitation.two_envelopes is True
    grant = draft_solicitation(officer, reference="G-1", procurement_type="grant", two_envelopes=False)
    assert grant.two_envelopes is False


def test_only_officer_creates_solicitations(coordinator, evaluator):
    for user in (coordinator, evaluator):
        with pytest.raises(ApplicationError, match="procurement officer"):
            draft_solicitation(user)
    assert Solicitation.objects.count() == 0


@pytest.mark.parametrize("service", ["solicitation_open", "solicitation_evaluation_start",
                                     "solicitation_consensus_start", "solicitation_price_open"])
def test_invalid_transitions_are_refused(solicitation, officer, service):
    with pytest.raises(ApplicationError) as refused:
        getattr(services, service)(solicitation=solicitation, by=officer)
    assert refused.value.code in ("invalid_transition", "too_early")
    assert Solicitation.objects.get(pk=solicitation.pk).status == S.PUBLISHED


def test_publish_twice_is_invalid_transition(solicitation, officer):
    with pytest.raises(ApplicationError) as refused:
        services.solicitation_publish(solicitation=solicitation, by=officer)
    assert refused.value.code == "invalid_transition"


def test_submission_one_second_late_is_refused(solicitation, coordinator, harbor, time_machine):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    time_machine.move_to(solicitation.proposals_due_at - timedelta(seconds=1), tick=False)
    services.proposal_submit(proposal=proposal, by=coordinator)
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    with pytest.raises(ApplicationError) as refused:
        services.proposal_submit(proposal=proposal, by=coordinator)
    assert refused.value.code == "deadline_passed"
    assert ProposalSubmission.objects.filter(proposal=proposal).count() == 1
    with pytest.raises(ApplicationError):
        services.proposal_answers_save(proposal=proposal, by=coordinator,
                                       answers={solicitation.questions.get().pk: "Changed after the deadline"})
    with pytest.raises(ApplicationError):
        services.proposal_withdraw(proposal=proposal, by=coordinator)
    assert proposal.answers.get().text == "We have ten years of peer response."


def test_submission_at_exact_deadline_is_refused(solicitation, coordinator, harbor, time_machine):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    time_machine.move_to(solicitation.proposals_due_at, tick=False)
    with pytest.raises(ApplicationError, match="deadline"):
        services.proposal_submit(proposal=proposal, by=coordinator)


def test_receipt_is_sha256_of_the_snapshot_and_emailed(solicitation, coordinator, peer, harbor):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    submission = services.proposal_submit(proposal=proposal, by=coordinator)
    expected = services.receipt_hash_for(reference=solicitation.reference, code=proposal.code, number=1,
                                         submitted_at=submission.submitted_at, technical=submission.technical,
                                         price=submission.price)
    assert submission.receipt_hash == expected
    assert len(submission.receipt_hash) == 64
    receipts = Notification.objects.filter(kind="procurement.receipt", channel="email")
    assert sorted(n.recipient_user.email for n in receipts) == [coordinator.email, peer.email]
    assert submission.receipt_hash in receipts.first().body_text


def test_resubmission_keeps_each_snapshot(solicitation, coordinator, harbor):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    first = services.proposal_submit(proposal=proposal, by=coordinator)
    question = solicitation.questions.get()
    services.proposal_answers_save(proposal=proposal, by=coordinator, answers={question.pk: "Revised answer."})
    second = services.proposal_submit(proposal=proposal, by=coordinator)
    first.refresh_from_db()
    assert [s.number for s in proposal.submissions.order_by("number")] == [1, 2]
    assert first.technical["answers"][0]["text"] == "We have ten years of peer response."
    assert second.technical["answers"][0]["text"] == "Revised answer."
    assert first.receipt_hash != second.receipt_hash


def test_unacknowledged_addendum_blocks_submission(solicitation, officer, coordinator, harbor):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    addendum = services.addendum_publish(solicitation=solicitation, by=officer, title="Clarified scope",
                                         body="Scope now includes **Mattapan**.")
    assert addendum.number == 1
    with pytest.raises(ApplicationError, match="Acknowledge addendum 1"):
        services.proposal_submit(proposal=proposal, by=coordinator)
    services.addendum_acknowledge(addendum=addendum, organization=harbor, by=coordinator)
    submission = services.proposal_submit(proposal=proposal, by=coordinator)
    assert submission.technical["addenda_acknowledged"] == [1]


def test_addendum_notifies_organizations_with_drafts_or_questions(solicitation, officer, coordinator, harbor,
                                                                  coordinator2, riverside, outsider):
    services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)
    services.clarification_ask(solicitation=solicitation, organization=riverside, by=coordinator2,
                               question="Is a fiscal sponsor allowed?")
    second = services.addendum_publish(solicitation=solicitation, by=officer, title="A", body="B")
    notified = Notification.objects.filter(kind="procurement.addendum", channel="email")
    assert sorted(n.recipient_user.email for n in notified) == [coordinator.email, coordinator2.email]
    assert second.number == 1
    assert services.addendum_publish(solicitation=solicitation, by=officer, title="C", body="D").number == 2


def test_addendum_can_extend_the_deadline(solicitation, officer):
    new_due = solicitation.proposals_due_at + timedelta(days=3)
    services.addendum_publish(solicitation=solicitation, by=officer, title="Extension", body="Three more days.",
                              new_proposals_due_at=new_due)
    assert Solicitation.objects.get(pk=solicitation.pk).proposals_due_at == new_due


def test_over_ceiling_budget_is_refused(solicitation, coordinator, harbor):
    proposal = services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)
    with pytest.raises(ApplicationError) as refused:
        services.price_proposal_save(proposal=proposal, by=coordinator, lines={"personnel": "100000.00",
                                                                               "indirect": "0.01"})
    assert refused.value.code == "over_ceiling"
    assert proposal.price.total == Decimal("0")


def test_wrong_organization_cannot_touch_a_proposal(solicitation, coordinator, harbor, outsider, riverside):
    proposal = complete_proposal(solicitation, coordinator, harbor)
    with pytest.raises(ApplicationError, match="coordinator of the proposing organization"):
        services.proposal_submit(proposal=proposal, by=outsider)
    with pytest.raises(ApplicationError, match="coordinator of the organization"):
        services.proposal_start(solicitation=solicitation, organization=riverside, by=coordinator)
    assert proposal.submissions.count() == 0


def test_one_proposal_per_organization(solicitation, coordinator, peer, harbor):
    first = services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)
    second = services.proposal_start(solicitation=solicitation, organization=harbor, by=peer)
    assert first.pk == second.pk
    assert Proposal.objects.count() == 1


def test_withdraw_then_resubmit_before_deadline(solicitation, coordinator, harbor):
    proposal = submitted_proposal(solicitation, coordinator, harbor)
    services.proposal_withdraw(proposal=proposal, by=coordinator)
    assert Proposal.objects.get(pk=proposal.pk).status == "withdrawn"
    services.proposal_submit(proposal=proposal, by=coordinator)
    assert Proposal.objects.get(pk=proposal.pk).status == "submitted"


def test_upload_checks_content_not_name(solicitation, coordinator, harbor, settings):
    import os

    proposal = services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)
    required = solicitation.required_attachments.get()
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ApplicationError, match="Only PDF"):
        services.proposal_attachment_add(proposal=proposal, required_attachment=required, upload=fake, by=coordinator)
    broken = SimpleUploadedFile("broken.pdf", b"%PDF-1.7\nthis is not really a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError, match="The PDF could not be read"):
        services.proposal_attachment_add(proposal=proposal, required_attachment=required, upload=broken,
                                         by=coordinator)
    private = os.path.join(settings.MEDIA_ROOT, "private")
    assert not os.path.exists(private) or not any(files for _r, _d, files in os.walk(private))
    assert ProposalAttachment.objects.count() == 0
    renamed = SimpleUploadedFile("photo.jpg", pdf_bytes(), content_type="image/jpeg")
    attachment = services.proposal_attachment_add(proposal=proposal, required_attachment=required, upload=renamed,
                                                  by=coordinator)
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith("procurement/proposals/") and attachment.file.name.endswith(".pdf")
    assert "photo" not in attachment.file.name
    assert os.path.exists(os.path.join(private, attachment.file.name))


def test_upload_over_20_mb_is_refused(solicitation, coordinator, harbor):
    proposal = services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ApplicationError, match="20 MB"):
        services.proposal_attachment_add(proposal=proposal, required_attachment=solicitation.required_attachments.get(),
                                         upload=big, by=coordinator)
    assert ProposalAttachment.objects.count() == 0


def test_office_and_image_types_are_recognised():
    import io
    import zipfile

    from PIL import Image

    from apps.core.uploads import DOCX, PNG, XLSX
    from apps.procurement.uploads import check_upload

    def office(inner):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr(inner, "<x/>")
        return buffer.getvalue()

    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, format="PNG")
    assert check_upload(SimpleUploadedFile("a.bin", office("word/document.xml"))).content_type == DOCX
    assert check_upload(SimpleUploadedFile("a.bin", office("xl/workbook.xml"))).content_type == XLSX
    assert check_upload(SimpleUploadedFile("a.bin", png.getvalue())).content_type == PNG
    with pytest.raises(ApplicationError):
        check_upload(SimpleUploadedFile("a.docx", office("other.xml")))


def test_questions_close_at_their_deadline(solicitation, coordinator, harbor, officer, time_machine):
    clarification = services.clarification_ask(solicitation=solicitation, organization=harbor, by=coordinator,
                                               question="Can two nonprofits propose jointly? We are Harbor.")
    services.clarification_answer(clarification=clarification, by=officer, answer="Yes, with a lead applicant.",
                                  question="Can two nonprofits propose jointly?")
    clarification.refresh_from_db()
    assert (clarification.status, clarification.question) == ("answered", "Can two nonprofits propose jointly?")
    time_machine.move_to(solicitation.questions_due_at + timedelta(seconds=1), tick=False)
    with pytest.raises(ApplicationError, match="questions deadline"):
        services.clarification_ask(solicitation=solicitation, organization=harbor, by=coordinator, question="Late?")


def test_close_scanner_closes_due_solicitations(solicitation, officer, time_machine):
    other = draft_solicitation(officer, reference="RFP-LATER")
    other = services.solicitation_publish(solicitation=other, by=officer)
    services.addendum_publish(solicitation=other, by=officer, title="Extension", body="Later.",
                              new_proposals_due_at=other.proposals_due_at + timedelta(days=5))
    assert "procurement.close_due" in registered_scanners()
    assert services.solicitations_due_scan(now=timezone.now()) == 0
    time_machine.move_to(solicitation.proposals_due_at + timedelta(seconds=1), tick=False)
    assert registered_scanners()["procurement.close_due"](now=timezone.now()) == 1
    assert Solicitation.objects.get(pk=solicitation.pk).status == S.CLOSED
    assert Solicitation.objects.get(pk=other.pk).status == S.PUBLISHED
    assert services.solicitations_due_scan(now=timezone.now()) == 0


def test_scoring_without_attestation_is_refused(opened, two_submitted, officer, evaluator):
    pass_all(opened, officer)
    services.solicitation_evaluation_start(solicitation=opened, by=officer)
    criterion = opened.criteria.filter(kind="comparative").first()
    with pytest.raises(ApplicationError) as refused:
        services.score_save(proposal=two_submitted[0], criterion=criterion, by=evaluator, rating="advantageous",
                            rationale="Good.")
    assert refused.value.code == "attestation"
    assert Score.objects.count() == 0


def test_attestation_before_opening_is_refused(solicitation, two_submitted, officer, evaluator):
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    with pytest.raises(ApplicationError, match="after the opening"):
        attest(solicitation, evaluator)


def test_declared_conflict_recuses_the_evaluator(opened, two_submitted, officer, evaluator):
    first, second = two_submitted
    pass_all(opened, officer)
    services.solicitation_evaluation_start(solicitation=opened, by=officer)
    attest(opened, evaluator, conflicts={first.pk})
    criterion = opened.criteria.filter(kind="comparative").first()
    with pytest.raises(ApplicationError) as refused:
        services.score_save(proposal=first, criterion=criterion, by=evaluator, rating="advantageous", rationale="x")
    assert refused.value.code == "recused"
    score_all(opened, evaluator, second)
    assert Score.objects.filter(sheet__proposal=second).count() == 2


def test_rationale_is_required(in_evaluation, two_submitted, evaluator):
    criterion = in_evaluation.criteria.filter(kind="comparative").first()
    with pytest.raises(ApplicationError) as refused:
        services.score_save(proposal=two_submitted[0], criterion=criterion, by=evaluator, rating="advantageous",
                            rationale="  ")
    assert refused.value.field == "rationale"


def test_consensus_locks_individual_scores(in_evaluation, two_submitted, officer, evaluator):
    first, second = two_submitted
    score_all(in_evaluation, evaluator, first)
    score_all(in_evaluation, evaluator, second, submit=False)
    services.solicitation_consensus_start(solicitation=in_evaluation, by=officer)
    criterion = in_evaluation.criteria.filter(kind="comparative").first()
    for proposal in (first, second):
        with pytest.raises(ApplicationError) as refused:
            services.score_save(proposal=proposal, criterion=criterion, by=evaluator, rating="unacceptable",
                                rationale="Changed my mind.")
        assert refused.value.code == "locked"
    with pytest.raises(ApplicationError):
        services.scoresheet_submit(proposal=second, by=evaluator)
    assert set(Score.objects.values_list("rating", flat=True)) == {"advantageous"}


def test_submitted_scoresheet_cannot_change(in_evaluation, two_submitted, evaluator):
    score_all(in_evaluation, evaluator, two_submitted[0])
    criterion = in_evaluation.criteria.filter(kind="comparative").first()
    with pytest.raises(ApplicationError, match="submitted your scores"):
        services.score_save(proposal=two_submitted[0], criterion=criterion, by=evaluator, rating="unacceptable",
                            rationale="Again.")


def test_price_before_consensus_is_refused(in_evaluation, two_submitted, officer, evaluator):
    with pytest.raises(ApplicationError) as refused:
        services.solicitation_price_open(solicitation=in_evaluation, by=officer)
    assert refused.value.code == "invalid_transition"
    score_all(in_evaluation, evaluator, two_submitted[0])
    services.solicitation_consensus_start(solicitation=in_evaluation, by=officer)
    with pytest.raises(ApplicationError) as incomplete:
        services.solicitation_price_open(solicitation=in_evaluation, by=officer)
    assert incomplete.value.code == "incomplete"
    assert Solicitation.objects.get(pk=in_evaluation.pk).price_opened_at is None


def test_failed_minimum_sets_proposal_aside_and_notifies(opened, two_submitted, officer, coordinator2):
    first, second = two_submitted
    criterion = opened.criteria.get(kind="minimum")
    services.responsiveness_record(proposal=first, criterion=criterion, by=officer, passed=True, reason="On file.")
    services.responsiveness_record(proposal=second, criterion=criterion, by=officer, passed=False,
                                   reason="No certificate of good standing.")
    assert Proposal.objects.get(pk=second.pk).responsive is False
    notice = Notification.objects.get(kind="procurement.non_responsive", channel="email")
    assert notice.recipient_user == coordinator2
    assert "No certificate of good standing." in notice.body_text


def test_evaluation_needs_responsiveness_decided(opened, officer):
    with pytest.raises(ApplicationError, match="responsiveness"):
        services.solicitation_evaluation_start(solicitation=opened, by=officer)


def test_cancel_needs_reason_and_notifies(solicitation, officer, coordinator, harbor):
    services.proposal_start(solicitation=solicitation, organization=harbor, by=coordinator)
    with pytest.raises(ApplicationError) as refused:
        services.solicitation_cancel(solicitation=solicitation, by=officer, reason=" ")
    assert refused.value.field == "reason"
    services.solicitation_cancel(solicitation=solicitation, by=officer, reason="Funding withdrawn.")
    assert Solicitation.objects.get(pk=solicitation.pk).status == S.CANCELLED
    assert Notification.objects.filter(kind="procurement.cancelled", recipient_user=coordinator).count() == 2
    with pytest.raises(ApplicationError):
        services.solicitation_cancel(solicitation=solicitation, by=officer, reason="Again.")


def test_evaluator_assignment_needs_the_role(solicitation, officer, coordinator, evaluator):
    with pytest.raises(ApplicationError, match="RFP evaluator role"):
        services.evaluator_assign(solicitation=solicitation, evaluator=coordinator, by=officer)
    services.evaluator_assign(solicitation=solicitation, evaluator=evaluator, by=officer)
    notice = Notification.objects.get(kind="procurement.evaluator_assigned", channel="email")
    assert notice.recipient_user == evaluator


def test_scoring_reminder_once_per_due_date(in_evaluation, two_submitted, evaluator, time_machine):
    due = timezone.now() + timedelta(hours=30)
    Solicitation.objects.filter(pk=in_evaluation.pk).update(scoring_due_at=due)
    scanner = registered_scanners()["procurement.scoring_reminders"]
    assert scanner(now=timezone.now()) == 1
    assert scanner(now=timezone.now()) == 0
    reminder = Notification.objects.get(kind="procurement.scoring_reminder", channel="email")
    assert reminder.recipient_user == evaluator
    assert "2 proposals" in reminder.body_text


def test_sealed_read_is_audited_and_refused_before_opening(solicitation, two_submitted, officer, admin):
    first = two_submitted[0]
    for user in (officer, admin):
        with pytest.raises(ApplicationError):
            services.proposal_sealed_read_record(proposal=first, by=user, envelope="technical")
    assert not AuditEvent.objects.filter(action__startswith="procurement.proposal.read_").exists()


def test_consensus_score_records(in_evaluation, two_submitted, officer, evaluator):
    score_all(in_evaluation, evaluator, two_submitted[0])
    services.solicitation_consensus_start(solicitation=in_evaluation, by=officer)
    criterion = in_evaluation.criteria.filter(kind="comparative").first()
    services.consensus_score_record(proposal=two_submitted[0], criterion=criterion, by=officer,
                                    rating="highly_advantageous", rationale="Agreed.")
    services.consensus_score_record(proposal=two_submitted[0], criterion=criterion, by=officer,
                                    rating="advantageous", rationale="Revised.")
    assert list(ConsensusScore.objects.values_list("rating", "rationale")) == [("advantageous", "Revised.")]


def test_pdf_upload_helper_is_valid():
    from apps.core.uploads import PDF
    from apps.procurement.uploads import check_upload

    assert check_upload(pdf_upload()).content_type == PDF
