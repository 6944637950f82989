"""Every write of engagement data, named `<entity>_<verb>`: sessions, registrations and the waitlist,
check-in, feedback, moderation, coding and decisions."""

from .decisions import DECISION_FIELDS, decision_publish, decision_save
from .feedback import (
    BULK_MODERATION_LIMIT,
    MODERATION_FIELDS,
    BulkModeration,
    feedback_code,
    feedback_consent_problem,
    feedback_moderate,
    feedback_moderate_and_code,
    feedback_moderate_bulk,
    feedback_submit,
    theme_create,
)
from .registrations import (
    CODE_ALPHABET,
    CODE_LENGTH,
    REGISTRATION_SALT,
    registration_cancel,
    registration_check_in,
    registration_consent_problem,
    registration_create,
    registration_from_token,
    registration_links,
    registration_token,
    staff_task_complete,
)
from .reminders import session_reminders_scan
from .sessions import (
    SESSION_FIELDS,
    session_cancel,
    session_close,
    session_create,
    session_publish,
    session_update,
    walk_in_record,
)

__all__ = [
    "BULK_MODERATION_LIMIT", "BulkModeration", "CODE_ALPHABET", "CODE_LENGTH", "DECISION_FIELDS", "MODERATION_FIELDS",
    "REGISTRATION_SALT", "SESSION_FIELDS", "decision_publish", "decision_save", "feedback_code",
    "feedback_consent_problem", "feedback_moderate", "feedback_moderate_and_code",
    "feedback_moderate_bulk", "feedback_submit",
    "registration_cancel", "registration_check_in", "registration_consent_problem", "registration_create",
    "registration_from_token", "registration_links", "registration_token", "session_cancel", "session_close",
    "session_create", "session_publish", "session_reminders_scan", "session_update", "staff_task_complete",
    "theme_create", "walk_in_record",
]
