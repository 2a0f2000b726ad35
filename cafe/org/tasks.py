"""Scheduled jobs of the staff directory."""

from celery import shared_task

from . import staff


@shared_task(name="org.deactivate_expired_contracts", acks_late=True)
def deactivate_expired_contracts() -> int:
    """Daily: people past their contract end leave (idempotent)."""
    return staff.deactivate_expired_contracts()
