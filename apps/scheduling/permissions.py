"""Who may do what with the schedule. Plain predicates, used by views, the API and templates."""

from apps.accounts.roles import Role


def coordinated_organization_ids(user) -> set[int]:
    return user.organization_ids(Role.COORDINATOR) if user.is_authenticated else set()


def responder_organization_ids(user) -> set[int]:
    return user.organization_ids(Role.RESPONDER) if user.is_authenticated else set()


def can_manage_schedule(user, organization_id: int) -> bool:
    """Coordinators build, publish and staff their own organization's schedule."""
    return organization_id in coordinated_organization_ids(user)


def can_sign_up(user, shift) -> bool:
    return shift.organization_id in responder_organization_ids(user)


def can_act_on_assignment(user, assignment) -> bool:
    """The responder themself or a coordinator of the shift's organization (check-in, cancel)."""
    return user.is_authenticated and (assignment.responder_id == user.pk
                                      or can_manage_schedule(user, assignment.shift.organization_id))


def can_offer_swap(user, assignment) -> bool:
    return user.is_authenticated and assignment.responder_id == user.pk


def can_take_swap(user, swap) -> bool:
    return (swap.offered_by_id != user.pk
            and swap.assignment.shift.organization_id in responder_organization_ids(user))


def can_withdraw_swap(user, swap) -> bool:
    return user.is_authenticated and swap.offered_by_id == user.pk


def can_decide_swap(user, swap) -> bool:
    return can_manage_schedule(user, swap.assignment.shift.organization_id)


def can_decide_time_off(user, time_off) -> bool:
    return time_off.responder_id != user.pk and can_manage_schedule(user, time_off.organization_id)


def can_withdraw_time_off(user, time_off) -> bool:
    return user.is_authenticated and time_off.responder_id == user.pk


def can_override(user, organization_id: int) -> bool:
    return can_manage_schedule(user, organization_id)
