"""The permission matrix's table: for every route (by name, with one row per object variant) and
every API operation, the outcome each role must get.

Columns are the roles of matrix_world.ROLES. An expectation is an HTTP status, or:
  LOGIN        a redirect to the sign-in page (anonymous visitors of signed-in pages);
  ADMIN_LOGIN  a redirect to the Django admin's sign-in page;
  REFUSED      a redirect back carrying an error message: the action was not done;
  302          a redirect with no error: the action was done (only for roles that may act).

`E(default, anon=..., **roles)`: `default` for every signed-in role, `anon` for the anonymous
visitor and the resident (who has no account; only the registration links tell them apart),
then the roles that differ.

Variants: `[a]` is organization A's object, `[b]` organization B's; most signed-in columns
belong to A (responder, trainer, coordinator_a), so `[b]` rows are where "another organization's
object is a 404" shows. `[sealed]` is A's proposal to a solicitation not yet opened.
Registration links: `[own]` is the resident's link, `[other]` the resident's link re-pointed at
another resident's registration (validly signed, wrong code), `[tampered]` a broken signature.

Judgement calls (a mature product's answer where the code could go either way) are commented.
POST rows send an empty form (or the small `data` given), so a role that may act usually gets
REFUSED or 400 for the missing fields, and never a 2xx/302 when it must not act.
"""

from dataclasses import dataclass, field

from tests.security.matrix_world import ROLES

LOGIN = "login"
ADMIN_LOGIN = "admin_login"
REFUSED = "refused"
SIGNED_IN = ROLES[2:]


def E(default, *, anon=LOGIN, **roles) -> dict:
    expect = dict.fromkeys(SIGNED_IN, default)
    expect["anonymous"] = expect["resident"] = anon
    for role, outcome in roles.items():
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        expect[role] = outcome
    return expect


@dataclass(frozen=True)
class Row:
    kwargs: dict
    expect: dict
    method: str = "GET"
    path: str = ""  # API rows: the OpenAPI path
    data: dict = field(default_factory=dict)
    allow: tuple = ()  # body rules (price / identity / contact) this row may break, with a comment why


def R(kwargs: dict, expect: dict, method: str = "GET", *, data: dict | None = None, allow: tuple = ()) -> Row:
    return Row(kwargs=kwargs, expect=expect, method=method, data=data or {}, allow=allow)


def A(method: str, path: str, kwargs: dict, expect: dict, *, allow: tuple = ()) -> Row:
    return Row(kwargs=kwargs, expect=expect, method=method, path=path, allow=allow)


ROUTES = {
    "account_change_password": R({}, E(200)),
    "account_confirm_email": R({"key": "=not-a-real-key"}, E(200, anon=200)),
    "account_confirm_login_code": R({}, E(302)),
    "account_confirm_reauthentication_code": R({}, E(302)),
    "account_email": R({}, E(200)),
    "account_email_verification_sent": R({}, E(200, anon=200)),
    "account_inactive": R({}, E(200, anon=200)),
    "account_login": R({}, E(302, anon=200)),
    "account_logout": R({}, E(200, anon=302)),
    "account_reauthenticate": R({}, E(200)),
    "account_request_reauthentication_code": R({}, E(200)),
    "account_reset_password": R({}, E(200, anon=200)),
    "account_reset_password_done": R({}, E(200, anon=200)),
    "account_reset_password_from_key": R({"uidb36": "=1", "key": "=set-password"}, E(200, anon=200)),
    "account_reset_password_from_key_done": R({}, E(200, anon=200)),
    "account_set_password": R({}, E(302)),
    "account_signup": R({}, E(302, anon=200)),
    "accounts:api-token-list": R({}, E(200)),
    # Someone else's token: not found among the user's own (404), whatever the role.
    "accounts:api-token-revoke[other]": R({"token_key": "api_token_peer.token_key"}, E(404), "POST"),
    "accounts:api-token-revoke[own]": R({"token_key": "@api_token.token_key"}, E(302), "POST"),
    "accounts:invitation-accept[tampered]": R({"token": "$invitation_tampered"}, E(404, anon=404)),
    # The invitation link is the invitee's key: whoever holds it sees who invited them to which
    # organization (inviter's name, organization's name), by design.
    "accounts:invitation-accept[valid]": R({"token": "$invitation_a"}, E(200, anon=200), allow=("identity", "people")),
    "accounts:invitation-list": R({}, E(403, coordinator_a=200, coordinator_b=200, program_admin=200)),
    "accounts:invitation-revoke[a]": R({"pk": "invitation_a"}, E(404, coordinator_a=302, program_admin=302), "POST"),
    "accounts:invitation-revoke[b]": R({"pk": "invitation_b"}, E(404, coordinator_b=302, program_admin=302), "POST"),
    "accounts:membership-deactivate[a]": R(
        {"pk": "membership_a"}, E(404, responder=403, trainer=403, coordinator_a=302, program_admin=302), "POST"
    ),
    "accounts:membership-deactivate[b]": R(
        {"pk": "membership_b"}, E(404, coordinator_b=302, program_admin=302), "POST"
    ),
    "accounts:organization-detail[a]": R(
        {"slug": "org_a.slug"}, E(404, responder=200, trainer=200, coordinator_a=200, program_admin=200)
    ),
    "accounts:organization-detail[b]": R({"slug": "org_b.slug"}, E(404, coordinator_b=200, program_admin=200)),
    "accounts:organization-list": R({}, E(200)),
    "accounts:profile": R({}, E(200)),
    "api-docs": R({}, E(200, anon=200)),
    "api-schema": R({}, E(200, anon=200)),
    "core:audit-list": R({}, E(403, program_admin=200)),
    # Translation review (issue 23): translation reviewers (not a matrix column; tests/core/test_i18n.py)
    # and program admins. An empty status form marks the language a draft; an empty import is a 400.
    "core:translation-list": R({}, E(403, program_admin=200)),
    "core:translation-detail": R({"code": "=ht"}, E(403, program_admin=200)),
    "core:translation-status": R({"code": "=ht"}, E(403, program_admin=302), "POST"),
    "core:translation-import": R({"code": "=ht"}, E(403, program_admin=400), "POST"),
    "core:dashboard": R({}, E(200, anon=200)),
    "engagement:decision-create": R({}, E(403, moderator=200, program_admin=200)),
    "engagement:decision-edit": R({"pk": "draft_decision"}, E(403, moderator=200, program_admin=200)),
    "engagement:decision-list": R({}, E(403, moderator=200, program_admin=200)),
    "engagement:decision-public-list": R({}, E(200, anon=200)),
    # Published only from the preview's POST (confirm=yes): the bare POST is refused, nothing published.
    "engagement:decision-publish": R({"pk": "draft_decision"}, E(403, moderator=REFUSED, program_admin=REFUSED),
                                     "POST"),
    "engagement:feedback-create": R({}, E(200, anon=200)),
    "engagement:feedback-detail": R({"pk": "feedback_contact"}, E(403, moderator=200, program_admin=200)),
    "engagement:feedback-export": R({}, E(403, moderator=200, program_admin=200)),
    "engagement:feedback-list": R({}, E(403, moderator=200, program_admin=200)),
    "engagement:feedback-staff-create": R({}, E(403, moderator=200, program_admin=200)),
    "engagement:open-data-export": R({}, E(200, anon=200)),
    "engagement:privacy-forget": R({}, E(200, anon=200)),
    "engagement:privacy-forget-confirm[bogus]": R({"token": "$registration_tampered"}, E(404, anon=404)),
    "engagement:registration-cancel[other]": R({"token": "$registration_swapped"}, E(404, anon=404)),
    "engagement:registration-cancel[own]": R({"token": "$registration_own"}, E(200, anon=200)),
    "engagement:registration-cancel[tampered]": R({"token": "$registration_tampered"}, E(404, anon=404)),
    # A registration link works for whoever holds it (residents have no account); the resident's
    # link pointed at another registration fails the code check: 404, as a forged one.
    "engagement:registration-detail[other]": R({"token": "$registration_swapped"}, E(404, anon=404)),
    "engagement:registration-detail[own]": R({"token": "$registration_own"}, E(200, anon=200)),
    "engagement:registration-detail[tampered]": R({"token": "$registration_tampered"}, E(404, anon=404)),
    "engagement:registration-erase[other]": R({"token": "$registration_swapped"}, E(404, anon=404)),
    "engagement:registration-erase[own]": R({"token": "$registration_own"}, E(200, anon=200)),
    "engagement:registration-erase[tampered]": R({"token": "$registration_tampered"}, E(404, anon=404)),
    "engagement:session-detail[draft]": R({"pk": "draft_community_session"}, E(404, anon=404)),
    "engagement:session-detail[published]": R({"pk": "community_session"}, E(200, anon=200)),
    "engagement:session-ics[draft]": R({"pk": "draft_community_session"}, E(404, anon=404)),
    "engagement:session-ics[published]": R({"pk": "community_session"}, E(200, anon=200)),
    "engagement:session-list": R({}, E(200, anon=200)),
    "engagement:session-register[draft]": R({"pk": "draft_community_session"}, E(404, anon=404)),
    "engagement:session-register[published]": R({"pk": "community_session"}, E(200, anon=200)),
    "engagement:staff-check-in": R({"pk": "community_session"}, E(403, moderator=200, program_admin=200)),
    "engagement:staff-session-cancel": R(
        {"pk": "community_session"}, E(403, moderator=REFUSED, program_admin=REFUSED), "POST"
    ),
    "engagement:staff-session-close": R({"pk": "community_session"}, E(403, moderator=200, program_admin=200)),
    "engagement:staff-session-create": R({}, E(403, moderator=200, program_admin=200)),
    "engagement:staff-session-detail": R({"pk": "community_session"}, E(403, moderator=200, program_admin=200)),
    "engagement:staff-session-edit": R({"pk": "community_session"}, E(403, moderator=200, program_admin=200)),
    "engagement:staff-session-list": R({}, E(403, moderator=200, program_admin=200)),
    "engagement:staff-session-publish": R(
        {"pk": "community_session"}, E(403, moderator=302, program_admin=302), "POST"
    ),
    "engagement:staff-task-complete": R({"pk": "staff_task"}, E(403, moderator=302, program_admin=302), "POST"),
    "engagement:theme-list": R({}, E(403, moderator=200, program_admin=200)),
    "engagement:theme-detail": R({"pk": "theme"}, E(403, moderator=200, program_admin=200)),
    "healthz": R({}, E(200, anon=200)),
    # Installable on a phone (apps/core/installable.py) and the favicon redirect: open to all, nothing personal.
    "favicon": R({}, E(302, anon=302)),  # the matrix reads every plain redirect as 302; it is a 301
    "manifest": R({}, E(200, anon=200)),
    "service-worker": R({}, E(200, anon=200)),
    "offline": R({}, E(200, anon=200)),
    "mfa_activate_totp": R({}, E(302)),
    "mfa_authenticate": R({}, E(302)),
    "mfa_deactivate_totp": R(
        {},
        E(
            302,
            no_membership=404,
            responder=404,
            trainer=404,
            coordinator_a=404,
            coordinator_b=404,
            program_evaluator=404,
        ),
    ),
    "mfa_download_recovery_codes": R({}, E(404)),
    "mfa_generate_recovery_codes": R({}, E(302)),
    "mfa_index": R({}, E(200)),
    "mfa_reauthenticate": R(
        {},
        E(
            200,
            no_membership=302,
            responder=302,
            trainer=302,
            coordinator_a=302,
            coordinator_b=302,
            program_evaluator=302,
        ),
    ),
    "mfa_view_recovery_codes": R({}, E(404)),
    "notifications:inbox": R({}, E(200)),
    "notifications:mark-all-read": R({}, E(302), "POST"),
    "notifications:mark-read[a]": R({"pk": "notification_a"}, E(404, responder=302), "POST"),
    "notifications:mark-read[b]": R({"pk": "notification_b"}, E(404), "POST"),
    "notifications:preferences": R({}, E(200)),
    "notifications:unsubscribe[tampered]": R({"token": "$unsubscribe_tampered"}, E(404, anon=404)),
    # One-click unsubscribe from an email: the signed link is the authority, for anyone holding it.
    "notifications:unsubscribe[valid]": R({"token": "$unsubscribe"}, E(200, anon=200)),
    # Operations (BOARD). The on-duty board: program admins and dispatchers see every organization's teams,
    # coordinators their own; to anyone else it is a page they may not use, 403.
    "operations:board": R({}, E(403, coordinator_a=200, coordinator_b=200, program_admin=200, dispatcher=200)),
    "operations:board-live": R({}, E(403, coordinator_a=200, coordinator_b=200, program_admin=200,
                                     dispatcher=200)),
    # A team's status: set by a member of the shift (the responder holds assignment_a, not checked in, three
    # days ahead: refused). Its organization's coordinator, the program admin and the dispatcher (read only)
    # see the shift: 403.
    "operations:team-status[a]": R(
        {"pk": "shift_a"}, E(404, responder=REFUSED, coordinator_a=403, program_admin=403, dispatcher=403), "POST"
    ),
    "operations:team-status[b]": R({"pk": "shift_b"}, E(404, coordinator_b=403, program_admin=403, dispatcher=403),
                                   "POST"),
    # --- issue 22, DISPATCH: the dispatch system's service tokens, the program admin's alone (a role that lacks
    # the pages as a whole is refused before any lookup). The POST rows send an empty form: re-shown with its
    # errors (200), no token made; revoking needs no field (302, revoked).
    "operations:service-token-create": R({}, E(403, program_admin=200)),
    "operations:service-token-create[post]": R({}, E(403, program_admin=200), "POST"),
    "operations:service-token-list": R({}, E(403, program_admin=200)),
    "operations:service-token-revoke": R({"pk": "service_token"}, E(403, program_admin=200)),
    "operations:service-token-revoke[post]": R({"pk": "service_token"}, E(403, program_admin=302), "POST"),
    # ENCOUNTERS: the log is the nonprofits' (a responder sees what they recorded; the world's responder has no
    # shift open for recording now, so the form is refused); the de-identified evaluation is program staff's.
    "operations:encounter-create": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    # An empty form: a coordinator gets the form back with its errors (400), nothing recorded.
    "operations:encounter-create[post]": R({}, E(403, coordinator_a=400, coordinator_b=400), "POST"),
    "operations:encounter-detail[a]": R({"pk": "encounter_a"}, E(404, coordinator_a=200)),
    "operations:encounter-detail[b]": R({"pk": "encounter_b"}, E(404, coordinator_b=200)),
    "operations:encounter-list": R({}, E(403, responder=200, coordinator_a=200, coordinator_b=200)),
    "operations:evaluation": R({}, E(403, program_evaluator=200, program_admin=200)),
    "operations:evaluation-aggregate": R({}, E(403, program_evaluator=200, program_admin=200)),
    "operations:evaluation-dictionary": R({}, E(403, program_evaluator=200, program_admin=200)),
    "operations:evaluation-export": R({}, E(403, program_evaluator=200, program_admin=200)),
    "procurement:addendum-acknowledge[a]": R(
        {"pk": "proposal_a", "addendum_pk": "addendum"},
        E(404, coordinator_a=REFUSED, evaluator_assigned=403, procurement_officer=403),
        "POST",
    ),
    "procurement:addendum-acknowledge[b]": R(
        {"pk": "proposal_b", "addendum_pk": "addendum"},
        E(404, coordinator_b=REFUSED, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
        "POST",
    ),
    "procurement:attachment-download[a]": R(
        {"pk": "attachment_a"}, E(404, coordinator_a=200, evaluator_assigned=200, procurement_officer=200)
    ),
    "procurement:attachment-download[sealed]": R({"pk": "sealed_attachment_a"}, E(404, coordinator_a=200)),
    "procurement:attachment-download[b]": R(
        {"pk": "attachment_b"},
        E(404, coordinator_b=200, evaluator_assigned=200, evaluator_recused=200, procurement_officer=200),
    ),
    "procurement:award": R({"pk": "solicitation"}, E(403, procurement_officer=REFUSED), "POST"),
    "procurement:award-recommend": R({"pk": "solicitation"}, E(403, procurement_officer=REFUSED), "POST"),
    "procurement:clarification-answer": R(
        {"pk": "solicitation", "clarification_pk": "clarification"}, E(403, procurement_officer=REFUSED), "POST"
    ),
    "procurement:clarification-create": R(
        {"reference": "sealed_solicitation.reference"}, E(403, coordinator_a=REFUSED, coordinator_b=REFUSED), "POST"
    ),
    "procurement:consensus": R({"pk": "solicitation"}, E(403, procurement_officer=REFUSED)),
    "procurement:consensus-record[a]": R(
        {"pk": "solicitation", "proposal_pk": "proposal_a", "criterion_pk": "criterion"},
        E(403, procurement_officer=REFUSED),
        "POST",
    ),
    "procurement:consensus-record[b]": R(
        {"pk": "solicitation", "proposal_pk": "proposal_b", "criterion_pk": "criterion"},
        E(403, procurement_officer=REFUSED),
        "POST",
    ),
    "procurement:document-download": R({"reference": "solicitation.reference", "pk": "document"}, E(200, anon=200)),
    "procurement:evaluation-attest": R(
        {"pk": "solicitation"},
        E(403, evaluator_assigned=REFUSED, evaluator_unassigned=404, evaluator_recused=REFUSED),
        "POST",
    ),
    # Evaluation pages: other roles are refused at the role gate (403) before any object is read;
    # an evaluator not on this committee gets 404 (the solicitation is not theirs to evaluate).
    "procurement:evaluation-detail": R(
        {"pk": "solicitation"}, E(403, evaluator_assigned=200, evaluator_unassigned=404, evaluator_recused=200)
    ),
    "procurement:evaluation-list": R(
        {}, E(403, evaluator_assigned=200, evaluator_unassigned=200, evaluator_recused=200)
    ),
    "procurement:evaluation-proposal[a]": R(
        {"pk": "proposal_a"}, E(403, evaluator_assigned=200, evaluator_unassigned=404, evaluator_recused=404)
    ),
    "procurement:evaluation-proposal[b]": R(
        {"pk": "proposal_b"}, E(403, evaluator_assigned=200, evaluator_unassigned=404, evaluator_recused=200)
    ),
    "procurement:evaluation-score[a]": R(
        {"pk": "proposal_a", "criterion_pk": "criterion"},
        E(403, evaluator_assigned=REFUSED, evaluator_unassigned=404, evaluator_recused=404),
        "POST",
    ),
    "procurement:evaluation-score[b]": R(
        {"pk": "proposal_b", "criterion_pk": "criterion"},
        E(403, evaluator_assigned=REFUSED, evaluator_unassigned=404, evaluator_recused=REFUSED),
        "POST",
    ),
    # Not an evaluator: 403 whatever the proposal (the role gate comes first and says nothing of it).
    "procurement:evaluation-proposal[sealed]": R(
        {"pk": "sealed_proposal_a"}, E(403, evaluator_assigned=404, evaluator_unassigned=404, evaluator_recused=404)
    ),
    "procurement:evaluation-submit[a]": R(
        {"pk": "proposal_a"},
        E(403, evaluator_assigned=REFUSED, evaluator_unassigned=404, evaluator_recused=404),
        "POST",
    ),
    "procurement:evaluation-submit[b]": R(
        {"pk": "proposal_b"},
        E(403, evaluator_assigned=REFUSED, evaluator_unassigned=404, evaluator_recused=REFUSED),
        "POST",
    ),
    "procurement:evaluator-assign": R({"pk": "solicitation"}, E(403, procurement_officer=REFUSED), "POST"),
    "procurement:procurement-file": R({"pk": "solicitation"}, E(403, procurement_officer=200)),
    "procurement:proposal-answers[a]": R(
        {"pk": "proposal_a"}, E(404, coordinator_a=REFUSED, evaluator_assigned=403, procurement_officer=403), "POST"
    ),
    "procurement:proposal-answers[b]": R(
        {"pk": "proposal_b"},
        E(404, coordinator_b=REFUSED, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
        "POST",
    ),
    "procurement:proposal-answers[sealed]": R({"pk": "sealed_proposal_a"}, E(404, coordinator_a=302), "POST"),
    "procurement:proposal-attachment-add[a]": R(
        {"pk": "proposal_a"}, E(404, coordinator_a=400, evaluator_assigned=403, procurement_officer=403), "POST"
    ),
    "procurement:proposal-attachment-add[b]": R(
        {"pk": "proposal_b"},
        E(404, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
        "POST",
    ),
    "procurement:proposal-attachment-add[sealed]": R({"pk": "sealed_proposal_a"}, E(404, coordinator_a=400), "POST"),
    "procurement:proposal-attachment-remove[a]": R(
        {"pk": "proposal_a", "attachment_pk": "attachment_a"},
        E(404, coordinator_a=REFUSED, evaluator_assigned=403, procurement_officer=403),
        "POST",
    ),
    "procurement:proposal-attachment-remove[b]": R(
        {"pk": "proposal_b", "attachment_pk": "attachment_b"},
        E(404, coordinator_b=REFUSED, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
        "POST",
    ),
    "procurement:proposal-detail[a]": R(
        {"pk": "proposal_a"}, E(404, coordinator_a=200, evaluator_assigned=403, procurement_officer=403)
    ),
    "procurement:proposal-detail[b]": R(
        {"pk": "proposal_b"},
        E(404, coordinator_b=200, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "procurement:proposal-detail[sealed]": R({"pk": "sealed_proposal_a"}, E(404, coordinator_a=200)),
    "procurement:proposal-list": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "procurement:proposal-price[a]": R(
        {"pk": "proposal_a"}, E(404, coordinator_a=400, evaluator_assigned=403, procurement_officer=403), "POST"
    ),
    "procurement:proposal-price[b]": R(
        {"pk": "proposal_b"},
        E(404, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
        "POST",
    ),
    "procurement:proposal-price[sealed]": R({"pk": "sealed_proposal_a"}, E(404, coordinator_a=400), "POST"),
    "procurement:proposal-review[a]": R({"pk": "proposal_a"}, E(403, procurement_officer=200)),
    "procurement:proposal-review[b]": R({"pk": "proposal_b"}, E(403, procurement_officer=200)),
    "procurement:proposal-review[sealed]": R({"pk": "sealed_proposal_a"}, E(403, procurement_officer=404)),
    "procurement:proposal-start": R(
        {"reference": "sealed_solicitation.reference"},
        E(403, coordinator_a=302, coordinator_b=404),
        "POST",
        data={"organization": "org_a"},
    ),
    "procurement:proposal-submit[a]": R(
        {"pk": "proposal_a"}, E(404, coordinator_a=REFUSED, evaluator_assigned=403, procurement_officer=403), "POST"
    ),
    "procurement:proposal-submit[b]": R(
        {"pk": "proposal_b"},
        E(404, coordinator_b=REFUSED, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
        "POST",
    ),
    "procurement:proposal-submit[sealed]": R({"pk": "sealed_proposal_a"}, E(404, coordinator_a=302), "POST"),
    "procurement:proposal-withdraw[a]": R(
        {"pk": "proposal_a"}, E(404, coordinator_a=REFUSED, evaluator_assigned=403, procurement_officer=403), "POST"
    ),
    "procurement:proposal-withdraw[b]": R(
        {"pk": "proposal_b"},
        E(404, coordinator_b=REFUSED, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
        "POST",
    ),
    "procurement:proposal-withdraw[sealed]": R({"pk": "sealed_proposal_a"}, E(404, coordinator_a=302), "POST"),
    "procurement:responsiveness-record[a]": R({"pk": "proposal_a"}, E(403, procurement_officer=REFUSED), "POST"),
    "procurement:responsiveness-record[b]": R({"pk": "proposal_b"}, E(403, procurement_officer=REFUSED), "POST"),
    "procurement:solicitation-cancel": R({"pk": "solicitation"}, E(403, procurement_officer=REFUSED), "POST"),
    # The matrix's solicitation is in evaluation, so the consensus confirmation page is the one that applies.
    "procurement:solicitation-confirm": R(
        {"pk": "solicitation", "action": "=consensus-start"}, E(403, procurement_officer=200)
    ),
    "procurement:solicitation-create": R({}, E(403, procurement_officer=200)),
    "procurement:solicitation-detail[eval]": R({"reference": "solicitation.reference"}, E(200, anon=200)),
    "procurement:solicitation-detail[sealed]": R({"reference": "sealed_solicitation.reference"}, E(200, anon=200)),
    "procurement:solicitation-edit": R({"pk": "solicitation"}, E(403, procurement_officer=REFUSED)),
    "procurement:solicitation-item-add": R(
        {"pk": "solicitation", "item": "=criterion"}, E(403, procurement_officer=REFUSED), "POST"
    ),
    "procurement:solicitation-item-remove": R(
        {"pk": "solicitation", "item": "=criterion", "item_pk": "criterion"},
        E(403, procurement_officer=REFUSED),
        "POST",
    ),
    "procurement:solicitation-list": R({}, E(200, anon=200)),
    "procurement:solicitation-manage": R({"pk": "solicitation"}, E(403, procurement_officer=200)),
    "procurement:solicitation-manage-list": R({}, E(403, procurement_officer=200)),
    "procurement:solicitation-transition": R(
        {"pk": "solicitation", "action": "=consensus-start"}, E(403, procurement_officer=REFUSED), "POST"
    ),
    "reports:report-create": R(
        {"kind": "=training_compliance"}, E(403, trainer=200, coordinator_a=200, coordinator_b=200, program_admin=200)
    ),
    "reports:report-detail[a]": R({"pk": "report_a"}, E(404, coordinator_a=200)),
    "reports:report-detail[b]": R({"pk": "report_b"}, E(404, coordinator_b=200)),
    "reports:report-download[a]": R({"pk": "report_a"}, E(404, coordinator_a=200)),
    "reports:report-download[b]": R({"pk": "report_b"}, E(404, coordinator_b=200)),
    "reports:report-preview[a]": R({"pk": "report_a"}, E(404, coordinator_a=200)),
    "reports:report-preview[b]": R({"pk": "report_b"}, E(404, coordinator_b=200)),
    "reports:report-kind-list": R(
        {}, E(200, no_membership=403, evaluator_assigned=403, evaluator_unassigned=403, evaluator_recused=403,
              dispatcher=403)  # the dispatcher has no report kind: the monthly figures are the program's
    ),
    "reports:report-list": R({}, E(200)),
    "reports:report-rerun[a]": R({"pk": "report_a"}, E(404, coordinator_a=REFUSED), "POST"),
    "reports:report-rerun[b]": R({"pk": "report_b"}, E(404, coordinator_b=REFUSED), "POST"),
    "reports:report-status[a]": R({"pk": "report_a"}, E(404, coordinator_a=200)),
    "reports:report-status[b]": R({"pk": "report_b"}, E(404, coordinator_b=200)),
    "reports:subscription-set": R(
        {"kind": "=program_monthly"}, E(403, program_evaluator=302, program_admin=302), "POST", data={"active": "=1"}
    ),
    "scheduling:board": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:board-publish": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:position-candidates[a]": R({"pk": "position_a"}, E(404, responder=403, coordinator_a=200,
                                                                    program_admin=403)),
    "scheduling:position-candidates[b]": R({"pk": "position_b"}, E(404, coordinator_b=200, program_admin=403)),
    "scheduling:assignment-cancel[a]": R(
        {"pk": "assignment_a"}, E(404, responder=302, coordinator_a=302, program_admin=403), "POST"
    ),
    "scheduling:assignment-cancel[b]": R({"pk": "assignment_b"}, E(404, coordinator_b=302, program_admin=403), "POST"),
    "scheduling:assignment-check-in[a]": R(
        {"pk": "assignment_a"}, E(404, responder=REFUSED, coordinator_a=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:assignment-check-in[b]": R(
        {"pk": "assignment_b"}, E(404, coordinator_b=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:assignment-check-out[a]": R(
        {"pk": "assignment_a"}, E(404, responder=REFUSED, coordinator_a=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:assignment-check-out[b]": R(
        {"pk": "assignment_b"}, E(404, coordinator_b=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:assignment-hours[a]": R(
        {"pk": "assignment_a"}, E(404, responder=403, coordinator_a=400, program_admin=403), "POST"
    ),
    "scheduling:assignment-hours[b]": R(
        {"pk": "assignment_b"}, E(404, coordinator_b=400, program_admin=403), "POST"
    ),
    "scheduling:assignment-no-show[a]": R(
        {"pk": "assignment_a"}, E(404, responder=403, coordinator_a=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:assignment-no-show[b]": R(
        {"pk": "assignment_b"}, E(404, coordinator_b=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:availability": R({}, E(403, responder=200)),
    "scheduling:availability-delete[a]": R({"pk": "availability_a"}, E(404, responder=302), "POST"),
    "scheduling:availability-delete[b]": R({"pk": "availability_b"}, E(404), "POST"),
    "scheduling:calendar": R({}, E(403, responder=200)),
    "scheduling:coverage": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:ical[bogus]": R({"token": "=not-a-feed-token"}, E(404, anon=404)),
    # The calendar feed URL is the responder's secret: calendar apps fetch it without a session.
    "scheduling:ical[valid]": R({"token": "feed_a.token"}, E(200, anon=200)),
    "scheduling:my-shifts": R({}, E(403, responder=200)),
    "scheduling:open-shifts": R({}, E(403, responder=200)),
    "scheduling:position-assign[a]": R(
        {"pk": "position_a"}, E(404, responder=403, coordinator_a=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:position-assign[b]": R({"pk": "position_b"}, E(404, coordinator_b=REFUSED, program_admin=403), "POST"),
    "scheduling:position-sign-up[a]": R(
        {"pk": "position_a"}, E(404, responder=REFUSED, coordinator_a=403, program_admin=403), "POST"
    ),
    "scheduling:position-sign-up[b]": R({"pk": "position_b"}, E(404, coordinator_b=403, program_admin=403), "POST"),
    "scheduling:schedule": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:shift-cancel[a]": R(
        {"pk": "shift_a"}, E(404, responder=403, coordinator_a=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:shift-cancel[b]": R({"pk": "shift_b"}, E(404, coordinator_b=REFUSED, program_admin=403), "POST"),
    "scheduling:shift-create": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:shift-detail[a]": R({"pk": "shift_a"}, E(404, responder=200, coordinator_a=200, program_admin=200)),
    "scheduling:shift-detail[b]": R({"pk": "shift_b"}, E(404, coordinator_b=200, program_admin=200)),
    # An empty form re-renders the shift page with the errors tied to the fields: 400.
    "scheduling:shift-reschedule[a]": R(
        {"pk": "shift_a"}, E(404, responder=403, coordinator_a=400, program_admin=403), "POST"
    ),
    "scheduling:shift-reschedule[b]": R({"pk": "shift_b"}, E(404, coordinator_b=400, program_admin=403), "POST"),
    "scheduling:shift-publish[a]": R(
        {"pk": "shift_a"}, E(404, responder=403, coordinator_a=302, program_admin=403), "POST"
    ),
    "scheduling:shift-publish[b]": R({"pk": "shift_b"}, E(404, coordinator_b=302, program_admin=403), "POST"),
    "scheduling:swap-accept[a]": R(
        {"pk": "swap_a"}, E(404, responder=403, coordinator_a=403, program_admin=403), "POST"
    ),
    "scheduling:swap-accept[b]": R({"pk": "swap_b"}, E(404, coordinator_b=403, program_admin=403), "POST"),
    "scheduling:swap-decide[a]": R(
        {"pk": "swap_a"}, E(404, responder=403, coordinator_a=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:swap-decide[b]": R({"pk": "swap_b"}, E(404, coordinator_b=REFUSED, program_admin=403), "POST"),
    "scheduling:swap-list": R({}, E(403, responder=200, coordinator_a=200, coordinator_b=200)),
    "scheduling:swap-offer[a]": R(
        {"pk": "assignment_a"}, E(404, responder=REFUSED, coordinator_a=403, program_admin=403), "POST"
    ),
    "scheduling:swap-offer[b]": R({"pk": "assignment_b"}, E(404, coordinator_b=403, program_admin=403), "POST"),
    "scheduling:swap-withdraw[a]": R(
        {"pk": "swap_a"}, E(404, responder=302, coordinator_a=403, program_admin=403), "POST"
    ),
    "scheduling:swap-withdraw[b]": R({"pk": "swap_b"}, E(404, coordinator_b=403, program_admin=403), "POST"),
    "scheduling:team-list": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:template-create": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:template-generate[a]": R({"pk": "template_a"}, E(404, coordinator_a=200)),
    "scheduling:template-generate[b]": R({"pk": "template_b"}, E(404, coordinator_b=200)),
    "scheduling:time-off": R({}, E(403, responder=200, coordinator_a=200, coordinator_b=200)),
    "scheduling:time-off-decide[a]": R(
        {"pk": "time_off_a"}, E(404, responder=403, coordinator_a=302, program_admin=403), "POST"
    ),
    "scheduling:time-off-decide[b]": R({"pk": "time_off_b"}, E(404, coordinator_b=302, program_admin=403), "POST"),
    "scheduling:time-off-withdraw[a]": R(
        {"pk": "time_off_a"}, E(404, responder=302, coordinator_a=403, program_admin=403), "POST"
    ),
    "scheduling:time-off-withdraw[b]": R({"pk": "time_off_b"}, E(404, coordinator_b=403, program_admin=403), "POST"),
    "scheduling:timesheet": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:week-publish[a]": R(
        {},
        E(404, responder=403, coordinator_a=302, program_admin=403),
        "POST",
        data={"team": "team_a", "week": "$week"},
    ),
    "scheduling:week-publish[b]": R(
        {}, E(404, coordinator_b=302, program_admin=403), "POST", data={"team": "team_b", "week": "$week"}
    ),
    # The auto-roster: a run (a proposal ready for a decision) is its organization's coordinators' only;
    # anyone else, responders included, gets a 404. Accepting an empty proposal is done (302).
    "scheduling:roster": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    "scheduling:roster-run[a]": R({"pk": "roster_run_a"}, E(404, coordinator_a=200)),
    "scheduling:roster-run[b]": R({"pk": "roster_run_b"}, E(404, coordinator_b=200)),
    "scheduling:roster-run-status[a]": R({"pk": "roster_run_a"}, E(404, coordinator_a=200)),
    "scheduling:roster-run-status[b]": R({"pk": "roster_run_b"}, E(404, coordinator_b=200)),
    "scheduling:roster-run-accept[a]": R({"pk": "roster_run_a"}, E(404, coordinator_a=302), "POST"),
    "scheduling:roster-run-accept[b]": R({"pk": "roster_run_b"}, E(404, coordinator_b=302), "POST"),
    "scheduling:roster-run-cancel[a]": R({"pk": "roster_run_a"}, E(404, coordinator_a=302), "POST"),
    "scheduling:roster-run-cancel[b]": R({"pk": "roster_run_b"}, E(404, coordinator_b=302), "POST"),
    # The world's assignments are not call-outs: the coordinator is told why (refused); the responder sees
    # their own assignment but may not refill it (403).
    "scheduling:assignment-repair[a]": R(
        {"pk": "assignment_a"}, E(404, responder=403, coordinator_a=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:assignment-repair[b]": R(
        {"pk": "assignment_b"}, E(404, coordinator_b=REFUSED, program_admin=403), "POST"
    ),
    "scheduling:roster-profile": R({}, E(403, responder=200)),
    "scheduling:roster-people": R({}, E(403, coordinator_a=200, coordinator_b=200)),
    # A responder membership's preferences, edited by a coordinator of that organization.
    "scheduling:roster-profile-member[a]": R({"pk": "membership_a"}, E(404, coordinator_a=200)),
    "scheduling:roster-profile-member[b]": R({"pk": "membership_b"}, E(404, coordinator_b=200)),
    "set_language": R({}, E(302, anon=302)),
    "training:course-list": R({}, E(200)),
    "training:enrollment-assess[a]": R(
        {"pk": "enrollment_a"},
        E(404, responder=403, trainer=REFUSED, coordinator_a=REFUSED, program_admin=REFUSED),
        "POST",
    ),
    "training:enrollment-assess[b]": R(
        {"pk": "enrollment_b"}, E(404, coordinator_b=REFUSED, program_admin=REFUSED), "POST"
    ),
    "training:enrollment-attendance[a]": R(
        {"pk": "enrollment_a"},
        E(404, responder=403, trainer=REFUSED, coordinator_a=REFUSED, program_admin=REFUSED),
        "POST",
    ),
    "training:enrollment-attendance[b]": R(
        {"pk": "enrollment_b"}, E(404, coordinator_b=REFUSED, program_admin=REFUSED), "POST"
    ),
    "training:enrollment-withdraw[a]": R(
        {"pk": "enrollment_a"}, E(404, responder=302, trainer=302, coordinator_a=302, program_admin=302), "POST"
    ),
    "training:enrollment-withdraw[b]": R({"pk": "enrollment_b"}, E(404, coordinator_b=302, program_admin=302), "POST"),
    "training:expiring-list": R({}, E(403, trainer=200, coordinator_a=200, coordinator_b=200, program_admin=200)),
    "training:field-hours": R({}, E(200)),
    "training:field-hours-sign-off[a]": R(
        {"pk": "field_hours_a"}, E(404, responder=403, trainer=REFUSED, coordinator_a=403, program_admin=403), "POST"
    ),
    "training:field-hours-sign-off[b]": R(
        {"pk": "field_hours_b"}, E(404, coordinator_b=403, program_admin=403), "POST"
    ),
    "training:my-training": R({}, E(403, responder=200)),
    "training:readiness-export": R({}, E(403, trainer=200, coordinator_a=200, coordinator_b=200, program_admin=200)),
    "training:readiness-matrix": R({}, E(403, trainer=200, coordinator_a=200, coordinator_b=200, program_admin=200)),
    "training:record-create": R({}, E(403, responder=200)),
    "training:record-detail[a]": R(
        {"pk": "record_a"}, E(404, responder=200, trainer=200, coordinator_a=200, program_admin=200)
    ),
    "training:record-detail[b]": R({"pk": "record_b"}, E(404, coordinator_b=200, program_admin=200)),
    "training:record-evidence[a]": R(
        {"pk": "record_a"}, E(404, responder=200, trainer=200, coordinator_a=200, program_admin=200)
    ),
    "training:record-evidence[b]": R({"pk": "record_b"}, E(404, coordinator_b=200, program_admin=200)),
    "training:record-import": R({}, E(403, trainer=200, coordinator_a=200, coordinator_b=200)),
    "training:record-import-confirm": R({}, E(403, trainer=400, coordinator_a=400, coordinator_b=400), "POST"),
    "training:record-import-template": R({}, E(403, trainer=200, coordinator_a=200, coordinator_b=200)),
    "training:record-reject[a]": R(
        {"pk": "record_a"}, E(404, responder=403, trainer=400, coordinator_a=400, program_admin=403), "POST"
    ),
    "training:record-reject[b]": R({"pk": "record_b"}, E(404, coordinator_b=400, program_admin=403), "POST"),
    "training:record-verify[a]": R(
        {"pk": "record_a"}, E(404, responder=403, trainer=302, coordinator_a=302, program_admin=403), "POST"
    ),
    "training:record-verify[b]": R({"pk": "record_b"}, E(404, coordinator_b=302, program_admin=403), "POST"),
    "training:requirement-list": R({}, E(200)),
    "training:session-cancel[a]": R(
        {"pk": "training_session_a"}, E(404, responder=403, trainer=302, coordinator_a=302, program_admin=302), "POST"
    ),
    "training:session-cancel[b]": R({"pk": "training_session_b"}, E(404, coordinator_b=302, program_admin=302), "POST"),
    "training:session-create": R({}, E(403, trainer=200, coordinator_a=200, coordinator_b=200)),
    "training:session-detail[a]": R(
        {"pk": "training_session_a"}, E(404, responder=200, trainer=200, coordinator_a=200, program_admin=200)
    ),
    "training:session-detail[b]": R({"pk": "training_session_b"}, E(404, coordinator_b=200, program_admin=200)),
    "training:session-enroll[a]": R(
        {"pk": "training_session_a"},
        E(404, responder=REFUSED, trainer=REFUSED, coordinator_a=REFUSED, program_admin=REFUSED),
        "POST",
    ),
    "training:session-enroll[b]": R(
        {"pk": "training_session_b"}, E(404, coordinator_b=REFUSED, program_admin=REFUSED), "POST"
    ),
    "training:session-list": R({}, E(200)),
    "training:verification-queue": R({}, E(403, trainer=200, coordinator_a=200, coordinator_b=200)),
}

API = {
    "GET /api/v1/audit-events/": A("GET", "/api/v1/audit-events/", {}, E(403, anon=401, program_admin=200)),
    "GET /api/v1/audit-events/{id}/[a]": A(
        "GET", "/api/v1/audit-events/{id}/", {"id": "audit_event_a"}, E(403, anon=401, program_admin=200)
    ),
    "GET /api/v1/audit-events/{id}/[b]": A(
        "GET", "/api/v1/audit-events/{id}/", {"id": "audit_event_b"}, E(403, anon=401, program_admin=200)
    ),
    "GET /api/v1/engagement/feedback/": A(
        "GET", "/api/v1/engagement/feedback/", {}, E(403, anon=401, moderator=200, program_admin=200)
    ),
    "GET /api/v1/engagement/feedback/{id}/": A(
        "GET",
        "/api/v1/engagement/feedback/{id}/",
        {"id": "feedback_contact"},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "GET /api/v1/engagement/sessions/": A("GET", "/api/v1/engagement/sessions/", {}, E(200, anon=200)),
    "GET /api/v1/engagement/sessions/{id}/[draft]": A(
        "GET", "/api/v1/engagement/sessions/{id}/", {"id": "draft_community_session"}, E(404, anon=404)
    ),
    "GET /api/v1/engagement/sessions/{id}/[published]": A(
        "GET", "/api/v1/engagement/sessions/{id}/", {"id": "community_session"}, E(200, anon=200)
    ),
    "GET /api/v1/invitations/": A(
        "GET", "/api/v1/invitations/", {}, E(403, anon=401, coordinator_a=200, coordinator_b=200, program_admin=200)
    ),
    "GET /api/v1/invitations/{id}/[a]": A(
        "GET",
        "/api/v1/invitations/{id}/",
        {"id": "invitation_a"},
        E(403, anon=401, coordinator_a=200, coordinator_b=404, program_admin=200),
    ),
    "GET /api/v1/invitations/{id}/[b]": A(
        "GET",
        "/api/v1/invitations/{id}/",
        {"id": "invitation_b"},
        E(403, anon=401, coordinator_a=404, coordinator_b=200, program_admin=200),
    ),
    # ENCOUNTERS: as the pages (the world's responder has no shift open for recording: 403 on POST).
    "GET /api/v1/encounters/": A("GET", "/api/v1/encounters/", {},
                                 E(403, anon=401, responder=200, coordinator_a=200, coordinator_b=200)),
    "POST /api/v1/encounters/": A("POST", "/api/v1/encounters/", {},
                                  E(403, anon=401, coordinator_a=400, coordinator_b=400)),
    "GET /api/v1/encounters/{id}/[a]": A("GET", "/api/v1/encounters/{id}/", {"id": "encounter_a"},
                                         E(404, anon=401, coordinator_a=200)),
    "GET /api/v1/encounters/{id}/[b]": A("GET", "/api/v1/encounters/{id}/", {"id": "encounter_b"},
                                         E(404, anon=401, coordinator_b=200)),
    "GET /api/v1/languages/": A("GET", "/api/v1/languages/", {}, E(200, anon=200)),
    "GET /api/v1/languages/{id}/": A("GET", "/api/v1/languages/{id}/", {"id": "language"}, E(200, anon=200)),
    "GET /api/v1/me/": A("GET", "/api/v1/me/", {}, E(200, anon=401)),
    "GET /api/v1/memberships/": A("GET", "/api/v1/memberships/", {}, E(200, anon=401)),
    "GET /api/v1/memberships/{id}/[a]": A(
        "GET",
        "/api/v1/memberships/{id}/",
        {"id": "membership_a"},
        E(404, anon=401, responder=200, trainer=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/memberships/{id}/[b]": A(
        "GET",
        "/api/v1/memberships/{id}/",
        {"id": "membership_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "GET /api/v1/neighborhoods/": A("GET", "/api/v1/neighborhoods/", {}, E(200, anon=200)),
    "GET /api/v1/neighborhoods/{id}/": A(
        "GET", "/api/v1/neighborhoods/{id}/", {"id": "neighborhood"}, E(200, anon=200)
    ),
    "GET /api/v1/notification-preferences/": A("GET", "/api/v1/notification-preferences/", {}, E(200, anon=401)),
    "GET /api/v1/notifications/": A("GET", "/api/v1/notifications/", {}, E(200, anon=401)),
    "GET /api/v1/notifications/{id}/[a]": A(
        "GET", "/api/v1/notifications/{id}/", {"id": "notification_a"}, E(404, anon=401, responder=200)
    ),
    "GET /api/v1/notifications/{id}/[b]": A(
        "GET", "/api/v1/notifications/{id}/", {"id": "notification_b"}, E(404, anon=401)
    ),
    "GET /api/v1/organizations/": A("GET", "/api/v1/organizations/", {}, E(200, anon=401)),
    "GET /api/v1/organizations/{slug}/[a]": A(
        "GET",
        "/api/v1/organizations/{slug}/",
        {"slug": "org_a.slug"},
        E(404, anon=401, responder=200, trainer=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/organizations/{slug}/[b]": A(
        "GET",
        "/api/v1/organizations/{slug}/",
        {"slug": "org_b.slug"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "GET /api/v1/organizations/{slug}/members/[a]": A(
        "GET",
        "/api/v1/organizations/{slug}/members/",
        {"slug": "org_a.slug"},
        E(404, anon=401, responder=200, trainer=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/organizations/{slug}/members/[b]": A(
        "GET",
        "/api/v1/organizations/{slug}/members/",
        {"slug": "org_b.slug"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "POST /api/v1/operations/shifts/{id}/status/[a]": A(
        "POST",
        "/api/v1/operations/shifts/{id}/status/",
        {"id": "shift_a"},
        E(404, anon=401, responder=400, coordinator_a=403, program_admin=403, dispatcher=403),
    ),
    "POST /api/v1/operations/shifts/{id}/status/[b]": A(
        "POST",
        "/api/v1/operations/shifts/{id}/status/",
        {"id": "shift_b"},
        E(404, anon=401, coordinator_b=403, program_admin=403, dispatcher=403),
    ),
    "GET /api/v1/procurement/proposals/": A("GET", "/api/v1/procurement/proposals/", {}, E(200, anon=401)),
    "GET /api/v1/procurement/proposals/{id}/[a]": A(
        "GET",
        "/api/v1/procurement/proposals/{id}/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=200, evaluator_assigned=200, procurement_officer=200),
    ),
    "GET /api/v1/procurement/proposals/{id}/[b]": A(
        "GET",
        "/api/v1/procurement/proposals/{id}/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=200, evaluator_assigned=200, evaluator_recused=200, procurement_officer=200),
    ),
    "GET /api/v1/procurement/proposals/{id}/[sealed]": A(
        "GET", "/api/v1/procurement/proposals/{id}/", {"id": "sealed_proposal_a"}, E(404, anon=401, coordinator_a=200)
    ),
    # The price wall: evaluators see the proposal but never its price envelope (403); the officer
    # only after the price opening, which this solicitation has not reached (403).
    "GET /api/v1/procurement/proposals/{id}/price/[a]": A(
        "GET",
        "/api/v1/procurement/proposals/{id}/price/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=200, evaluator_assigned=403, procurement_officer=403),
    ),
    "GET /api/v1/procurement/proposals/{id}/price/[b]": A(
        "GET",
        "/api/v1/procurement/proposals/{id}/price/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=200, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "GET /api/v1/procurement/proposals/{id}/price/[sealed]": A(
        "GET",
        "/api/v1/procurement/proposals/{id}/price/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=200),
    ),
    "GET /api/v1/procurement/scores/": A("GET", "/api/v1/procurement/scores/", {}, E(200, anon=401)),
    # An evaluator's own score; the officer reads submitted scores only once consensus starts.
    "GET /api/v1/procurement/scores/{id}/": A(
        "GET", "/api/v1/procurement/scores/{id}/", {"id": "score"}, E(404, anon=401, evaluator_assigned=200)
    ),
    "GET /api/v1/procurement/solicitations/": A("GET", "/api/v1/procurement/solicitations/", {}, E(200, anon=200)),
    "GET /api/v1/procurement/solicitations/{reference}/[eval]": A(
        "GET",
        "/api/v1/procurement/solicitations/{reference}/",
        {"reference": "solicitation.reference"},
        E(200, anon=200),
    ),
    "GET /api/v1/procurement/solicitations/{reference}/[sealed]": A(
        "GET",
        "/api/v1/procurement/solicitations/{reference}/",
        {"reference": "sealed_solicitation.reference"},
        E(200, anon=200),
    ),
    "GET /api/v1/reports/": A("GET", "/api/v1/reports/", {}, E(200, anon=401)),
    "GET /api/v1/reports/{id}/[a]": A(
        "GET", "/api/v1/reports/{id}/", {"id": "report_a"}, E(404, anon=401, coordinator_a=200)
    ),
    "GET /api/v1/reports/{id}/[b]": A(
        "GET", "/api/v1/reports/{id}/", {"id": "report_b"}, E(404, anon=401, coordinator_b=200)
    ),
    "GET /api/v1/reports/{id}/download/[a]": A(
        "GET", "/api/v1/reports/{id}/download/", {"id": "report_a"}, E(404, anon=401, coordinator_a=200)
    ),
    "GET /api/v1/reports/{id}/download/[b]": A(
        "GET", "/api/v1/reports/{id}/download/", {"id": "report_b"}, E(404, anon=401, coordinator_b=200)
    ),
    "GET /api/v1/scheduling/assignments/": A("GET", "/api/v1/scheduling/assignments/", {}, E(200, anon=401)),
    "GET /api/v1/scheduling/assignments/{id}/[a]": A(
        "GET",
        "/api/v1/scheduling/assignments/{id}/",
        {"id": "assignment_a"},
        E(404, anon=401, responder=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/assignments/{id}/[b]": A(
        "GET",
        "/api/v1/scheduling/assignments/{id}/",
        {"id": "assignment_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/eligibility/": A("GET", "/api/v1/scheduling/eligibility/", {}, E(400, anon=401)),
    "GET /api/v1/scheduling/my-shifts/": A("GET", "/api/v1/scheduling/my-shifts/", {}, E(200, anon=401)),
    "GET /api/v1/scheduling/positions/": A("GET", "/api/v1/scheduling/positions/", {}, E(200, anon=401)),
    "GET /api/v1/scheduling/positions/{id}/[a]": A(
        "GET",
        "/api/v1/scheduling/positions/{id}/",
        {"id": "position_a"},
        E(404, anon=401, responder=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/positions/{id}/[b]": A(
        "GET",
        "/api/v1/scheduling/positions/{id}/",
        {"id": "position_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/shifts/": A("GET", "/api/v1/scheduling/shifts/", {}, E(200, anon=401)),
    "GET /api/v1/scheduling/shifts/{id}/[a]": A(
        "GET",
        "/api/v1/scheduling/shifts/{id}/",
        {"id": "shift_a"},
        E(404, anon=401, responder=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/shifts/{id}/[b]": A(
        "GET",
        "/api/v1/scheduling/shifts/{id}/",
        {"id": "shift_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/swaps/": A("GET", "/api/v1/scheduling/swaps/", {}, E(200, anon=401)),
    "GET /api/v1/scheduling/swaps/{id}/[a]": A(
        "GET",
        "/api/v1/scheduling/swaps/{id}/",
        {"id": "swap_a"},
        E(404, anon=401, responder=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/swaps/{id}/[b]": A(
        "GET",
        "/api/v1/scheduling/swaps/{id}/",
        {"id": "swap_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/time-off/": A("GET", "/api/v1/scheduling/time-off/", {}, E(200, anon=401)),
    "GET /api/v1/scheduling/time-off/{id}/[a]": A(
        "GET",
        "/api/v1/scheduling/time-off/{id}/",
        {"id": "time_off_a"},
        E(404, anon=401, responder=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/scheduling/time-off/{id}/[b]": A(
        "GET",
        "/api/v1/scheduling/time-off/{id}/",
        {"id": "time_off_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    # The auto-roster is a coordinator's tool, as on the pages: 403 for anyone who coordinates nothing,
    # another organization's run a 404.
    "GET /api/v1/scheduling/roster-runs/": A(
        "GET", "/api/v1/scheduling/roster-runs/", {}, E(403, anon=401, coordinator_a=200, coordinator_b=200)
    ),
    "GET /api/v1/scheduling/roster-runs/{id}/[a]": A(
        "GET",
        "/api/v1/scheduling/roster-runs/{id}/",
        {"id": "roster_run_a"},
        E(403, anon=401, coordinator_a=200, coordinator_b=404),
    ),
    "GET /api/v1/scheduling/roster-runs/{id}/[b]": A(
        "GET",
        "/api/v1/scheduling/roster-runs/{id}/",
        {"id": "roster_run_b"},
        E(403, anon=401, coordinator_a=404, coordinator_b=200),
    ),
    # Each caller's own preferences: a row per organization they respond for (none: an empty list).
    "GET /api/v1/scheduling/roster-profiles/": A("GET", "/api/v1/scheduling/roster-profiles/", {}, E(200, anon=401)),
    "GET /api/v1/training/courses/": A("GET", "/api/v1/training/courses/", {}, E(200, anon=401)),
    "GET /api/v1/training/courses/{code}/": A(
        "GET", "/api/v1/training/courses/{code}/", {"code": "course.code"}, E(200, anon=401)
    ),
    "GET /api/v1/training/field-hours/": A("GET", "/api/v1/training/field-hours/", {}, E(200, anon=401)),
    "GET /api/v1/training/field-hours/{id}/[a]": A(
        "GET",
        "/api/v1/training/field-hours/{id}/",
        {"id": "field_hours_a"},
        E(404, anon=401, responder=200, trainer=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/training/field-hours/{id}/[b]": A(
        "GET",
        "/api/v1/training/field-hours/{id}/",
        {"id": "field_hours_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "GET /api/v1/training/readiness/": A("GET", "/api/v1/training/readiness/", {}, E(400, anon=401)),
    "GET /api/v1/training/records/": A("GET", "/api/v1/training/records/", {}, E(200, anon=401)),
    "GET /api/v1/training/records/{id}/[a]": A(
        "GET",
        "/api/v1/training/records/{id}/",
        {"id": "record_a"},
        E(404, anon=401, responder=200, trainer=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/training/records/{id}/[b]": A(
        "GET",
        "/api/v1/training/records/{id}/",
        {"id": "record_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "GET /api/v1/training/requirements/": A("GET", "/api/v1/training/requirements/", {}, E(200, anon=401)),
    "GET /api/v1/training/requirements/{id}/": A(
        "GET", "/api/v1/training/requirements/{id}/", {"id": "requirement"}, E(200, anon=401)
    ),
    "GET /api/v1/training/sessions/": A("GET", "/api/v1/training/sessions/", {}, E(200, anon=401)),
    "GET /api/v1/training/sessions/{id}/[a]": A(
        "GET",
        "/api/v1/training/sessions/{id}/",
        {"id": "training_session_a"},
        E(404, anon=401, responder=200, trainer=200, coordinator_a=200, program_admin=200),
    ),
    "GET /api/v1/training/sessions/{id}/[b]": A(
        "GET",
        "/api/v1/training/sessions/{id}/",
        {"id": "training_session_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "POST /api/v1/engagement/feedback/": A(
        "POST", "/api/v1/engagement/feedback/", {}, E(403, anon=401, moderator=400, program_admin=400)
    ),
    # Bulk moderation: the empty body is a 400 (ids and approve missing) for those who may moderate.
    "POST /api/v1/engagement/feedback/moderate/": A(
        "POST", "/api/v1/engagement/feedback/moderate/", {}, E(403, anon=401, moderator=400, program_admin=400)
    ),
    "POST /api/v1/engagement/feedback/{id}/code/": A(
        "POST",
        "/api/v1/engagement/feedback/{id}/code/",
        {"id": "feedback_contact"},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "POST /api/v1/engagement/feedback/{id}/moderate/": A(
        "POST",
        "/api/v1/engagement/feedback/{id}/moderate/",
        {"id": "feedback_contact"},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "POST /api/v1/engagement/sessions/{id}/registrations/[draft]": A(
        "POST", "/api/v1/engagement/sessions/{id}/registrations/", {"id": "draft_community_session"}, E(404, anon=404)
    ),
    "POST /api/v1/engagement/sessions/{id}/registrations/[published]": A(
        "POST", "/api/v1/engagement/sessions/{id}/registrations/", {"id": "community_session"}, E(400, anon=400)
    ),
    "POST /api/v1/invitations/": A(
        "POST", "/api/v1/invitations/", {}, E(403, anon=401, coordinator_a=400, coordinator_b=400, program_admin=400)
    ),
    "POST /api/v1/invitations/{id}/revoke/[a]": A(
        "POST",
        "/api/v1/invitations/{id}/revoke/",
        {"id": "invitation_a"},
        E(403, anon=401, coordinator_a=200, coordinator_b=404, program_admin=200),
    ),
    "POST /api/v1/invitations/{id}/revoke/[b]": A(
        "POST",
        "/api/v1/invitations/{id}/revoke/",
        {"id": "invitation_b"},
        E(403, anon=401, coordinator_a=404, coordinator_b=200, program_admin=200),
    ),
    "POST /api/v1/memberships/{id}/deactivate/[a]": A(
        "POST",
        "/api/v1/memberships/{id}/deactivate/",
        {"id": "membership_a"},
        E(404, anon=401, responder=403, trainer=403, coordinator_a=200, program_admin=200),
    ),
    "POST /api/v1/memberships/{id}/deactivate/[b]": A(
        "POST",
        "/api/v1/memberships/{id}/deactivate/",
        {"id": "membership_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "POST /api/v1/notifications/mark-read/": A("POST", "/api/v1/notifications/mark-read/", {}, E(200, anon=401)),
    "POST /api/v1/procurement/proposals/{id}/submit/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/submit/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=400, evaluator_assigned=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/submit/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/submit/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/submit/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/submit/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=201),
    ),
    "POST /api/v1/procurement/scores/": A("POST", "/api/v1/procurement/scores/", {}, E(400, anon=401)),
    # --- procurement's write operations (API parity, issue 24): the officer's gate as on the manage
    # page (anyone else 403 on a solicitation they may know of), the proposer's as on the editor, the
    # evaluator's as on the evaluation pages. The empty body is a 400 for whoever may act; a step the
    # solicitation has passed (it is in evaluation) is the service's 400.
    "POST /api/v1/procurement/solicitations/": A(
        "POST", "/api/v1/procurement/solicitations/", {}, E(403, anon=401, procurement_officer=400)
    ),
    "PATCH /api/v1/procurement/solicitations/{reference}/": A(
        "PATCH", "/api/v1/procurement/solicitations/{reference}/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=400),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/steps/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/steps/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=400),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/cancel/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/cancel/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=400),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/evaluators/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/evaluators/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=400),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/recommendation/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/recommendation/",
        {"reference": "solicitation.reference"}, E(403, anon=401, procurement_officer=400),
    ),
    # The justification may be empty: the body is valid, the award refused (not recommended yet).
    "POST /api/v1/procurement/solicitations/{reference}/award/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/award/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=400),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/criteria/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/criteria/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=400),
    ),
    # A published solicitation's terms are frozen: the officer's removal is refused (400).
    "DELETE /api/v1/procurement/solicitations/{reference}/criteria/{item_id}/": A(
        "DELETE", "/api/v1/procurement/solicitations/{reference}/criteria/{item_id}/",
        {"reference": "solicitation.reference", "item_id": "criterion"}, E(403, anon=401, procurement_officer=400),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/questions/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/questions/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=400),
    ),
    # No such question (the world names none): the officer's 404, after the officer's gate.
    "DELETE /api/v1/procurement/solicitations/{reference}/questions/{item_id}/": A(
        "DELETE", "/api/v1/procurement/solicitations/{reference}/questions/{item_id}/",
        {"reference": "solicitation.reference", "item_id": "=0"}, E(403, anon=401, procurement_officer=404),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/required-attachments/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/required-attachments/",
        {"reference": "solicitation.reference"}, E(403, anon=401, procurement_officer=400),
    ),
    "DELETE /api/v1/procurement/solicitations/{reference}/required-attachments/{item_id}/": A(
        "DELETE", "/api/v1/procurement/solicitations/{reference}/required-attachments/{item_id}/",
        {"reference": "solicitation.reference", "item_id": "attachment_a.required_attachment_id"},
        E(403, anon=401, procurement_officer=400),
    ),
    # An upload: the matrix's JSON body is not multipart (415), once past the officer's gate.
    "POST /api/v1/procurement/solicitations/{reference}/documents/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/documents/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=415),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/addenda/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/addenda/", {"reference": "solicitation.reference"},
        E(403, anon=401, procurement_officer=400),
    ),
    # Proposers' operations on a solicitation anyone may read: a nonprofit's coordinator acts (400 for the
    # empty body), anyone else is refused (403).
    "POST /api/v1/procurement/solicitations/{reference}/clarifications/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/clarifications/",
        {"reference": "solicitation.reference"}, E(403, anon=401, coordinator_a=400, coordinator_b=400),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/proposals/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/proposals/", {"reference": "solicitation.reference"},
        E(403, anon=401, coordinator_a=400, coordinator_b=400),
    ),
    # The committee's seat: an evaluator not on this committee gets a 404, as on the evaluation pages.
    "GET /api/v1/procurement/solicitations/{reference}/attestation/": A(
        "GET", "/api/v1/procurement/solicitations/{reference}/attestation/", {"reference": "solicitation.reference"},
        E(403, anon=401, evaluator_assigned=200, evaluator_recused=200, evaluator_unassigned=404),
    ),
    "POST /api/v1/procurement/solicitations/{reference}/attestation/": A(
        "POST", "/api/v1/procurement/solicitations/{reference}/attestation/", {"reference": "solicitation.reference"},
        E(403, anon=401, evaluator_assigned=400, evaluator_recused=400, evaluator_unassigned=404),
    ),
    # Questions: the officer reads them all, a coordinator their organization's own; only the officer answers.
    "GET /api/v1/procurement/clarifications/": A("GET", "/api/v1/procurement/clarifications/", {}, E(200, anon=401)),
    "GET /api/v1/procurement/clarifications/{id}/": A(
        "GET", "/api/v1/procurement/clarifications/{id}/", {"id": "clarification"},
        E(404, anon=401, coordinator_a=200, procurement_officer=200),
    ),
    "POST /api/v1/procurement/clarifications/{id}/answer/": A(
        "POST", "/api/v1/procurement/clarifications/{id}/answer/", {"id": "clarification"},
        E(404, anon=401, coordinator_a=403, procurement_officer=400),
    ),
    # The proposer's editor (past the deadline in [a] and [b]: the service's 400; [sealed] still open:
    # an empty save, a removal and a withdrawal go through), the officer's register and consensus, the
    # evaluator's sheet ([a] is recused for evaluator_recused: 404). Each proposal as GET's rows.
    "PATCH /api/v1/procurement/proposals/{id}/[a]": A(
        "PATCH",
        "/api/v1/procurement/proposals/{id}/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=400, evaluator_assigned=403, procurement_officer=403),
    ),
    "PATCH /api/v1/procurement/proposals/{id}/[b]": A(
        "PATCH",
        "/api/v1/procurement/proposals/{id}/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "PATCH /api/v1/procurement/proposals/{id}/[sealed]": A(
        "PATCH",
        "/api/v1/procurement/proposals/{id}/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=200),
    ),
    "POST /api/v1/procurement/proposals/{id}/answers/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/answers/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=400, evaluator_assigned=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/answers/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/answers/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/answers/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/answers/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=400),
    ),
    "PUT /api/v1/procurement/proposals/{id}/price/[a]": A(
        "PUT",
        "/api/v1/procurement/proposals/{id}/price/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=400, evaluator_assigned=403, procurement_officer=403),
    ),
    "PUT /api/v1/procurement/proposals/{id}/price/[b]": A(
        "PUT",
        "/api/v1/procurement/proposals/{id}/price/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "PUT /api/v1/procurement/proposals/{id}/price/[sealed]": A(
        "PUT",
        "/api/v1/procurement/proposals/{id}/price/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=400),
    ),
    "POST /api/v1/procurement/proposals/{id}/attachments/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/attachments/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=415, evaluator_assigned=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/attachments/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/attachments/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=415, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/attachments/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/attachments/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=415),
    ),
    "DELETE /api/v1/procurement/proposals/{id}/attachments/{attachment_id}/[a]": A(
        "DELETE",
        "/api/v1/procurement/proposals/{id}/attachments/{attachment_id}/",
        {"id": "proposal_a", "attachment_id": "attachment_a"},
        E(404, anon=401, coordinator_a=400, evaluator_assigned=403, procurement_officer=403),
    ),
    "DELETE /api/v1/procurement/proposals/{id}/attachments/{attachment_id}/[b]": A(
        "DELETE",
        "/api/v1/procurement/proposals/{id}/attachments/{attachment_id}/",
        {"id": "proposal_b", "attachment_id": "attachment_b"},
        E(404, anon=401, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "DELETE /api/v1/procurement/proposals/{id}/attachments/{attachment_id}/[sealed]": A(
        "DELETE",
        "/api/v1/procurement/proposals/{id}/attachments/{attachment_id}/",
        {"id": "sealed_proposal_a", "attachment_id": "sealed_attachment_a"},
        E(404, anon=401, coordinator_a=204),
    ),
    "POST /api/v1/procurement/proposals/{id}/acknowledgements/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/acknowledgements/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=400, evaluator_assigned=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/acknowledgements/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/acknowledgements/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/acknowledgements/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/acknowledgements/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=400),
    ),
    "POST /api/v1/procurement/proposals/{id}/withdraw/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/withdraw/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=400, evaluator_assigned=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/withdraw/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/withdraw/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=400, evaluator_assigned=403, evaluator_recused=403, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/withdraw/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/withdraw/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=200),
    ),
    "POST /api/v1/procurement/proposals/{id}/responsiveness/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/responsiveness/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=403, evaluator_assigned=403, procurement_officer=400),
    ),
    "POST /api/v1/procurement/proposals/{id}/responsiveness/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/responsiveness/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=403, evaluator_assigned=403, evaluator_recused=403, procurement_officer=400),
    ),
    "POST /api/v1/procurement/proposals/{id}/responsiveness/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/responsiveness/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/consensus/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/consensus/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=403, evaluator_assigned=403, procurement_officer=400),
    ),
    "POST /api/v1/procurement/proposals/{id}/consensus/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/consensus/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=403, evaluator_assigned=403, evaluator_recused=403, procurement_officer=400),
    ),
    "POST /api/v1/procurement/proposals/{id}/consensus/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/consensus/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/scoresheet/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/scoresheet/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=403, evaluator_assigned=200, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/scoresheet/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/scoresheet/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=403, evaluator_assigned=200, evaluator_recused=200, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/scoresheet/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/scoresheet/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/scoresheet/submit/[a]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/scoresheet/submit/",
        {"id": "proposal_a"},
        E(404, anon=401, coordinator_a=403, evaluator_assigned=400, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/scoresheet/submit/[b]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/scoresheet/submit/",
        {"id": "proposal_b"},
        E(404, anon=401, coordinator_b=403, evaluator_assigned=400, evaluator_recused=400, procurement_officer=403),
    ),
    "POST /api/v1/procurement/proposals/{id}/scoresheet/submit/[sealed]": A(
        "POST",
        "/api/v1/procurement/proposals/{id}/scoresheet/submit/",
        {"id": "sealed_proposal_a"},
        E(404, anon=401, coordinator_a=403),
    ),
    "POST /api/v1/reports/": A("POST", "/api/v1/reports/", {}, E(400, anon=401)),
    "POST /api/v1/scheduling/assignments/": A("POST", "/api/v1/scheduling/assignments/", {}, E(400, anon=401)),
    "POST /api/v1/scheduling/assignments/{id}/cancel/[a]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/cancel/",
        {"id": "assignment_a"},
        E(404, anon=401, responder=200, coordinator_a=200, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/cancel/[b]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/cancel/",
        {"id": "assignment_b"},
        E(404, anon=401, coordinator_b=200, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/check-in/[a]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/check-in/",
        {"id": "assignment_a"},
        E(404, anon=401, responder=400, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/check-in/[b]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/check-in/",
        {"id": "assignment_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/check-out/[a]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/check-out/",
        {"id": "assignment_a"},
        E(404, anon=401, responder=400, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/check-out/[b]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/check-out/",
        {"id": "assignment_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/hours/[a]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/hours/",
        {"id": "assignment_a"},
        E(404, anon=401, responder=403, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/hours/[b]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/hours/",
        {"id": "assignment_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/positions/{id}/sign-up/[a]": A(
        "POST",
        "/api/v1/scheduling/positions/{id}/sign-up/",
        {"id": "position_a"},
        E(404, anon=401, responder=400, coordinator_a=403, program_admin=403),
    ),
    "POST /api/v1/scheduling/positions/{id}/sign-up/[b]": A(
        "POST",
        "/api/v1/scheduling/positions/{id}/sign-up/",
        {"id": "position_b"},
        E(404, anon=401, coordinator_b=403, program_admin=403),
    ),
    "POST /api/v1/scheduling/shifts/{id}/cancel/[a]": A(
        "POST",
        "/api/v1/scheduling/shifts/{id}/cancel/",
        {"id": "shift_a"},
        E(404, anon=401, responder=403, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/shifts/{id}/cancel/[b]": A(
        "POST",
        "/api/v1/scheduling/shifts/{id}/cancel/",
        {"id": "shift_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/shifts/{id}/publish/[a]": A(
        "POST",
        "/api/v1/scheduling/shifts/{id}/publish/",
        {"id": "shift_a"},
        E(404, anon=401, responder=403, coordinator_a=200, program_admin=403),
    ),
    "POST /api/v1/scheduling/shifts/{id}/publish/[b]": A(
        "POST",
        "/api/v1/scheduling/shifts/{id}/publish/",
        {"id": "shift_b"},
        E(404, anon=401, coordinator_b=200, program_admin=403),
    ),
    "POST /api/v1/scheduling/shifts/{id}/reschedule/[a]": A(
        "POST",
        "/api/v1/scheduling/shifts/{id}/reschedule/",
        {"id": "shift_a"},
        E(404, anon=401, responder=403, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/shifts/{id}/reschedule/[b]": A(
        "POST",
        "/api/v1/scheduling/shifts/{id}/reschedule/",
        {"id": "shift_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/swaps/": A("POST", "/api/v1/scheduling/swaps/", {}, E(400, anon=401)),
    "POST /api/v1/scheduling/swaps/{id}/accept/[a]": A(
        "POST",
        "/api/v1/scheduling/swaps/{id}/accept/",
        {"id": "swap_a"},
        E(404, anon=401, responder=403, coordinator_a=403, program_admin=403),
    ),
    "POST /api/v1/scheduling/swaps/{id}/accept/[b]": A(
        "POST",
        "/api/v1/scheduling/swaps/{id}/accept/",
        {"id": "swap_b"},
        E(404, anon=401, coordinator_b=403, program_admin=403),
    ),
    "POST /api/v1/scheduling/swaps/{id}/approve/[a]": A(
        "POST",
        "/api/v1/scheduling/swaps/{id}/approve/",
        {"id": "swap_a"},
        E(404, anon=401, responder=403, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/swaps/{id}/approve/[b]": A(
        "POST",
        "/api/v1/scheduling/swaps/{id}/approve/",
        {"id": "swap_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/swaps/{id}/decline/[a]": A(
        "POST",
        "/api/v1/scheduling/swaps/{id}/decline/",
        {"id": "swap_a"},
        E(404, anon=401, responder=403, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/swaps/{id}/decline/[b]": A(
        "POST",
        "/api/v1/scheduling/swaps/{id}/decline/",
        {"id": "swap_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/time-off/": A("POST", "/api/v1/scheduling/time-off/", {}, E(400, anon=401)),
    "POST /api/v1/scheduling/time-off/{id}/approve/[a]": A(
        "POST",
        "/api/v1/scheduling/time-off/{id}/approve/",
        {"id": "time_off_a"},
        E(404, anon=401, responder=403, coordinator_a=200, program_admin=403),
    ),
    "POST /api/v1/scheduling/time-off/{id}/approve/[b]": A(
        "POST",
        "/api/v1/scheduling/time-off/{id}/approve/",
        {"id": "time_off_b"},
        E(404, anon=401, coordinator_b=200, program_admin=403),
    ),
    "POST /api/v1/scheduling/time-off/{id}/deny/[a]": A(
        "POST",
        "/api/v1/scheduling/time-off/{id}/deny/",
        {"id": "time_off_a"},
        E(404, anon=401, responder=403, coordinator_a=200, program_admin=403),
    ),
    "POST /api/v1/scheduling/time-off/{id}/deny/[b]": A(
        "POST",
        "/api/v1/scheduling/time-off/{id}/deny/",
        {"id": "time_off_b"},
        E(404, anon=401, coordinator_b=200, program_admin=403),
    ),
    "POST /api/v1/scheduling/roster-runs/": A(
        "POST", "/api/v1/scheduling/roster-runs/", {}, E(403, anon=401, coordinator_a=400, coordinator_b=400)
    ),
    "POST /api/v1/scheduling/roster-runs/{id}/accept/[a]": A(
        "POST",
        "/api/v1/scheduling/roster-runs/{id}/accept/",
        {"id": "roster_run_a"},
        E(403, anon=401, coordinator_a=200, coordinator_b=404),
    ),
    "POST /api/v1/scheduling/roster-runs/{id}/accept/[b]": A(
        "POST",
        "/api/v1/scheduling/roster-runs/{id}/accept/",
        {"id": "roster_run_b"},
        E(403, anon=401, coordinator_a=404, coordinator_b=200),
    ),
    "POST /api/v1/scheduling/roster-runs/{id}/cancel/[a]": A(
        "POST",
        "/api/v1/scheduling/roster-runs/{id}/cancel/",
        {"id": "roster_run_a"},
        E(403, anon=401, coordinator_a=200, coordinator_b=404),
    ),
    "POST /api/v1/scheduling/roster-runs/{id}/cancel/[b]": A(
        "POST",
        "/api/v1/scheduling/roster-runs/{id}/cancel/",
        {"id": "roster_run_b"},
        E(403, anon=401, coordinator_a=404, coordinator_b=200),
    ),
    # The world's assignments are not call-outs: a coordinator is told why (400, not_repairable).
    "POST /api/v1/scheduling/assignments/{id}/repair/[a]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/repair/",
        {"id": "assignment_a"},
        E(404, anon=401, responder=403, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/repair/[b]": A(
        "POST",
        "/api/v1/scheduling/assignments/{id}/repair/",
        {"id": "assignment_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/training/records/": A("POST", "/api/v1/training/records/", {}, E(400, anon=401)),
    "POST /api/v1/training/records/import/": A(
        "POST",
        "/api/v1/training/records/import/",
        {},
        E(403, anon=401, trainer=415, coordinator_a=415, coordinator_b=415),
    ),
    "POST /api/v1/training/records/{id}/reject/[a]": A(
        "POST",
        "/api/v1/training/records/{id}/reject/",
        {"id": "record_a"},
        E(404, anon=401, responder=403, trainer=400, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/training/records/{id}/reject/[b]": A(
        "POST",
        "/api/v1/training/records/{id}/reject/",
        {"id": "record_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    # Fixed by the matrix: the program admin sees every record but does not verify; the API
    # answered 400 (the service's refusal) where the page answers 403. Now 403 as the page.
    "POST /api/v1/training/records/{id}/verify/[a]": A(
        "POST",
        "/api/v1/training/records/{id}/verify/",
        {"id": "record_a"},
        E(404, anon=401, responder=403, trainer=200, coordinator_a=200, program_admin=403),
    ),
    "POST /api/v1/training/records/{id}/verify/[b]": A(
        "POST",
        "/api/v1/training/records/{id}/verify/",
        {"id": "record_b"},
        E(404, anon=401, coordinator_b=200, program_admin=403),
    ),
    "POST /api/v1/training/sessions/{id}/enroll/[a]": A(
        "POST",
        "/api/v1/training/sessions/{id}/enroll/",
        {"id": "training_session_a"},
        E(404, anon=401, responder=400, trainer=400, coordinator_a=400, program_admin=400),
    ),
    "POST /api/v1/training/sessions/{id}/enroll/[b]": A(
        "POST",
        "/api/v1/training/sessions/{id}/enroll/",
        {"id": "training_session_b"},
        E(404, anon=401, coordinator_b=400, program_admin=400),
    ),
    # Withdraw acts on the caller's own enrollment: staff of A have none in the session (404).
    "POST /api/v1/training/sessions/{id}/withdraw/[a]": A(
        "POST",
        "/api/v1/training/sessions/{id}/withdraw/",
        {"id": "training_session_a"},
        E(404, anon=401, responder=200),
    ),
    "POST /api/v1/training/sessions/{id}/withdraw/[b]": A(
        "POST", "/api/v1/training/sessions/{id}/withdraw/", {"id": "training_session_b"}, E(404, anon=401)
    ),
    "PUT /api/v1/notification-preferences/": A("PUT", "/api/v1/notification-preferences/", {}, E(400, anon=401)),
    "PUT /api/v1/scheduling/roster-profiles/": A("PUT", "/api/v1/scheduling/roster-profiles/", {}, E(400, anon=401)),
    # --- issue 24, API parity: the operations added for accounts, engagement, reports, scheduling, training ---
    "PUT /api/v1/me/": A("PUT", "/api/v1/me/", {}, E(400, anon=401)),
    # Residents' own operation: open to all. The per-client limit (10 an hour, as the page's) answers the
    # 11th call from the test client's one address with 429.
    "POST /api/v1/engagement/public-feedback/": A(
        "POST", "/api/v1/engagement/public-feedback/", {},
        E(400, anon=400, procurement_officer=429, moderator=429, program_evaluator=429, program_admin=429,
          dispatcher=429),
    ),
    # The signed link is the resident's credential: whoever holds it may cancel (as on the page).
    "POST /api/v1/engagement/registrations/{token}/cancel/[own]": A(
        "POST", "/api/v1/engagement/registrations/{token}/cancel/", {"token": "$registration_own"},
        E(200, anon=200),
    ),
    "POST /api/v1/engagement/registrations/{token}/cancel/[tampered]": A(
        "POST", "/api/v1/engagement/registrations/{token}/cancel/", {"token": "$registration_tampered"},
        E(404, anon=404),
    ),
    "GET /api/v1/engagement/themes/": A(
        "GET", "/api/v1/engagement/themes/", {},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "POST /api/v1/engagement/themes/": A(
        "POST", "/api/v1/engagement/themes/", {},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "GET /api/v1/engagement/decisions/": A(
        "GET", "/api/v1/engagement/decisions/", {},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "POST /api/v1/engagement/decisions/": A(
        "POST", "/api/v1/engagement/decisions/", {},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "GET /api/v1/engagement/decisions/{id}/[draft]": A(
        "GET", "/api/v1/engagement/decisions/{id}/", {"id": "draft_decision"},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "PUT /api/v1/engagement/decisions/{id}/[draft]": A(
        "PUT", "/api/v1/engagement/decisions/{id}/", {"id": "draft_decision"},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "POST /api/v1/engagement/decisions/{id}/publish/[draft]": A(
        "POST", "/api/v1/engagement/decisions/{id}/publish/", {"id": "draft_decision"},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "GET /api/v1/engagement/staff-sessions/": A(
        "GET", "/api/v1/engagement/staff-sessions/", {},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "POST /api/v1/engagement/staff-sessions/": A(
        "POST", "/api/v1/engagement/staff-sessions/", {},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "GET /api/v1/engagement/staff-sessions/{id}/[draft]": A(
        "GET", "/api/v1/engagement/staff-sessions/{id}/", {"id": "draft_community_session"},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "PUT /api/v1/engagement/staff-sessions/{id}/[draft]": A(
        "PUT", "/api/v1/engagement/staff-sessions/{id}/", {"id": "draft_community_session"},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "POST /api/v1/engagement/staff-sessions/{id}/publish/[draft]": A(
        "POST", "/api/v1/engagement/staff-sessions/{id}/publish/", {"id": "draft_community_session"},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "POST /api/v1/engagement/staff-sessions/{id}/cancel/": A(
        "POST", "/api/v1/engagement/staff-sessions/{id}/cancel/", {"id": "community_session"},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "POST /api/v1/engagement/staff-sessions/{id}/check-in/": A(
        "POST", "/api/v1/engagement/staff-sessions/{id}/check-in/", {"id": "community_session"},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "POST /api/v1/engagement/staff-sessions/{id}/walk-ins/": A(
        "POST", "/api/v1/engagement/staff-sessions/{id}/walk-ins/", {"id": "community_session"},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "POST /api/v1/engagement/staff-sessions/{id}/close/": A(
        "POST", "/api/v1/engagement/staff-sessions/{id}/close/", {"id": "community_session"},
        E(403, anon=401, moderator=400, program_admin=400),
    ),
    "GET /api/v1/engagement/tasks/": A(
        "GET", "/api/v1/engagement/tasks/", {},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    "POST /api/v1/engagement/tasks/{id}/done/": A(
        "POST", "/api/v1/engagement/tasks/{id}/done/", {"id": "staff_task"},
        E(403, anon=401, moderator=200, program_admin=200),
    ),
    # Only your own reports are found; the kind's parameters are checked again (the world's rows have none: 400).
    "POST /api/v1/reports/{id}/rerun/[a]": A(
        "POST", "/api/v1/reports/{id}/rerun/", {"id": "report_a"},
        E(404, anon=401, coordinator_a=400),
    ),
    "POST /api/v1/reports/{id}/rerun/[b]": A(
        "POST", "/api/v1/reports/{id}/rerun/", {"id": "report_b"},
        E(404, anon=401, coordinator_b=400),
    ),
    "PUT /api/v1/reports/subscriptions/{kind}/": A(
        "PUT", "/api/v1/reports/subscriptions/{kind}/", {"kind": "=program_monthly"},
        E(403, anon=401, program_evaluator=400, program_admin=400),
    ),
    "GET /api/v1/scheduling/availability/": A("GET", "/api/v1/scheduling/availability/", {}, E(200, anon=401)),
    "POST /api/v1/scheduling/availability/": A(
        "POST", "/api/v1/scheduling/availability/", {},
        E(403, anon=401, responder=400),
    ),
    "DELETE /api/v1/scheduling/availability/{id}/[a]": A(
        "DELETE", "/api/v1/scheduling/availability/{id}/", {"id": "availability_a"},
        E(404, anon=401, responder=204),
    ),
    "DELETE /api/v1/scheduling/availability/{id}/[b]": A(
        "DELETE", "/api/v1/scheduling/availability/{id}/", {"id": "availability_b"},
        E(404, anon=401),
    ),
    "POST /api/v1/scheduling/calendar-feed/": A(
        "POST", "/api/v1/scheduling/calendar-feed/", {},
        E(403, anon=401, responder=201),
    ),
    "DELETE /api/v1/scheduling/calendar-feed/": A(
        "DELETE", "/api/v1/scheduling/calendar-feed/", {},
        E(403, anon=401, responder=204),
    ),
    "GET /api/v1/scheduling/teams/": A("GET", "/api/v1/scheduling/teams/", {}, E(200, anon=401)),
    "POST /api/v1/scheduling/teams/": A(
        "POST", "/api/v1/scheduling/teams/", {},
        E(403, anon=401, coordinator_a=400, coordinator_b=400),
    ),
    "GET /api/v1/scheduling/templates/": A("GET", "/api/v1/scheduling/templates/", {}, E(200, anon=401)),
    "POST /api/v1/scheduling/templates/": A(
        "POST", "/api/v1/scheduling/templates/", {},
        E(403, anon=401, coordinator_a=400, coordinator_b=400),
    ),
    "POST /api/v1/scheduling/templates/{id}/generate/[a]": A(
        "POST", "/api/v1/scheduling/templates/{id}/generate/", {"id": "template_a"},
        E(404, anon=401, coordinator_a=400),
    ),
    "POST /api/v1/scheduling/templates/{id}/generate/[b]": A(
        "POST", "/api/v1/scheduling/templates/{id}/generate/", {"id": "template_b"},
        E(404, anon=401, coordinator_b=400),
    ),
    "POST /api/v1/scheduling/shifts/": A(
        "POST", "/api/v1/scheduling/shifts/", {},
        E(403, anon=401, coordinator_a=400, coordinator_b=400),
    ),
    # The team is named in the body: every signed-in caller gets the 400 for the missing fields first.
    "POST /api/v1/scheduling/shifts/publish-week/": A(
        "POST", "/api/v1/scheduling/shifts/publish-week/", {},
        E(400, anon=401),
    ),
    "POST /api/v1/scheduling/assignments/{id}/no-show/[a]": A(
        "POST", "/api/v1/scheduling/assignments/{id}/no-show/", {"id": "assignment_a"},
        E(404, anon=401, responder=403, coordinator_a=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/assignments/{id}/no-show/[b]": A(
        "POST", "/api/v1/scheduling/assignments/{id}/no-show/", {"id": "assignment_b"},
        E(404, anon=401, coordinator_b=400, program_admin=403),
    ),
    "POST /api/v1/scheduling/swaps/{id}/withdraw/[a]": A(
        "POST", "/api/v1/scheduling/swaps/{id}/withdraw/", {"id": "swap_a"},
        E(404, anon=401, responder=200, coordinator_a=403, program_admin=403),
    ),
    "POST /api/v1/scheduling/swaps/{id}/withdraw/[b]": A(
        "POST", "/api/v1/scheduling/swaps/{id}/withdraw/", {"id": "swap_b"},
        E(404, anon=401, coordinator_b=403, program_admin=403),
    ),
    "POST /api/v1/scheduling/time-off/{id}/withdraw/[a]": A(
        "POST", "/api/v1/scheduling/time-off/{id}/withdraw/", {"id": "time_off_a"},
        E(404, anon=401, responder=200, coordinator_a=403, program_admin=403),
    ),
    "POST /api/v1/scheduling/time-off/{id}/withdraw/[b]": A(
        "POST", "/api/v1/scheduling/time-off/{id}/withdraw/", {"id": "time_off_b"},
        E(404, anon=401, coordinator_b=403, program_admin=403),
    ),
    "PUT /api/v1/scheduling/roster-profiles/members/{membership}/[a]": A(
        "PUT", "/api/v1/scheduling/roster-profiles/members/{membership}/", {"membership": "membership_a"},
        E(404, anon=401, coordinator_a=200),
    ),
    "PUT /api/v1/scheduling/roster-profiles/members/{membership}/[b]": A(
        "PUT", "/api/v1/scheduling/roster-profiles/members/{membership}/", {"membership": "membership_b"},
        E(404, anon=401, coordinator_b=200),
    ),
    "POST /api/v1/training/sessions/": A(
        "POST", "/api/v1/training/sessions/", {},
        E(403, anon=401, trainer=400, coordinator_a=400, coordinator_b=400),
    ),
    "POST /api/v1/training/sessions/{id}/cancel/[a]": A(
        "POST", "/api/v1/training/sessions/{id}/cancel/", {"id": "training_session_a"},
        E(404, anon=401, responder=403, trainer=200, coordinator_a=200, program_admin=200),
    ),
    "POST /api/v1/training/sessions/{id}/cancel/[b]": A(
        "POST", "/api/v1/training/sessions/{id}/cancel/", {"id": "training_session_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "POST /api/v1/training/enrollments/{id}/withdraw/[a]": A(
        "POST", "/api/v1/training/enrollments/{id}/withdraw/", {"id": "enrollment_a"},
        E(404, anon=401, responder=200, trainer=200, coordinator_a=200, program_admin=200),
    ),
    "POST /api/v1/training/enrollments/{id}/withdraw/[b]": A(
        "POST", "/api/v1/training/enrollments/{id}/withdraw/", {"id": "enrollment_b"},
        E(404, anon=401, coordinator_b=200, program_admin=200),
    ),
    "POST /api/v1/training/enrollments/{id}/attendance/[a]": A(
        "POST", "/api/v1/training/enrollments/{id}/attendance/", {"id": "enrollment_a"},
        E(404, anon=401, responder=403, trainer=400, coordinator_a=400, program_admin=400),
    ),
    "POST /api/v1/training/enrollments/{id}/attendance/[b]": A(
        "POST", "/api/v1/training/enrollments/{id}/attendance/", {"id": "enrollment_b"},
        E(404, anon=401, coordinator_b=400, program_admin=400),
    ),
    "POST /api/v1/training/enrollments/{id}/assess/[a]": A(
        "POST", "/api/v1/training/enrollments/{id}/assess/", {"id": "enrollment_a"},
        E(404, anon=401, responder=403, trainer=400, coordinator_a=400, program_admin=400),
    ),
    "POST /api/v1/training/enrollments/{id}/assess/[b]": A(
        "POST", "/api/v1/training/enrollments/{id}/assess/", {"id": "enrollment_b"},
        E(404, anon=401, coordinator_b=400, program_admin=400),
    ),
    "POST /api/v1/training/field-hours/": A(
        "POST", "/api/v1/training/field-hours/", {},
        E(403, anon=401, responder=400),
    ),
    "POST /api/v1/training/field-hours/{id}/sign-off/[a]": A(
        "POST", "/api/v1/training/field-hours/{id}/sign-off/", {"id": "field_hours_a"},
        E(404, anon=401, responder=403, trainer=400, coordinator_a=403, program_admin=403),
    ),
    "POST /api/v1/training/field-hours/{id}/sign-off/[b]": A(
        "POST", "/api/v1/training/field-hours/{id}/sign-off/", {"id": "field_hours_b"},
        E(404, anon=401, coordinator_b=403, program_admin=403),
    ),
    "POST /api/v1/training/requirements/": A(
        "POST", "/api/v1/training/requirements/", {},
        E(403, anon=401, program_admin=400),
    ),
    # --- issue 22, DISPATCH: who is on duty, for the 911 center. A service token with the scope (its own tests:
    # tests/operations/test_dispatch_api.py), a dispatcher or the program admin; no one else.
    "GET /api/v1/dispatch/on-duty/": A("GET", "/api/v1/dispatch/on-duty/", {},
                                       E(403, anon=401, program_admin=200, dispatcher=200)),
    "GET /api/v1/dispatch/status-changes/": A(
        "GET", "/api/v1/dispatch/status-changes/", {}, E(403, anon=401, program_admin=200, dispatcher=200)
    ),
}


# List endpoints: whose objects each role's list may hold. `<name>_a` and `<name>_b` are A's and B's
# objects in the world; a role's list must not contain the ids of an organization it may not see.
# By default A's people see A, coordinator_b sees B, the program admin both, everyone else neither.
OWNED_LISTS = {
    "GET /api/v1/audit-events/": ("audit_event", {}),
    "GET /api/v1/invitations/": ("invitation", {}),
    "GET /api/v1/memberships/": ("membership", {}),
    "GET /api/v1/notifications/": ("notification", {}),
    "GET /api/v1/organizations/": ("org", {}),
    # The officer runs the evaluation and sees every proposal after the opening; the assigned
    # evaluator scores both; the recused one only B's.
    "GET /api/v1/procurement/proposals/": (
        "proposal",
        {"procurement_officer": "ab", "evaluator_assigned": "ab", "evaluator_recused": "b"},
    ),
    "GET /api/v1/reports/": ("report", {}),
    "GET /api/v1/scheduling/assignments/": ("assignment", {}),
    "GET /api/v1/scheduling/my-shifts/": ("assignment", {}),
    "GET /api/v1/scheduling/positions/": ("position", {}),
    "GET /api/v1/scheduling/shifts/": ("shift", {}),
    "GET /api/v1/scheduling/swaps/": ("swap", {}),
    "GET /api/v1/scheduling/time-off/": ("time_off", {}),
    "GET /api/v1/scheduling/roster-runs/": ("roster_run", {}),
    "GET /api/v1/training/field-hours/": ("field_hours", {}),
    "GET /api/v1/training/records/": ("record", {}),
    "GET /api/v1/training/sessions/": ("training_session", {}),
    # issue 24: availability is each responder's own; templates are their coordinators'.
    "GET /api/v1/scheduling/availability/": ("availability", {"trainer": "", "coordinator_a": "", "coordinator_b": "",
                                                              "program_admin": ""}),
    "GET /api/v1/scheduling/teams/": ("team", {}),
    "GET /api/v1/scheduling/templates/": ("template", {"responder": "", "trainer": ""}),
}

ADMIN_DEFAULT = dict.fromkeys(ROLES, ADMIN_LOGIN)
# Per model admin (or "site" for the admin's own views), where a role's outcome differs from the
# default. No role of the matrix is staff: every admin page sends them to the admin's sign-in.
ADMIN = {}
# The admin's own sign-in form answers everyone (a signed-in non-staff user is told they may not
# enter); its sign-out sends a non-staff user to the admin index, which sends them to the sign-in.
ADMIN_PATTERNS = {
    "admin/login/": dict.fromkeys(ROLES, 200),
    "admin/logout/": dict.fromkeys(ROLES, 302),
}
