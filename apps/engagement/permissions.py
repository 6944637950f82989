"""Who may run sessions and handle feedback. Moderators of the session's city department (and
program admins) manage it; other roles may not. Plain predicates, used by views, API and templates."""

from apps.accounts.permissions import is_program_admin
from apps.accounts.roles import Role


def is_engagement_staff(user) -> bool:
    return user.is_authenticated and user.has_any_role(Role.MODERATOR, Role.PROGRAM_ADMIN)


def moderator_organization_ids(user) -> set[int]:
    return user.organization_ids(Role.MODERATOR) if user.is_authenticated else set()


def staff_organization_ids(user) -> set[int] | None:
    """The city departments whose sessions and feedback `user` handles: None for every department (a
    program admin), else those they moderate (none for anyone else). The one statement of that rule:
    the selectors filter their lists by it and the predicates below check a single object by it, so
    a list and a check on one of its rows never disagree."""
    return None if is_program_admin(user) else moderator_organization_ids(user)


def handles_organization(user, organization_id: int | None) -> bool:
    departments = staff_organization_ids(user)
    return departments is None or organization_id in departments


def can_manage_session(user, session) -> bool:
    return handles_organization(user, session.organization_id)


def can_create_session(user) -> bool:
    return is_engagement_staff(user)


def can_moderate_feedback(user, item) -> bool:
    # Feedback tied to no department (an online comment about no session) is every moderator's.
    return is_engagement_staff(user) and (item.organization_id is None
                                          or handles_organization(user, item.organization_id))


def can_enter_feedback(user) -> bool:
    return is_engagement_staff(user)


def can_manage_codebook(user) -> bool:
    return is_engagement_staff(user)


def can_manage_decisions(user) -> bool:
    return is_engagement_staff(user)
