"""Outbox rows written under a lock and rendered by the worker.

A service that holds a lock (a registration holds its session's row) writes the
outbox row in its transaction but leaves the rendering (templates, the .ics) out of
the request: ``queue_for_build`` stores who and why, the row is enqueued once the
transaction commits, and the worker renders it with the builder registered for the
row's kind just before sending it. With tasks in-process (the embedded default) that
happens right after commit; with the broker down the row waits, unrendered, for the
sweeper.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Delivery
from .services import Attachment, enqueue, render_email


@dataclass(frozen=True)
class Built:
    """What a builder makes of an outbox row: a template, its context, attachments."""

    template: str
    context: dict
    attachments: tuple[Attachment, ...] = ()


_builders: dict[str, Callable[[Delivery], Built | None]] = {}


def register_builder(kind: str, build: Callable[[Delivery], Built | None]) -> None:
    """``build(delivery)`` makes the message of a row of ``kind`` queued with
    ``queue_for_build``; None when there is nothing to send any more."""
    _builders[kind] = build


def queue_for_build(*, key: str, kind: str, to: str, recipient=None) -> None:
    """Write an outbox row in the caller's transaction, enqueued after commit and
    built by the worker with the builder of ``kind``; once per ``key`` (as
    ``send_templated``). Nothing is rendered here."""
    if kind not in _builders:
        raise LookupError(f"No builder registered for {kind!r}")
    delivery = Delivery(
        idempotency_key=key, kind=kind, recipient=recipient, to_email=to
    )
    # One statement and no savepoint, for a caller that holds a lock: the row is
    # inserted, or the row ``key`` already has stays as it was (its key is written
    # over with itself) and only its id comes back. Enqueuing an existing row again
    # sends nothing twice: ``deliver`` claims pending rows only.
    Delivery.objects.bulk_create(
        [delivery],
        update_conflicts=True,
        unique_fields=["idempotency_key"],
        update_fields=["idempotency_key"],
    )
    transaction.on_commit(partial(enqueue, delivery.pk))


def _needs_build(delivery: Delivery) -> bool:
    return (
        delivery.content_id is None
        and not delivery.body_text
        and delivery.kind in _builders
    )


def build(delivery: Delivery) -> bool:
    """Render the row's subject, body and attachments if it has none yet. Returns
    False when its builder says there is nothing to send (the row is then failed)."""
    if not _needs_build(delivery):
        return True
    built = _builders[delivery.kind](delivery)
    if built is None:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.FAILED,
            last_error="Nada que enviar: el origen del mensaje ya no existe.",
            claimed_until=None,
            updated_at=timezone.now(),
        )
        return False
    subject, text, body_html = render_email(built.template, built.context)
    delivery.subject = subject[:250]
    delivery.body_text = text
    delivery.body_html = body_html
    delivery.attachments = [a.to_json() for a in built.attachments]
    Delivery.objects.filter(pk=delivery.pk, body_text="").update(
        subject=delivery.subject,
        body_text=delivery.body_text,
        body_html=delivery.body_html,
        attachments=delivery.attachments,
        updated_at=timezone.now(),
    )
    return True
