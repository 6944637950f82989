"""Who may run sessions and handle feedback. Moderators of the session's city department (and
program admins) manage it; other roles may not. Plain predicates, used by views, API and templates."""

from apps.accounts.roles import Role


def is_engagement_staff(user) -> bool:
    return user.is_authenticated and user.has_any_role(Role.MODERATOR, Role.PROGRAM_ADMIN)


def moderator_organization_ids(user) -> set[int]:
    return user.organization_ids(Role.MODERATOR) if user.is_authenticated else set()


def can_manage_session(user, session) -> bool:
    if not user.is_authenticated:
        return False
    return user.has_role(Role.PROGRAM_ADMIN) or user.has_role(Role.MODERATOR, session.organization_id)


def can_create_session(user) -> bool:
    return is_engagement_staff(user)


def can_moderate_feedback(user, item) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_role(Role.PROGRAM_ADMIN):
        return True
    if item.organization_id is None:
        return user.has_role(Role.MODERATOR)
    return user.has_role(Role.MODERATOR, item.organization_id)


def can_enter_feedback(user) -> bool:
    return is_engagement_staff(user)


def can_manage_codebook(user) -> bool:
    return is_engagement_staff(user)


def can_manage_decisions(user) -> bool:
    return is_engagement_staff(user)
