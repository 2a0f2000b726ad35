"""Writes of the proposals app: one transaction each, Spanish ValidationError on bad
input, nothing half-written."""

from .anonymous import find_queued_by_tracking_code, publish_anonymous_batch
from .capture import (
    capture_in_room,
    find_by_tracking_code,
    forget_supports_of,
    recount_supports,
    submit_proposal,
    support_proposal,
    withdraw_support,
)
from .commitments import decide_extension, record_agreement, request_extension
from .escalation import escalate_overdue_commitments
from .follow_up import (
    TRANSITIONS,
    accept_proposal,
    add_progress_note,
    answer_proposal,
    assign_dependency,
    change_status,
    default_due_date,
)
from .moderation import hide_proposal, mark_duplicate, unhide_proposal

__all__ = [
    "TRANSITIONS",
    "accept_proposal",
    "add_progress_note",
    "answer_proposal",
    "assign_dependency",
    "capture_in_room",
    "change_status",
    "decide_extension",
    "default_due_date",
    "escalate_overdue_commitments",
    "find_by_tracking_code",
    "find_queued_by_tracking_code",
    "forget_supports_of",
    "hide_proposal",
    "mark_duplicate",
    "publish_anonymous_batch",
    "record_agreement",
    "recount_supports",
    "request_extension",
    "submit_proposal",
    "support_proposal",
    "unhide_proposal",
    "withdraw_support",
]
