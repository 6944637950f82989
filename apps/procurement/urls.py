from django.urls import path

from .views import consensus, evaluation, officer, proposals, public, steps

app_name = "procurement"

urlpatterns = [
    # Public: no sign-in needed.
    path("", public.solicitation_list, name="solicitation-list"),
    path("s/<str:reference>/", public.solicitation_detail, name="solicitation-detail"),
    path("s/<str:reference>/documents/<int:pk>/", public.document_download, name="document-download"),
    path("s/<str:reference>/questions/", public.clarification_create, name="clarification-create"),
    path("s/<str:reference>/propose/", public.proposal_start, name="proposal-start"),
    # The nonprofit's proposals.
    path("proposals/", proposals.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/answers/", proposals.proposal_answers, name="proposal-answers"),
    path("proposals/<int:pk>/price/", proposals.proposal_price, name="proposal-price"),
    path("proposals/<int:pk>/attachments/", proposals.proposal_attachment_add, name="proposal-attachment-add"),
    path("proposals/<int:pk>/attachments/<int:attachment_pk>/remove/", proposals.proposal_attachment_remove,
         name="proposal-attachment-remove"),
    path("proposals/<int:pk>/addenda/<int:addendum_pk>/acknowledge/", proposals.addendum_acknowledge,
         name="addendum-acknowledge"),
    path("proposals/<int:pk>/submit/", proposals.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal-withdraw"),
    path("attachments/<int:pk>/", proposals.attachment_download, name="attachment-download"),
    # The procurement officer.
    path("manage/", officer.solicitation_manage_list, name="solicitation-manage-list"),
    path("manage/new/", officer.solicitation_create, name="solicitation-create"),
    path("manage/<int:pk>/", officer.solicitation_manage, name="solicitation-manage"),
    path("manage/<int:pk>/edit/", officer.solicitation_edit, name="solicitation-edit"),
    path("manage/<int:pk>/confirm/<slug:action>/", steps.solicitation_confirm, name="solicitation-confirm"),
    path("manage/<int:pk>/do/<slug:action>/", steps.solicitation_transition, name="solicitation-transition"),
    path("manage/<int:pk>/cancel/", officer.solicitation_cancel, name="solicitation-cancel"),
    path("manage/<int:pk>/add/<slug:item>/", officer.solicitation_item_add, name="solicitation-item-add"),
    path("manage/<int:pk>/remove/<slug:item>/<int:item_pk>/", officer.solicitation_item_remove,
         name="solicitation-item-remove"),
    path("manage/<int:pk>/questions/<int:clarification_pk>/answer/", officer.clarification_answer,
         name="clarification-answer"),
    path("manage/<int:pk>/evaluators/", officer.evaluator_assign, name="evaluator-assign"),
    path("manage/<int:pk>/consensus/", consensus.consensus, name="consensus"),
    path("manage/<int:pk>/consensus/<int:proposal_pk>/<int:criterion_pk>/", consensus.consensus_record,
         name="consensus-record"),
    path("manage/<int:pk>/recommend/", steps.award_recommend, name="award-recommend"),
    path("manage/<int:pk>/award/", steps.award, name="award"),
    path("manage/<int:pk>/file.json", officer.procurement_file_export, name="procurement-file"),
    path("manage/proposals/<int:pk>/", officer.proposal_review, name="proposal-review"),
    path("manage/proposals/<int:pk>/responsiveness/", officer.responsiveness_record, name="responsiveness-record"),
    # Evaluators.
    path("evaluations/", evaluation.evaluation_list, name="evaluation-list"),
    path("evaluations/<int:pk>/", evaluation.evaluation_detail, name="evaluation-detail"),
    path("evaluations/<int:pk>/attest/", evaluation.evaluation_attest, name="evaluation-attest"),
    path("evaluations/proposals/<int:pk>/", evaluation.evaluation_proposal, name="evaluation-proposal"),
    path("evaluations/proposals/<int:pk>/scores/<int:criterion_pk>/", evaluation.evaluation_score,
         name="evaluation-score"),
    path("evaluations/proposals/<int:pk>/submit/", evaluation.evaluation_submit, name="evaluation-submit"),
]
