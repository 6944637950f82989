"""The RFP ("solicitation") and everything around it: criteria, Q&A, addenda, proposals with their
two envelopes, the committee, attestations, scores, consensus and the award.

Rules live in services.py (writes) and permissions.py (who may read what); the database keeps the
one-row-per-thing invariants.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.storage import PrivateStorage
from apps.core.translated import Translatable

_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private_storage


class ProcurementType(models.TextChoices):
    CONTRACT_30B = "contract_30b", _("Chapter 30B contract")
    GRANT = "grant", _("Public-purpose grant")


class RatingMethod(models.TextChoices):
    POINTS = "points", _("Weighted points")
    ADJECTIVAL = "adjectival", _("Adjectival ratings")


class Rating(models.TextChoices):
    HIGHLY_ADVANTAGEOUS = "highly_advantageous", _("Highly advantageous")
    ADVANTAGEOUS = "advantageous", _("Advantageous")
    NOT_ADVANTAGEOUS = "not_advantageous", _("Not advantageous")
    UNACCEPTABLE = "unacceptable", _("Unacceptable")


# Used for the composite of adjectival ratings and for the spread among evaluators.
RATING_VALUES = {
    Rating.HIGHLY_ADVANTAGEOUS: 3,
    Rating.ADVANTAGEOUS: 2,
    Rating.NOT_ADVANTAGEOUS: 1,
    Rating.UNACCEPTABLE: 0,
}


class Solicitation(Translatable, TimeStampedModel):
    # The public summary in residents' languages (apps/core/translated.py); the rest stays English.
    TRANSLATED_FIELDS = ("summary",)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for proposals")
        CLOSED = "closed", _("Closed")
        OPENED = "opened", _("Opened")
        EVALUATION = "evaluation", _("In evaluation")
        CONSENSUS = "consensus", _("Consensus")
        PRICE_OPENED = "price_opened", _("Price opened")
        AWARD_RECOMMENDED = "award_recommended", _("Award recommended")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), help_text=_("Markdown."))
    scope = models.TextField(_("scope of services"), blank=True, help_text=_("Markdown."))
    procurement_type = models.CharField(_("procurement type"), max_length=20, choices=ProcurementType.choices,
                                        default=ProcurementType.CONTRACT_30B)
    rating_method = models.CharField(_("rating method"), max_length=20, choices=RatingMethod.choices,
                                     default=RatingMethod.ADJECTIVAL)
    price_points = models.PositiveSmallIntegerField(
        _("points for price"), default=0,
        help_text=_("Weighted points only: points the lowest price earns; others earn them in proportion."))
    budget_ceiling = models.DecimalField(_("budget ceiling"), max_digits=12, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0.01"))])
    questions_due_at = models.DateTimeField(_("questions due"))
    proposals_due_at = models.DateTimeField(_("proposals due"))
    opening_at = models.DateTimeField(_("opening"), null=True, blank=True)
    scoring_due_at = models.DateTimeField(_("scoring due"), null=True, blank=True)
    blind_review = models.BooleanField(_("blind review"), default=True)
    two_envelopes = models.BooleanField(_("separate price envelope"), default=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    evaluation_started_at = models.DateTimeField(null=True, blank=True)
    consensus_started_at = models.DateTimeField(null=True, blank=True)
    price_opened_at = models.DateTimeField(null=True, blank=True)
    recommended_proposal = models.ForeignKey("Proposal", null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+")
    recommendation_reasons = models.TextField(blank=True)
    recommended_at = models.DateTimeField(null=True, blank=True)
    awarded_proposal = models.ForeignKey("Proposal", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    award_justification = models.TextField(blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposals_due_at", "reference"]
        constraints = [
            models.CheckConstraint(condition=models.Q(questions_due_at__lt=models.F("proposals_due_at")),
                                   name="procurement_questions_before_proposals"),
            # Chapter 30B: price and non-price proposals are always separate.
            models.CheckConstraint(condition=~models.Q(procurement_type="contract_30b", two_envelopes=False),
                                   name="procurement_30b_two_envelopes"),
            models.CheckConstraint(condition=~models.Q(status="cancelled", cancel_reason=""),
                                   name="procurement_cancel_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def accepting_proposals(self) -> bool:
        return self.status == self.Status.PUBLISHED and timezone.now() < self.proposals_due_at

    @property
    def accepting_questions(self) -> bool:
        return self.status == self.Status.PUBLISHED and timezone.now() < self.questions_due_at

    @property
    def is_sealed(self) -> bool:
        """Proposals stay sealed until the officer's opening."""
        return self.opened_at is None


class Criterion(models.Model):
    class Kind(models.TextChoices):
        MINIMUM = "minimum", _("Minimum (pass/fail)")
        COMPARATIVE = "comparative", _("Comparative")

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("points"), default=0,
                                                  help_text=_("Weighted points only: the criterion's weight."))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["solicitation", "kind", "order", "id"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.title


class ProposalQuestion(models.Model):
    """A question the technical proposal must answer."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="questions")
    prompt = models.TextField(_("question"))
    max_words = models.PositiveIntegerField(_("word limit"), default=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["solicitation", "order", "id"]

    def __str__(self) -> str:
        return self.prompt[:80]


class RequiredAttachment(models.Model):
    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="required_attachments")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["solicitation", "order", "id"]

    def __str__(self) -> str:
        return self.name


class SolicitationDocument(models.Model):
    """A public document of the solicitation (the RFP itself, forms). Public once published."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(storage=private_storage, upload_to="procurement/documents/", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["solicitation", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class Addendum(models.Model):
    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="addenda")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    new_proposals_due_at = models.DateTimeField(_("new proposal deadline"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["solicitation", "number"]
        verbose_name_plural = "addenda"
        constraints = [models.UniqueConstraint(fields=["solicitation", "number"], name="procurement_addendum_number")]

    def __str__(self) -> str:
        return f"Addendum {self.number}: {self.title}"


class AddendumAcknowledgement(models.Model):
    addendum = models.ForeignKey(Addendum, on_delete=models.CASCADE, related_name="acknowledgements")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["addendum", "organization"], name="procurement_ack_once")]

    def __str__(self) -> str:
        return f"{self.addendum} acknowledged"


class Clarification(models.Model):
    """A proposer's question during the Q&A period; the answer is published without the asker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting answer")
        ANSWERED = "answered", _("Answered")

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="clarifications")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"), max_length=4000)
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["solicitation", "asked_at", "id"]

    def __str__(self) -> str:
        return f"Question {self.pk}"


class Proposal(TimeStampedModel):
    """One organization's proposal: the working copy. What counts is the latest submission."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    solicitation = models.ForeignKey(Solicitation, on_delete=models.PROTECT, related_name="proposals")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    # The name evaluators know it by in blind review: random, says nothing about the proposer.
    code = models.CharField(max_length=12, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    responsive = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["solicitation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "organization"], name="procurement_one_proposal_per_org"),
        ]

    def __str__(self) -> str:
        # The code only: this label reaches the audit log and must not reveal the proposer.
        return f"Proposal {self.code}"


class TechnicalAnswer(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ProposalQuestion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "question"], name="procurement_one_answer")]

    def __str__(self) -> str:
        return f"Answer {self.pk}"


class ProposalAttachment(models.Model):
    """An uploaded file. Once part of a submission it is kept (detached, not deleted) for the record."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="attachments")
    required_attachment = models.ForeignKey(RequiredAttachment, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(storage=private_storage, upload_to="procurement/proposals/", max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["proposal", "required_attachment__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "required_attachment"], condition=models.Q(is_current=True),
                                    name="procurement_one_current_attachment"),
        ]

    def __str__(self) -> str:
        return f"Attachment {self.pk}"


class PriceProposal(models.Model):
    """The price envelope: a line-item budget, separate from the technical proposal."""

    LINES = ("personnel", "responder_stipends", "training", "operations", "indirect")

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="price")
    personnel = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    responder_stipends = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    training = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    operations = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    indirect = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(personnel__gte=0, responder_stipends__gte=0, training__gte=0, operations__gte=0,
                                   indirect__gte=0),
                name="procurement_price_lines_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Price envelope {self.pk}"

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, line) for line in self.LINES), Decimal("0"))


class ProposalSubmission(models.Model):
    """An immutable snapshot of one submission, with its SHA-256 receipt. Never updated."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveSmallIntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    technical = models.JSONField()
    price = models.JSONField()
    receipt_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["proposal", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="procurement_submission_number"),
        ]

    def __str__(self) -> str:
        return f"Submission {self.number} of {self.proposal}"


class ResponsivenessReview(models.Model):
    """The officer's pass/fail on one minimum criterion for one proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="responsiveness")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField()
    reason = models.TextField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion"], name="procurement_one_responsiveness"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {'pass' if self.passed else 'fail'}"


class EvaluatorAssignment(models.Model):
    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="assignments")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="rfp_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["solicitation", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "evaluator"], name="procurement_one_assignment"),
        ]

    def __str__(self) -> str:
        return f"Evaluator {self.evaluator_id} on {self.solicitation.reference}"


class ConflictAttestation(models.Model):
    """The evaluator's signed conflict-of-interest attestation for one solicitation."""

    assignment = models.OneToOneField(EvaluatorAssignment, on_delete=models.CASCADE, related_name="attestation")
    statement = models.TextField()
    signed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Attestation {self.pk}"


class ConflictDeclaration(models.Model):
    """What the evaluator declared about one proposing organization. A conflict recuses them."""

    attestation = models.ForeignKey(ConflictAttestation, on_delete=models.CASCADE, related_name="declarations")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflict_declarations")
    has_conflict = models.BooleanField()
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attestation", "proposal"], name="procurement_one_declaration"),
            models.CheckConstraint(condition=~models.Q(has_conflict=True, description=""),
                                   name="procurement_conflict_described"),
        ]

    def __str__(self) -> str:
        return f"Declaration {self.pk}"


class ScoreSheet(models.Model):
    """One evaluator's scores for one proposal; submitted once, locked at consensus."""

    assignment = models.ForeignKey(EvaluatorAssignment, on_delete=models.CASCADE, related_name="sheets")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="sheets")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "proposal"], name="procurement_one_sheet")]

    def __str__(self) -> str:
        return f"Score sheet {self.pk}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    rating = models.CharField(max_length=24, choices=Rating.choices, blank=True)
    rationale = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sheet", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="procurement_one_score"),
            models.CheckConstraint(condition=~models.Q(rationale=""), name="procurement_score_rationale"),
        ]

    def __str__(self) -> str:
        return f"Score {self.pk}"


class ConsensusScore(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="consensus_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    rating = models.CharField(max_length=24, choices=Rating.choices, blank=True)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion"], name="procurement_one_consensus"),
            models.CheckConstraint(condition=~models.Q(rationale=""), name="procurement_consensus_rationale"),
        ]

    def __str__(self) -> str:
        return f"Consensus {self.pk}"
