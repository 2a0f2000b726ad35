"""Outbox rows written under a lock and rendered after it.

A service that holds a lock (a registration holds its session's row) writes the
outbox row in its transaction but leaves the rendering (templates, the .ics) until
after commit: ``queue_for_build`` stores who and why, and the builder registered for
the row's kind renders it once the transaction commits, or in the worker (before
sending) if the process died in between. Then the row is sent like any other.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Delivery
from .services import Attachment, enqueue, render_email

logger = logging.getLogger(__name__)


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


def queue_for_build(*, key: str, kind: str, to: str, recipient=None) -> Delivery:
    """Write an outbox row in the caller's transaction, to be built after commit by
    the builder of ``kind`` and then enqueued; once per ``key`` (as
    ``send_templated``). Nothing is rendered here."""
    if kind not in _builders:
        raise LookupError(f"No builder registered for {kind!r}")
    with transaction.atomic():
        delivery, created = Delivery.objects.get_or_create(
            idempotency_key=key,
            defaults={"kind": kind, "recipient": recipient, "to_email": to},
        )
    if created:
        transaction.on_commit(partial(build_and_enqueue, delivery.pk))
    return delivery


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


def build_and_enqueue(delivery_id: int) -> None:
    """After commit: render the row, then hand it to a worker. A failure to render
    is logged and left to the worker, which builds before sending."""
    try:
        delivery = Delivery.objects.filter(pk=delivery_id).first()
        if delivery is None or not build(delivery):
            return
    except Exception:
        logger.exception("outbox: could not build delivery %s now", delivery_id)
    enqueue(delivery_id)
