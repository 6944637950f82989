"""Who may do what with training data. Plain predicates, used by views, the API and templates."""

from apps.accounts.permissions import is_program_admin
from apps.accounts.roles import Role

# Roles that look after an organization's training: they see its records, verify and run sessions.
STAFF_ROLES = (Role.COORDINATOR, Role.TRAINER)


def managed_organization_ids(user) -> set[int]:
    """Organizations whose training the user looks after (program admins: see `is_program_admin`)."""
    return user.organization_ids(*STAFF_ROLES) if user.is_authenticated else set()


def can_manage_training(user, organization_id: int) -> bool:
    return is_program_admin(user) or organization_id in managed_organization_ids(user)


def can_verify_record(user, record) -> bool:
    """A trainer or coordinator of the record's organization, never for their own record."""
    return (user.is_authenticated and record.responder_id != user.pk
            and record.organization_id in managed_organization_ids(user))


def can_submit_record(user, *, responder, organization_id: int) -> bool:
    if not user.is_authenticated or not responder.has_role(Role.RESPONDER, organization_id):
        return False
    return responder.pk == user.pk or organization_id in managed_organization_ids(user)


def can_edit_requirements(user) -> bool:
    return is_program_admin(user)


def can_view_readiness(user, *, subject, organization_id: int) -> bool:
    return user.is_authenticated and (subject.pk == user.pk or can_manage_training(user, organization_id))


def can_create_session(user, organization_id: int) -> bool:
    return user.is_authenticated and organization_id in managed_organization_ids(user)


def can_manage_session(user, session) -> bool:
    """The session's trainer, a coordinator of its organization, or a program admin."""
    return user.is_authenticated and (
        session.trainer_id == user.pk or is_program_admin(user)
        or user.has_role(Role.COORDINATOR, session.organization_id)
    )


def can_enroll(user, *, session, responder) -> bool:
    if not user.is_authenticated or not responder.has_role(Role.RESPONDER, session.organization_id):
        return False
    return responder.pk == user.pk or user.has_role(Role.COORDINATOR, session.organization_id)


def can_log_field_hours(user, organization_id: int) -> bool:
    return user.is_authenticated and user.has_role(Role.RESPONDER, organization_id)


def can_sign_off_field_hours(user, entry) -> bool:
    return user.is_authenticated and entry.preceptor_id == user.pk and entry.responder_id != user.pk


def can_import_records(user, organization_id: int) -> bool:
    """A trainer or coordinator of the organization: they vouch for the file they import."""
    return user.is_authenticated and organization_id in managed_organization_ids(user)
