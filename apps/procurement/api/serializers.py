from rest_framework import serializers

from apps.core.api.fields import StrictCharField

from ..models import (
    Addendum,
    Clarification,
    Criterion,
    PriceProposal,
    Proposal,
    ProposalQuestion,
    Rating,
    RequiredAttachment,
    Score,
    Solicitation,
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
    criteria = CriterionSerializer(many=True, read_only=True)
    questions = ProposalQuestionSerializer(many=True, read_only=True)
    required_attachments = RequiredAttachmentSerializer(many=True, read_only=True)
    addenda = AddendumSerializer(many=True, read_only=True)
    answered_questions = serializers.SerializerMethodField()
    awarded_to = serializers.SerializerMethodField()

    class Meta(SolicitationListSerializer.Meta):
        fields = [*SolicitationListSerializer.Meta.fields, "summary", "scope", "price_points", "criteria",
                  "questions", "required_attachments", "addenda", "answered_questions", "awarded_to",
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
