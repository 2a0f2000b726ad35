"""Who may do what in the sessions app."""

from cafe.access import has_perm

can_manage_sessions = has_perm("org.manage_sessions")
can_review_minutes = has_perm("sessions_app.review_minutes")


def can_see_minutes_history(user) -> bool:
    return can_manage_sessions(user) or can_review_minutes(user)
