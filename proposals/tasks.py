"""Scheduled jobs of the proposals app."""

from celery import shared_task

from . import bulletin, communications


@shared_task(name="proposals.send_overdue_digests", acks_late=True)
def send_overdue_digests() -> dict:
    return communications.send_overdue_digests()


@shared_task(name="proposals.compose_bulletin", acks_late=True)
def compose_bulletin() -> int:
    """Daily; creates last month's draft the first time it runs in a month."""
    edition, _created = bulletin.compose_bulletin()
    return edition.pk
