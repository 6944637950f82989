from rest_framework import serializers

from apps.core.api.fields import StrictCharField
from apps.core.api.translations import TranslationsField

from ..models import (
    Addendum,
    AddendumAcknowledgement,
    Clarification,
    ConflictAttestation,
    ConsensusScore,
    Criterion,
    EvaluatorAssignment,
    PriceProposal,
    Proposal,
    ProposalQuestion,
    Rating,
    RequiredAttachment,
    ResponsivenessReview,
    Score,
    ScoreSheet,
    Solicitation,
    SolicitationDocument,
)
from ..permissions import can_read_technical, can_see_identity, is_coordinator_of


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "kind", "title", "description", "max_points", "order"]


class ProposalQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProposalQuestion
        fields = ["id", "prompt", "max_words", "order"]


class RequiredAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredAttachment
        fields = ["id", "name", "description", "order"]


class AddendumSerializer(serializers.ModelSerializer):
    class Meta:
        model = Addendum
        fields = ["id", "number", "title", "body", "new_proposals_due_at", "published_at"]


class AnsweredQuestionSerializer(serializers.ModelSerializer):
    """Anonymous: the asker's organization and name are never part of it."""

    class Meta:
        model = Clarification
        fields = ["id", "question", "answer", "answered_at"]


class SolicitationListSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="draft, published, closed, opened, evaluation, "
                                   "consensus, price_opened, award_recommended, awarded or cancelled")

    class Meta:
        model = Solicitation
        fields = ["id", "reference", "title", "status", "procurement_type", "rating_method", "budget_ceiling",
                  "questions_due_at", "proposals_due_at", "opening_at", "blind_review", "two_envelopes"]


class SolicitationDetailSerializer(SolicitationListSerializer):
    translations = TranslationsField(Solicitation, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    questions = ProposalQuestionSerializer(many=True, read_only=True)
    required_attachments = RequiredAttachmentSerializer(many=True, read_only=True)
    addenda = AddendumSerializer(many=True, read_only=True)
    answered_questions = serializers.SerializerMethodField()
    awarded_to = serializers.SerializerMethodField()

    class Meta(SolicitationListSerializer.Meta):
        fields = [*SolicitationListSerializer.Meta.fields, "summary", "translations", "scope", "price_points",
                  "criteria", "questions", "required_attachments", "addenda", "answered_questions", "awarded_to",
                  "award_justification", "awarded_at", "cancel_reason"]

    def get_answered_questions(self, obj) -> list[dict]:
        answered = [c for c in obj.clarifications.all() if c.status == Clarification.Status.ANSWERED]
        return AnsweredQuestionSerializer(answered, many=True).data

    def get_awarded_to(self, obj) -> str | None:
        if obj.status != Solicitation.Status.AWARDED:
            return None
        return obj.awarded_proposal.organization.name


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal as this user may see it: the organization only where identity may be known,
    the content only where the envelope may be read, never a price (see the price endpoint)."""

    solicitation = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft, submitted or withdrawn")
    organization = serializers.SerializerMethodField()
    receipt = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "code", "solicitation", "organization", "status", "submitted_at", "responsive", "receipt"]

    def _user(self):
        return self.context["request"].user

    def get_organization(self, obj) -> str | None:
        return obj.organization.name if can_see_identity(self._user(), obj) else None

    def get_receipt(self, obj) -> str | None:
        if not is_coordinator_of(self._user(), obj.organization_id):
            return None
        latest = max(obj.submissions.all(), key=lambda s: s.number, default=None)  # prefetched by the view
        return latest.receipt_hash if latest else None


class TechnicalAnswerOutSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    number = serializers.IntegerField()
    prompt = serializers.CharField()
    text = serializers.CharField()


class TechnicalAttachmentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    requirement = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ProposalDetailSerializer(ProposalSerializer):
    technical = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "technical"]

    def get_technical(self, obj) -> dict | None:
        user = self._user()
        if not can_read_technical(user, obj):
            return None
        if is_coordinator_of(user, obj.organization_id):
            answers = {a.question_id: a.text for a in obj.answers.all()}
            return {"answers": [{"question_id": q.pk, "number": q.order, "prompt": q.prompt,
                                 "text": answers.get(q.pk, "")} for q in obj.solicitation.questions.all()],
                    "attachments": [{"id": a.pk, "requirement": a.required_attachment.name,
                                     "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
                                    for a in obj.attachments.filter(is_current=True).select_related(
                                        "required_attachment")]}
        latest = obj.submissions.order_by("-number").first()
        if latest is None:
            return None
        return {"answers": latest.technical["answers"],
                "attachments": [{k: a[k] for k in ("id", "requirement", "content_type", "size", "sha256")}
                                for a in latest.technical["attachments"]]}


class PriceSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=13, decimal_places=2, read_only=True)

    class Meta:
        model = PriceProposal
        fields = [*PriceProposal.LINES, "notes", "total"]


class SubmissionReceiptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    receipt_hash = serializers.CharField()


class ScoreSerializer(serializers.ModelSerializer):
    proposal = serializers.IntegerField(source="sheet.proposal_id", read_only=True)
    proposal_code = serializers.CharField(source="sheet.proposal.code", read_only=True)
    criterion = serializers.IntegerField(source="criterion_id", read_only=True)
    submitted = serializers.SerializerMethodField()

    class Meta:
        model = Score
        fields = ["id", "proposal", "proposal_code", "criterion", "points", "rating", "rationale", "submitted",
                  "updated_at"]

    def get_submitted(self, obj) -> bool:
        return obj.sheet.submitted_at is not None


class ScoreInputSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    criterion = serializers.IntegerField()
    points = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    rating = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True)
    rationale = StrictCharField()


# --- what the write operations answer with ------------------------------------------------------

class SolicitationOfficerSerializer(SolicitationDetailSerializer):
    """A solicitation as its officer sees it after a step: the detail, and where the steps stand."""

    recommended_proposal = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                                        help_text="The recommended proposal's code.")

    class Meta(SolicitationDetailSerializer.Meta):
        fields = [*SolicitationDetailSerializer.Meta.fields, "published_at", "closed_at", "opened_at",
                  "evaluation_started_at", "consensus_started_at", "price_opened_at", "recommended_proposal",
                  "recommendation_reasons", "recommended_at", "cancelled_at"]


class SolicitationDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SolicitationDocument
        fields = ["id", "title", "content_type", "size", "sha256", "uploaded_at"]


class ClarificationSerializer(serializers.ModelSerializer):
    """A question and its answer. Never who asked: the answer is published without the asker."""

    solicitation = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending or answered")

    class Meta:
        model = Clarification
        fields = ["id", "solicitation", "status", "question", "asked_at", "answer", "answered_at"]


class EvaluatorAssignmentSerializer(serializers.ModelSerializer):
    solicitation = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    evaluator_name = serializers.CharField(source="evaluator.full_name", read_only=True)

    class Meta:
        model = EvaluatorAssignment
        fields = ["id", "solicitation", "evaluator", "evaluator_name", "assigned_at"]


class AttestationSerializer(serializers.ModelSerializer):
    """The signed attestation. It does not say which proposals it recuses you from: in blind review that
    would tell you who proposed."""

    solicitation = serializers.SlugRelatedField(source="assignment.solicitation", slug_field="reference",
                                                read_only=True)

    class Meta:
        model = ConflictAttestation
        fields = ["id", "solicitation", "statement", "signed_name", "signed_at"]


class AcknowledgementSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="addendum.number", read_only=True)

    class Meta:
        model = AddendumAcknowledgement
        fields = ["addendum", "number", "acknowledged_at"]


class ResponsivenessSerializer(serializers.ModelSerializer):
    proposal_responsive = serializers.BooleanField(source="proposal.responsive", read_only=True, allow_null=True,
                                                   help_text="Once every minimum criterion is reviewed: whether the "
                                                             "proposal is responsive (null until then).")

    class Meta:
        model = ResponsivenessReview
        fields = ["id", "proposal", "criterion", "passed", "reason", "reviewed_at", "proposal_responsive"]


class SheetScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["criterion", "points", "rating", "rationale", "updated_at"]


class ScoreSheetSerializer(serializers.ModelSerializer):
    """Your own score sheet for one proposal, known by its code."""

    proposal_code = serializers.CharField(source="proposal.code", read_only=True)
    scores = SheetScoreSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreSheet
        fields = ["proposal", "proposal_code", "submitted_at", "scores"]


class ConsensusScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsensusScore
        fields = ["criterion", "points", "rating", "rationale", "recorded_at"]


class ConsensusRowSerializer(serializers.Serializer):
    """The committee's agreed ratings of one proposal."""

    proposal = serializers.IntegerField(source="pk")
    proposal_code = serializers.CharField(source="code")
    scores = ConsensusScoreSerializer(many=True, source="consensus_scores.all")
