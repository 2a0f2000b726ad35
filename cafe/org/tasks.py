"""Scheduled jobs of the staff directory."""

from celery import shared_task

from . import staff


@shared_task(name="org.deactivate_expired_contracts", acks_late=True)
def deactivate_expired_contracts() -> int:
    """Daily: people past their contract end leave (idempotent)."""
    return staff.deactivate_expired_contracts()


@shared_task(name="org.habeas_daily", acks_late=True)
def habeas_daily() -> dict:
    """Daily: withdraw abandoned incomplete reclamos, escalate overdue requests to
    Despacho (once per request). Idempotent."""
    from . import habeas

    return {
        "desistidas": habeas.withdraw_abandoned(),
        "escaladas": habeas.escalate_overdue(),
    }


@shared_task(name="org.apply_retention", acks_late=True)
def apply_retention() -> int:
    """Nightly: purge or anonymise what outlived its retention period."""
    from .retention import apply_retention as run

    return sum(outcome.count for outcome in run())
