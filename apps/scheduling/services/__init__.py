"""Every write of the schedule, named `<entity>_<verb>`. Assigning anyone goes through the eligibility
engine, under a row lock on the position, with the database's exclusion constraint behind it."""

from .assignments import (
    CHECK_IN_OPENS,
    CHECK_OUT_CLOSES,
    assignment_cancel,
    assignment_check_in,
    assignment_check_out,
    assignment_create,
    assignment_mark_no_show,
    assignment_record_hours,
    assignment_sign_up,
    check_in_opens_at,
)
from .availability import (
    availability_add,
    availability_remove,
    time_off_decide,
    time_off_request,
    time_off_withdraw,
)
from .calendar import calendar_feed_revoke, calendar_feed_rotate
from .shifts import (
    MAX_SHIFT_LENGTH,
    shift_cancel,
    shift_create,
    shift_publish,
    shift_reschedule,
    shift_template_create,
    shift_template_generate,
    shifts_publish_week,
)
from .swaps import swap_accept, swap_decide, swap_offer, swap_withdraw
from .teams import composition_errors, team_create

__all__ = [
    "CHECK_IN_OPENS", "CHECK_OUT_CLOSES", "MAX_SHIFT_LENGTH", "assignment_cancel", "assignment_check_in",
    "assignment_check_out", "assignment_create", "assignment_mark_no_show", "assignment_record_hours",
    "assignment_sign_up", "availability_add", "check_in_opens_at",
    "availability_remove", "calendar_feed_revoke", "calendar_feed_rotate",
    "composition_errors", "shift_cancel", "shift_create", "shift_publish", "shift_reschedule",
    "shift_template_create", "shift_template_generate", "shifts_publish_week", "swap_accept", "swap_decide",
    "swap_offer", "swap_withdraw", "team_create", "time_off_decide", "time_off_request", "time_off_withdraw",
]
