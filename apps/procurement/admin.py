"""The Django admin, for support staff: read-mostly. Sealed content is not shown here: the
submission snapshots and price envelopes are left out, so the admin is no way around the seal. Nor
can it be filtered or searched by (StrictLookupsAdmin): `?personnel__gte=…` is refused like any
lookup an admin does not declare, and no declared filter or search field is a sealed one."""

from django.contrib import admin

from apps.core.admin import StrictLookupsAdmin

from .models import (
    Addendum,
    AddendumAcknowledgement,
    Clarification,
    ConflictAttestation,
    ConflictDeclaration,
    ConsensusScore,
    Criterion,
    EvaluatorAssignment,
    PriceProposal,
    Proposal,
    ProposalAttachment,
    ProposalQuestion,
    ProposalSubmission,
    RequiredAttachment,
    ResponsivenessReview,
    Score,
    ScoreSheet,
    Solicitation,
    SolicitationDocument,
    TechnicalAnswer,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class ProposalQuestionInline(admin.TabularInline):
    model = ProposalQuestion
    extra = 0


class RequiredAttachmentInline(admin.TabularInline):
    model = RequiredAttachment
    extra = 0


@admin.register(Solicitation)
class SolicitationAdmin(StrictLookupsAdmin):
    list_display = ["reference", "title", "status", "procurement_type", "proposals_due_at"]
    list_filter = ["status", "procurement_type", "rating_method"]
    search_fields = ["reference", "title"]
    inlines = [CriterionInline, ProposalQuestionInline, RequiredAttachmentInline]
    readonly_fields = ["status", "published_at", "closed_at", "opened_at", "evaluation_started_at",
                       "consensus_started_at", "price_opened_at", "recommended_proposal", "recommended_at",
                       "awarded_proposal", "awarded_at", "cancelled_at", "created_by"]

    def has_change_permission(self, request, obj=None):
        # Terms freeze at publication, here as in the services: later changes go through an addendum.
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Solicitation.Status.DRAFT)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == Solicitation.Status.DRAFT)


@admin.register(Addendum)
class AddendumAdmin(StrictLookupsAdmin):
    list_display = ["solicitation", "number", "title", "published_at"]
    readonly_fields = ["solicitation", "number", "published_by", "published_at"]


@admin.register(Clarification)
class ClarificationAdmin(StrictLookupsAdmin):
    list_display = ["solicitation", "status", "asked_at", "answered_at"]
    list_filter = ["status"]


class _SealedAdmin(StrictLookupsAdmin):
    """Metadata only, never editable: content is read through the audited pages."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(_SealedAdmin):
    list_display = ["code", "solicitation", "status", "submitted_at", "responsive"]
    list_filter = ["status"]
    fields = ["code", "solicitation", "status", "submitted_at", "responsive"]


@admin.register(ProposalSubmission)
class ProposalSubmissionAdmin(_SealedAdmin):
    list_display = ["proposal", "number", "submitted_at", "receipt_hash"]
    fields = ["proposal", "number", "submitted_at", "receipt_hash"]


@admin.register(ProposalAttachment)
class ProposalAttachmentAdmin(_SealedAdmin):
    list_display = ["proposal", "required_attachment", "content_type", "size", "is_current"]
    fields = ["proposal", "required_attachment", "content_type", "size", "sha256", "is_current"]


@admin.register(TechnicalAnswer)
class TechnicalAnswerAdmin(_SealedAdmin):
    list_display = ["proposal", "question"]
    fields = ["proposal", "question"]


@admin.register(PriceProposal)
class PriceProposalAdmin(_SealedAdmin):
    list_display = ["proposal"]
    fields = ["proposal"]


@admin.register(SolicitationDocument, AddendumAcknowledgement, EvaluatorAssignment, ConflictAttestation,
                ConflictDeclaration, ResponsivenessReview, ScoreSheet, Score, ConsensusScore)
class ProcurementRecordAdmin(_SealedAdmin):
    pass
