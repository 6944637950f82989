"""Every write of the procurement app, named `<entity>_<verb>`."""

from .evaluation import (
    ATTESTATION_STATEMENT,
    attestation_candidates,
    attestation_sign,
    consensus_row_record,
    consensus_score_record,
    evaluator_assign,
    responsiveness_record,
    score_clear,
    score_save,
    scoresheet_save,
    scoresheet_submit,
    scoring_reminders_scan,
    solicitation_award,
    solicitation_award_recommend,
    solicitation_consensus_start,
    solicitation_evaluation_start,
    solicitation_price_open,
)
from .proposals import (
    addendum_acknowledge,
    price_proposal_save,
    proposal_answers_save,
    proposal_attachment_add,
    proposal_attachment_remove,
    proposal_draft_save,
    proposal_missing,
    proposal_sealed_read_record,
    proposal_start,
    proposal_submit,
    proposal_withdraw,
    receipt_hash_for,
)
from .solicitations import (
    addendum_publish,
    clarification_answer,
    clarification_ask,
    criterion_add,
    document_add,
    proposal_question_add,
    required_attachment_add,
    solicitation_cancel,
    solicitation_close,
    solicitation_create,
    solicitation_item_remove,
    solicitation_open,
    solicitation_publish,
    solicitation_update,
    solicitations_due_scan,
)

# The steps of a solicitation that take no input, by the names the officer's page (views/steps.TRANSITIONS)
# and the API (POST .../steps/) give them.
SOLICITATION_STEPS = {
    "publish": solicitation_publish,
    "open": solicitation_open,
    "evaluation-start": solicitation_evaluation_start,
    "consensus-start": solicitation_consensus_start,
    "price-open": solicitation_price_open,
}

__all__ = [
    "addendum_acknowledge", "addendum_publish", "attestation_candidates", "attestation_sign", "ATTESTATION_STATEMENT",
    "clarification_answer", "clarification_ask", "consensus_row_record", "consensus_score_record", "criterion_add",
    "document_add", "evaluator_assign", "price_proposal_save", "proposal_answers_save", "proposal_attachment_add",
    "proposal_attachment_remove", "proposal_draft_save", "proposal_missing", "proposal_question_add",
    "proposal_sealed_read_record", "proposal_start", "proposal_submit", "proposal_withdraw", "receipt_hash_for",
    "required_attachment_add", "responsiveness_record", "score_clear", "score_save", "scoresheet_save",
    "scoresheet_submit",
    "scoring_reminders_scan", "solicitation_award", "solicitation_award_recommend", "solicitation_cancel",
    "solicitation_close", "solicitation_consensus_start", "solicitation_create", "solicitation_evaluation_start",
    "solicitation_item_remove", "solicitation_open", "solicitation_price_open", "solicitation_publish",
    "solicitation_update", "solicitations_due_scan", "SOLICITATION_STEPS",
]
