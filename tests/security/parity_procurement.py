"""API parity, procurement's part: every procurement page route that accepts POST, and the API
operation that does the same thing (or why it has none). Read by tests/security/test_api_parity.py
with the other apps' part in tests/security/parity_table.py.

A route whose URL names a variant (the manage page's `item` and `action` slugs) maps here to its
first variant; PROCUREMENT_VARIANTS lists the operation of every variant, and
tests/procurement/test_api_parity_variants.py checks that the variants are the page's, each with its
operation in the schema."""

from tests.security.parity_types import Api, Exempt

P = "/api/v1/procurement"
PROCUREMENT: dict = {
    # Public pages and the nonprofit's.
    "procurement:clarification-create": Api("POST", f"{P}/solicitations/{{reference}}/clarifications/"),
    "procurement:proposal-start": Api("POST", f"{P}/solicitations/{{reference}}/proposals/"),
    # The editor's one form: answers and price saved together (its other buttons post to the routes below,
    # each with its own operation).
    "procurement:proposal-detail": Api("PATCH", f"{P}/proposals/{{id}}/"),
    "procurement:proposal-answers": Api("POST", f"{P}/proposals/{{id}}/answers/"),
    "procurement:proposal-price": Api("PUT", f"{P}/proposals/{{id}}/price/"),
    "procurement:proposal-attachment-add": Api("POST", f"{P}/proposals/{{id}}/attachments/"),
    "procurement:proposal-attachment-remove": Api("DELETE", f"{P}/proposals/{{id}}/attachments/{{attachment_id}}/"),
    "procurement:addendum-acknowledge": Api("POST", f"{P}/proposals/{{id}}/acknowledgements/"),
    "procurement:proposal-submit": Api("POST", f"{P}/proposals/{{id}}/submit/"),
    "procurement:proposal-withdraw": Api("POST", f"{P}/proposals/{{id}}/withdraw/"),
    # The procurement officer.
    "procurement:solicitation-create": Api("POST", f"{P}/solicitations/"),
    "procurement:solicitation-edit": Api("PATCH", f"{P}/solicitations/{{reference}}/"),
    "procurement:solicitation-confirm": Exempt(
        "The browser's confirmation page of an irreversible step: a POST renders it like a GET and does nothing. "
        "The step itself is POST /api/v1/procurement/solicitations/{reference}/steps/ (or .../recommendation/, "
        ".../award/); an API client confirms by calling it."),
    "procurement:solicitation-transition": Api("POST", f"{P}/solicitations/{{reference}}/steps/"),
    "procurement:solicitation-cancel": Api("POST", f"{P}/solicitations/{{reference}}/cancel/"),
    "procurement:solicitation-item-add": Api("POST", f"{P}/solicitations/{{reference}}/criteria/"),
    "procurement:solicitation-item-remove": Api("DELETE", f"{P}/solicitations/{{reference}}/criteria/{{item_id}}/"),
    "procurement:clarification-answer": Api("POST", f"{P}/clarifications/{{id}}/answer/"),
    "procurement:evaluator-assign": Api("POST", f"{P}/solicitations/{{reference}}/evaluators/"),
    # The consensus grid posts a proposal's row; consensus-record one cell of it: the same operation,
    # through consensus_row_record, which records each cell with consensus_score_record.
    "procurement:consensus": Api("POST", f"{P}/proposals/{{id}}/consensus/"),
    "procurement:consensus-record": Api("POST", f"{P}/proposals/{{id}}/consensus/"),
    "procurement:award-recommend": Api("POST", f"{P}/solicitations/{{reference}}/recommendation/"),
    "procurement:award": Api("POST", f"{P}/solicitations/{{reference}}/award/"),
    "procurement:responsiveness-record": Api("POST", f"{P}/proposals/{{id}}/responsiveness/"),
    # Evaluators.
    "procurement:evaluation-attest": Api("POST", f"{P}/solicitations/{{reference}}/attestation/"),
    "procurement:evaluation-proposal": Api("POST", f"{P}/proposals/{{id}}/scoresheet/"),
    "procurement:evaluation-score": Api("POST", f"{P}/scores/"),
    "procurement:evaluation-submit": Api("POST", f"{P}/proposals/{{id}}/scoresheet/submit/"),
}

# Routes whose URL names a variant: every variant (the slug the page takes) and its operation.
PROCUREMENT_VARIANTS: dict = {
    "procurement:solicitation-item-add": {
        "criterion": Api("POST", f"{P}/solicitations/{{reference}}/criteria/"),
        "question": Api("POST", f"{P}/solicitations/{{reference}}/questions/"),
        "attachment": Api("POST", f"{P}/solicitations/{{reference}}/required-attachments/"),
        "document": Api("POST", f"{P}/solicitations/{{reference}}/documents/"),
        "addendum": Api("POST", f"{P}/solicitations/{{reference}}/addenda/"),
    },
    "procurement:solicitation-item-remove": {
        "criterion": Api("DELETE", f"{P}/solicitations/{{reference}}/criteria/{{item_id}}/"),
        "question": Api("DELETE", f"{P}/solicitations/{{reference}}/questions/{{item_id}}/"),
        "attachment": Api("DELETE", f"{P}/solicitations/{{reference}}/required-attachments/{{item_id}}/"),
    },
    # One operation for every step: the step is the body's `step`, as the page's is the URL's `action`.
    "procurement:solicitation-transition": {
        step: Api("POST", f"{P}/solicitations/{{reference}}/steps/")
        for step in ("publish", "open", "evaluation-start", "consensus-start", "price-open")
    },
}
