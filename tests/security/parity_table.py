"""API parity: every page route that accepts POST (tests/security/test_api_parity.py finds them) and
the API operation that does the same thing, calling the same service behind the same permission
predicate, or the reason it has none. Procurement's part is in parity_procurement.py.

A page that does two things maps to the operation of its main one and says where the other is."""

from tests.security.parity_procurement import PROCUREMENT
from tests.security.parity_types import Api, Exempt

V1 = "/api/v1"

SIGN_IN = Exempt("Signing in, signing up and proving who you are happen in a browser session (allauth); the API "
                 "is used with a token the person made after signing in, never with a password.")
ACCOUNT_SECURITY = Exempt("A person's own credentials (password, email addresses, second factor) are changed only "
                          "in their signed-in browser session after re-authentication, so a leaked API token "
                          "cannot take the account over.")

ALLAUTH = {
    "account_login": SIGN_IN,
    "account_logout": Exempt("Ends the browser session; an API client holds a token, which is revoked on the "
                             "profile page instead."),
    "account_signup": SIGN_IN,
    "account_confirm_login_code": SIGN_IN,
    "account_reauthenticate": SIGN_IN,
    "account_request_reauthentication_code": SIGN_IN,
    "account_confirm_reauthentication_code": SIGN_IN,
    "mfa_authenticate": SIGN_IN,
    "mfa_reauthenticate": SIGN_IN,
    "account_confirm_email": Exempt("The person confirms their email address by following the link mailed to "
                                    "them; the link's key is the proof, for a browser."),
    "account_email_verification_sent": Exempt("allauth's notice page (its view answers any method); it changes "
                                              "nothing."),
    "account_reset_password": Exempt("Asking for a password reset mails a link to the person: a browser step "
                                     "before they can sign in at all."),
    "account_reset_password_from_key": Exempt("Setting a new password from the mailed reset link: a browser step "
                                              "before they can sign in at all."),
    "account_change_password": ACCOUNT_SECURITY,
    "account_set_password": ACCOUNT_SECURITY,
    "account_email": ACCOUNT_SECURITY,
    "mfa_activate_totp": ACCOUNT_SECURITY,
    "mfa_deactivate_totp": ACCOUNT_SECURITY,
    "mfa_generate_recovery_codes": ACCOUNT_SECURITY,
}

DJANGO = {
    "set_language": Exempt("Django's language switch sets the browser's language cookie; API clients send "
                           "Accept-Language with each request instead."),
}

ACCOUNTS = {
    "accounts:api-token-list": Exempt("Making an API token is done by the person signed in on the page (city staff "
                                      "behind their second factor), so a leaked token cannot mint more tokens."),
    "accounts:api-token-revoke": Exempt("Revoking a token is the owner's step on the profile page, beside the list "
                                        "of their tokens; a token able to revoke its owner's other tokens would let "
                                        "a leaked one cut every other integration off."),
    "accounts:invitation-accept": Exempt("The invited person follows the mailed link and signs up or signs in in "
                                         "a browser; the link's token is theirs alone, for a person not a system."),
    "accounts:invitation-list": Api("POST", f"{V1}/invitations/"),
    "accounts:invitation-revoke": Api("POST", f"{V1}/invitations/{{id}}/revoke/"),
    "accounts:membership-deactivate": Api("POST", f"{V1}/memberships/{{id}}/deactivate/"),
    "accounts:profile": Api("PUT", f"{V1}/me/"),
}

RESIDENT_PRIVACY = Exempt("A resident's erasure of their own details is confirmed through a link mailed to them "
                          "and done by them in a browser; no integration erases a resident's data on their behalf.")

ENGAGEMENT = {
    "engagement:session-register": Api("POST", f"{V1}/engagement/sessions/{{id}}/registrations/"),
    "engagement:registration-cancel": Api("POST", f"{V1}/engagement/registrations/{{token}}/cancel/"),
    "engagement:registration-erase": RESIDENT_PRIVACY,
    "engagement:privacy-forget": RESIDENT_PRIVACY,
    "engagement:privacy-forget-confirm": RESIDENT_PRIVACY,
    "engagement:feedback-create": Api("POST", f"{V1}/engagement/public-feedback/"),
    "engagement:feedback-staff-create": Api("POST", f"{V1}/engagement/feedback/"),
    # The page's one step is a decision and themes together: the operation with `themes` given.
    "engagement:feedback-detail": Api("POST", f"{V1}/engagement/feedback/{{id}}/moderate/"),
    "engagement:feedback-list": Api("POST", f"{V1}/engagement/feedback/moderate/"),
    "engagement:theme-list": Api("POST", f"{V1}/engagement/themes/"),
    "engagement:decision-create": Api("POST", f"{V1}/engagement/decisions/"),
    "engagement:decision-edit": Api("PUT", f"{V1}/engagement/decisions/{{id}}/"),
    "engagement:decision-publish": Api("POST", f"{V1}/engagement/decisions/{{id}}/publish/"),
    "engagement:staff-session-create": Api("POST", f"{V1}/engagement/staff-sessions/"),
    "engagement:staff-session-edit": Api("PUT", f"{V1}/engagement/staff-sessions/{{id}}/"),
    "engagement:staff-session-publish": Api("POST", f"{V1}/engagement/staff-sessions/{{id}}/publish/"),
    "engagement:staff-session-cancel": Api("POST", f"{V1}/engagement/staff-sessions/{{id}}/cancel/"),
    # The check-in page also records walk-ins: POST /api/v1/engagement/staff-sessions/{id}/walk-ins/.
    "engagement:staff-check-in": Api("POST", f"{V1}/engagement/staff-sessions/{{id}}/check-in/"),
    "engagement:staff-session-close": Api("POST", f"{V1}/engagement/staff-sessions/{{id}}/close/"),
    "engagement:staff-task-complete": Api("POST", f"{V1}/engagement/tasks/{{id}}/done/"),
}

NOTIFICATIONS = {
    "notifications:mark-read": Api("POST", f"{V1}/notifications/mark-read/"),  # with `ids`
    "notifications:mark-all-read": Api("POST", f"{V1}/notifications/mark-read/"),  # without `ids`
    "notifications:preferences": Api("PUT", f"{V1}/notification-preferences/"),
    "notifications:unsubscribe": Exempt("The one-click unsubscribe link in a message (RFC 8058): its signed token "
                                        "belongs to the message's recipient, who may have no account; signed-in "
                                        "people and integrations use the preferences operation."),
}

OPERATIONS = {
    # BOARD: the status buttons on the responder's shift.
    "operations:team-status": Api("POST", f"{V1}/operations/shifts/{{id}}/status/"),
}

REPORTS = {
    "reports:report-create": Api("POST", f"{V1}/reports/"),
    "reports:report-rerun": Api("POST", f"{V1}/reports/{{id}}/rerun/"),
    "reports:subscription-set": Api("PUT", f"{V1}/reports/subscriptions/{{kind}}/"),
}

SCHEDULING = {
    "scheduling:position-sign-up": Api("POST", f"{V1}/scheduling/positions/{{id}}/sign-up/"),
    "scheduling:position-assign": Api("POST", f"{V1}/scheduling/assignments/"),
    "scheduling:position-candidates": Api("POST", f"{V1}/scheduling/assignments/"),
    "scheduling:assignment-cancel": Api("POST", f"{V1}/scheduling/assignments/{{id}}/cancel/"),
    "scheduling:assignment-check-in": Api("POST", f"{V1}/scheduling/assignments/{{id}}/check-in/"),
    "scheduling:assignment-check-out": Api("POST", f"{V1}/scheduling/assignments/{{id}}/check-out/"),
    "scheduling:assignment-no-show": Api("POST", f"{V1}/scheduling/assignments/{{id}}/no-show/"),
    "scheduling:assignment-hours": Api("POST", f"{V1}/scheduling/assignments/{{id}}/hours/"),
    "scheduling:assignment-repair": Api("POST", f"{V1}/scheduling/assignments/{{id}}/repair/"),
    "scheduling:swap-offer": Api("POST", f"{V1}/scheduling/swaps/"),
    "scheduling:swap-accept": Api("POST", f"{V1}/scheduling/swaps/{{id}}/accept/"),
    # decision=approve; decision=deny is POST /api/v1/scheduling/swaps/{id}/decline/.
    "scheduling:swap-decide": Api("POST", f"{V1}/scheduling/swaps/{{id}}/approve/"),
    "scheduling:swap-withdraw": Api("POST", f"{V1}/scheduling/swaps/{{id}}/withdraw/"),
    "scheduling:time-off": Api("POST", f"{V1}/scheduling/time-off/"),
    # decision=approve; decision=deny is POST /api/v1/scheduling/time-off/{id}/deny/.
    "scheduling:time-off-decide": Api("POST", f"{V1}/scheduling/time-off/{{id}}/approve/"),
    "scheduling:time-off-withdraw": Api("POST", f"{V1}/scheduling/time-off/{{id}}/withdraw/"),
    "scheduling:availability": Api("POST", f"{V1}/scheduling/availability/"),
    "scheduling:availability-delete": Api("DELETE", f"{V1}/scheduling/availability/{{id}}/"),
    # action=rotate; action=revoke is DELETE on the same path.
    "scheduling:calendar": Api("POST", f"{V1}/scheduling/calendar-feed/"),
    "scheduling:week-publish": Api("POST", f"{V1}/scheduling/shifts/publish-week/"),
    # The board publishes each of its teams' weeks through the same service, one call per team and week.
    "scheduling:board-publish": Api("POST", f"{V1}/scheduling/shifts/publish-week/"),
    "scheduling:shift-create": Api("POST", f"{V1}/scheduling/shifts/"),
    "scheduling:shift-publish": Api("POST", f"{V1}/scheduling/shifts/{{id}}/publish/"),
    "scheduling:shift-cancel": Api("POST", f"{V1}/scheduling/shifts/{{id}}/cancel/"),
    "scheduling:shift-reschedule": Api("POST", f"{V1}/scheduling/shifts/{{id}}/reschedule/"),
    "scheduling:team-list": Api("POST", f"{V1}/scheduling/teams/"),
    "scheduling:template-create": Api("POST", f"{V1}/scheduling/templates/"),
    "scheduling:template-generate": Api("POST", f"{V1}/scheduling/templates/{{id}}/generate/"),
    "scheduling:roster": Api("POST", f"{V1}/scheduling/roster-runs/"),
    "scheduling:roster-run-accept": Api("POST", f"{V1}/scheduling/roster-runs/{{id}}/accept/"),
    "scheduling:roster-run-cancel": Api("POST", f"{V1}/scheduling/roster-runs/{{id}}/cancel/"),
    "scheduling:roster-profile": Api("PUT", f"{V1}/scheduling/roster-profiles/"),
    "scheduling:roster-profile-member": Api("PUT", f"{V1}/scheduling/roster-profiles/members/{{membership}}/"),
}

TRAINING = {
    "training:record-create": Api("POST", f"{V1}/training/records/"),
    "training:record-verify": Api("POST", f"{V1}/training/records/{{id}}/verify/"),
    "training:record-reject": Api("POST", f"{V1}/training/records/{{id}}/reject/"),
    # The page checks the file, then imports on confirmation: dry_run=true, then dry_run=false.
    "training:record-import": Api("POST", f"{V1}/training/records/import/"),
    "training:record-import-confirm": Api("POST", f"{V1}/training/records/import/"),
    "training:requirement-list": Api("POST", f"{V1}/training/requirements/"),
    "training:session-create": Api("POST", f"{V1}/training/sessions/"),
    "training:session-cancel": Api("POST", f"{V1}/training/sessions/{{id}}/cancel/"),
    "training:session-enroll": Api("POST", f"{V1}/training/sessions/{{id}}/enroll/"),
    "training:enrollment-withdraw": Api("POST", f"{V1}/training/enrollments/{{id}}/withdraw/"),
    "training:enrollment-attendance": Api("POST", f"{V1}/training/enrollments/{{id}}/attendance/"),
    "training:enrollment-assess": Api("POST", f"{V1}/training/enrollments/{{id}}/assess/"),
    "training:field-hours": Api("POST", f"{V1}/training/field-hours/"),
    "training:field-hours-sign-off": Api("POST", f"{V1}/training/field-hours/{{id}}/sign-off/"),
}

# ENCOUNTERS (operations): the phone form and POST /api/v1/encounters/ call encounter_record, idempotent on the key.
OPERATIONS_ENCOUNTERS = {
    "operations:encounter-create": Api("POST", f"{V1}/encounters/"),
}


# Operations (issue 22), DISPATCH's part: the service tokens of the dispatch system.
OPERATIONS_DISPATCH = {
    "operations:service-token-create": Exempt(
        "A service token is made by a program admin signed in on the page behind their second factor, so that "
        "no token (personal or service) can mint another; the token itself is shown once on that page."),
    "operations:service-token-revoke": Exempt(
        "Revoked by a program admin on the page beside the list of tokens, like personal tokens: a token able "
        "to revoke service tokens would let a leaked one cut the dispatch system off."),
}

# Translation review (issue 23): a community reviewer's browser work, read by a person before it is applied.
TRANSLATIONS = {
    "core:translation-status": Exempt(
        "Marking a language reviewed is a reviewer's statement, made after reading its strings on the page "
        "beside the button; residents see the date on every page, so no script should make it."),
    "core:translation-import": Exempt(
        "A reviewed .po file is applied only after a person has read its diff (changed, new, removed strings) "
        "on the preview page; an API would skip the reading the import exists for."),
}

OTHERS = {**ALLAUTH, **DJANGO, **ACCOUNTS, **ENGAGEMENT, **NOTIFICATIONS, **OPERATIONS, **OPERATIONS_DISPATCH,
          **OPERATIONS_ENCOUNTERS, **REPORTS, **SCHEDULING, **TRAINING, **TRANSLATIONS}

PARITY = {**PROCUREMENT, **OTHERS}
