"""Core's own predicates. Roles are asked through the user (accounts.User), never imported."""


def can_view_audit(user) -> bool:
    return user.is_authenticated and user.has_role("program_admin")


