"""Writes of the sessions app. Each service is one transaction; bad input raises a
Spanish ``ValidationError`` and changes nothing."""

from .agenda import add_agenda_block, remove_agenda_block
from .allocation import allocate_due_sessions, allocate_seats, announce_allocation
from .attendance import (
    add_walk_in,
    check_in,
    mark_session_held,
    record_walk_in,
    set_attendance,
)
from .checkin import (
    check_in_from_room,
    check_in_with_pass,
    check_room_code,
    walk_in_from_room,
)
from .minutes import approve_minutes, return_minutes, save_minutes, submit_minutes
from .registration import cancel_registration, register_attendee
from .scheduling import (
    PlannedSession,
    cancel_session,
    create_planned_sessions,
    plan_month,
    publish_session,
    publish_sessions,
    save_session,
    save_topic,
)
from .survey import submit_feedback
from .voices import (
    erase_testimonials_of,
    record_testimonial,
    save_campaign,
    withdraw_testimonial,
)

__all__ = [
    "PlannedSession",
    "add_agenda_block",
    "add_walk_in",
    "allocate_due_sessions",
    "allocate_seats",
    "announce_allocation",
    "approve_minutes",
    "cancel_registration",
    "cancel_session",
    "check_in",
    "check_in_from_room",
    "check_in_with_pass",
    "check_room_code",
    "create_planned_sessions",
    "erase_testimonials_of",
    "mark_session_held",
    "plan_month",
    "publish_session",
    "publish_sessions",
    "record_testimonial",
    "record_walk_in",
    "register_attendee",
    "remove_agenda_block",
    "return_minutes",
    "save_campaign",
    "save_minutes",
    "save_session",
    "save_topic",
    "set_attendance",
    "submit_feedback",
    "submit_minutes",
    "walk_in_from_room",
    "withdraw_testimonial",
]
