"""Scheduled jobs of the sessions app (dispatchers; see services.communications)."""

from celery import shared_task

from .services import allocation, communications


@shared_task(name="sessions.send_monthly_invitations", acks_late=True)
def send_monthly_invitations() -> int:
    """Daily; acts only on the month's first working day."""
    return communications.send_monthly_invitations()


@shared_task(name="sessions.send_reminders", acks_late=True)
def send_reminders() -> int:
    return communications.send_reminders()


@shared_task(name="sessions.send_post_session", acks_late=True)
def send_post_session() -> dict:
    return communications.send_post_session()


@shared_task(name="sessions.allocate_seats", acks_late=True)
def allocate_seats() -> int:
    """Every few minutes: give the seats of sessions whose request window closed."""
    return allocation.allocate_due_sessions()


@shared_task(name="sessions.announce_allocation", acks_late=True)
def announce_allocation(session_id: int) -> int:
    """After an allocation commits: e-mail each person the result."""
    return allocation.announce_allocation(session_id=session_id)
