"""The people of the simulation and what they do, through the services and (for a good share) the
HTTP views, like a user would. Every choice comes from one random.Random(seed): a run is reproducible.

A service that refuses (ApplicationError) is normal life — a responder not eligible for a place, a
full class — and is counted as refused, not as a failure. Anything else raised is a failure.

One module per part of the program and the people who act in it: world (the World, its people, the
scene at the start), accounts, scheduling (responders and coordinators), training (trainers and
responders), engagement (residents and the moderator), operations (the teams at work: their status on a
shift and the encounters they log); the RFP cycle is ../rfp.py. The engine calls
them as actors.<name>, re-exported here.
"""

from .accounts import invitations, subscribe_to_monthly_report
from .engagement import (
    moderate,
    plan_community_session,
    public_feedback,
    publish_decision,
    residents_erase,
    residents_register,
    session_closed,
    session_held,
)
from .operations import late_status_tap, shift_calls
from .scheduling import (
    fill_positions,
    shift_ended,
    shift_hours_recorded,
    shift_no_shows,
    shift_started,
    sign_ups,
    swaps_and_time_off,
    weekly_schedule,
)
from .training import renewals, schedule_classes, training_day, verify_pending_records
from .world import (
    NONPROFIT_1,
    NONPROFIT_2,
    NONPROFIT_3,
    World,
    build_world,
    pdf_upload,
)

__all__ = [
    "NONPROFIT_1", "NONPROFIT_2", "NONPROFIT_3", "World", "build_world",
    "fill_positions", "invitations", "late_status_tap", "moderate", "pdf_upload", "plan_community_session",
    "public_feedback",
    "publish_decision", "renewals", "residents_erase", "residents_register", "schedule_classes", "session_closed",
    "session_held", "shift_calls", "shift_ended", "shift_hours_recorded", "shift_no_shows", "shift_started", "sign_ups",
    "subscribe_to_monthly_report", "swaps_and_time_off", "training_day", "verify_pending_records", "weekly_schedule",
]
