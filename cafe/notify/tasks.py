"""Celery tasks of the outbox. Thin: ids in, one service call."""

import random

from celery import shared_task

from . import services


def backoff_seconds(retries: int) -> int:
    """Exponential backoff with jitter, capped well below the visibility timeout."""
    ceiling = min(600, 30 * (2**retries))
    return random.randint(ceiling // 2, ceiling)  # noqa: S311 - not for security


@shared_task(name="notify.deliver_email", bind=True, acks_late=True, max_retries=5)
def deliver_email(self, delivery_id: int) -> str:
    """Send one outbox row; retry with backoff on 4xx replies and connection errors.

    When the retries run out the row stays pending (or failed after
    ``NOTIFY_MAX_ATTEMPTS``) and the sweeper tries again later.
    """
    try:
        return services.deliver(delivery_id=delivery_id)
    except services.TemporaryDeliveryError as exc:
        if self.request.retries >= self.max_retries:
            return "pending"
        raise self.retry(
            exc=exc, countdown=backoff_seconds(self.request.retries)
        ) from exc


@shared_task(name="notify.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:
    """Re-enqueue pending rows left behind (periodic, from the beat schedule)."""
    return services.sweep_pending()


@shared_task(name="notify.deliver_batch", acks_late=True)
def deliver_batch_task(delivery_ids: list[int]) -> dict:
    """Send one batch of shared-content rows over one SMTP connection."""
    return services.deliver_batch(delivery_ids=delivery_ids)


@shared_task(name="notify.pump_shared", acks_late=True)
def pump_shared() -> int:
    """Every minute: the next rows of bulletins and invitations, at the allowed rate."""
    return services.pump_shared()
