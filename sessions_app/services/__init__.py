"""Writes of the sessions app. Each service is one transaction; bad input raises a
Spanish ``ValidationError`` and changes nothing."""

from .attendance import add_walk_in, mark_session_held, set_attendance
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
    "add_walk_in",
    "approve_minutes",
    "cancel_registration",
    "cancel_session",
    "create_planned_sessions",
    "erase_testimonials_of",
    "mark_session_held",
    "plan_month",
    "publish_session",
    "publish_sessions",
    "record_testimonial",
    "register_attendee",
    "return_minutes",
    "save_campaign",
    "save_minutes",
    "save_session",
    "save_topic",
    "set_attendance",
    "submit_feedback",
    "submit_minutes",
    "withdraw_testimonial",
]
