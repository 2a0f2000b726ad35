"""Writes of the outbox: queue a templated e-mail, deliver it exactly once per key.

Guarantees:
- ``send_templated`` writes the outbox row in the caller's transaction and enqueues the
  delivery only after commit; a rolled-back caller leaves no row and sends nothing.
- A broker that is down or frozen at enqueue time does not fail the caller: the row
  stays pending and the periodic sweeper enqueues it later. Nothing is lost.
- ``deliver`` claims the row (a lease) before talking to SMTP, so two workers, a retry
  or a redelivered task never send the same row twice. A crash after the SMTP server
  accepted the message but before the row was marked sent may, once the lease expires,
  send it a second time: at-least-once, never lost.
- ``deliver_batch`` records each message as sent (its own committed UPDATE) as soon as
  the SMTP server accepts it, so a worker killed mid-batch repeats at most the one
  message in flight, never the ones it already sent.
"""

import base64
import hashlib
import html
import logging
import secrets
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cafe.branding import brand

from . import kept_connection
from .mime import SharedContentEmail, send_over, shared_body
from .models import Delivery, MessageContent
from .qr import qr_png

logger = logging.getLogger(__name__)


class TemporaryDeliveryError(Exception):
    """SMTP or the network failed in a way worth retrying (4xx, connection)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str | bytes
    mimetype: str
    # Also add the content as an alternative part (text/calendar invitations).
    alternative: bool = False
    # Shown inline: the HTML body refers to it as ``cid:<content_id>`` (an image).
    content_id: str = ""
    # A QR code of this text, drawn as a PNG when the message is built (``content``
    # stays empty): see ``cafe.notify.qr``.
    qr_text: str = ""

    def to_json(self) -> dict:
        if isinstance(self.content, bytes):
            content, encoding = base64.b64encode(self.content).decode("ascii"), "base64"
        else:
            content, encoding = self.content, "text"
        data = {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content": content,
            "encoding": encoding,
            "alternative": self.alternative,
        }
        if self.content_id:
            data["content_id"] = self.content_id
        if self.qr_text:
            data["qr_text"] = self.qr_text
        return data


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Render ``emails/<template>.subject.txt``, ``.txt`` and (if present) ``.html``.

    Rendering is always in the site language (es-CO), also inside Celery workers.
    """
    ctx = {**brand(), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}.subject.txt", ctx)
        subject = " ".join(html.unescape(subject).split())
        text = render_to_string(f"emails/{template}.txt", ctx).strip() + "\n"
        try:
            body_html = render_to_string(f"emails/{template}.html", ctx)
        except TemplateDoesNotExist:
            body_html = ""
    return subject, text, body_html


def send_templated(
    *,
    key: str,
    template: str,
    context: dict,
    to: str,
    recipient=None,
    kind: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> Delivery:
    """Queue one e-mail to one recipient, once per ``key``.

    A second call with the same key returns the existing row and sends nothing new.
    """
    existing = Delivery.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    subject, text, body_html = render_email(template, context)
    with transaction.atomic():
        delivery, created = Delivery.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "kind": kind or template.replace("/", "."),
                "recipient": recipient,
                "to_email": to,
                "subject": subject[:250],
                "body_text": text,
                "body_html": body_html,
                "attachments": [a.to_json() for a in attachments],
            },
        )
    if created:
        enqueue_on_commit(delivery.pk)
    return delivery


def enqueue_on_commit(delivery_id: int) -> None:
    """Hand the row to a worker once the surrounding transaction commits."""
    transaction.on_commit(partial(enqueue, delivery_id))


# After a failed publish, this process leaves that broker alone for a few seconds:
# nobody else waits for its timeout, and the rows wait for the sweeper.
BROKER_PAUSE_SECONDS = 5
_broker_paused_until: dict[str, float] = {}


def enqueue(delivery_id: int) -> bool:
    """Publish the delivery task once, without retrying; a broker failure is logged,
    never raised (the row stays pending and the sweeper enqueues it later).

    Returns whether the task was published (or ran, in eager mode).
    """
    from .tasks import deliver_email

    broker = str(deliver_email.app.conf.broker_write_url or "")
    if time.monotonic() < _broker_paused_until.get(broker, 0.0):
        return False
    try:
        deliver_email.apply_async((delivery_id,), retry=False)
    except Exception:  # broker down or frozen: the sweeper will pick the row up
        _broker_paused_until[broker] = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "outbox: could not enqueue delivery %s; left pending", delivery_id
        )
        return False
    return True


def _message_id(delivery: Delivery) -> str:
    """Deterministic per row, so a rare duplicate send is recognisable as such."""
    digest = hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:16]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    return f"<cafe.{delivery.pk}.{digest}@{domain}>"


def build_message(
    delivery: Delivery, connection=None, *, reuse_body: bool = False
) -> EmailMultiAlternatives:
    """The e-mail of one row. With ``reuse_body`` (the batch sender), a row of a shared
    content with an HTML body reuses that content's MIME body, built once."""
    content = delivery.content if delivery.content_id else None
    if reuse_body and content and content.body_html and not delivery.attachments:
        body = shared_body(
            subject=content.subject,
            body=content.body_text,
            html=content.body_html,
            from_email=settings.DEFAULT_FROM_EMAIL,
            charset=settings.DEFAULT_CHARSET,
        )
        return SharedContentEmail(
            shared=body,
            to=[delivery.to_email],
            headers={"Message-ID": _message_id(delivery)},
            connection=connection,
        )
    source = content or delivery
    message = EmailMultiAlternatives(
        subject=source.subject,
        body=source.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        headers={"Message-ID": _message_id(delivery)},
        connection=connection,
    )
    if source.body_html:
        message.attach_alternative(source.body_html, "text/html")
    for item in delivery.attachments:
        content = item["content"]
        if item.get("encoding") == "base64":
            content = base64.b64decode(content)
        if item.get("qr_text"):
            content = qr_png(item["qr_text"])
        if item.get("alternative"):
            message.attach_alternative(content, item["mimetype"])
        if item.get("content_id"):
            message.attach(_inline_part(item, content))
        else:
            message.attach(item["filename"], content, item["mimetype"].split(";")[0])
    return message


def _inline_part(item: dict, content: bytes) -> MIMEBase:
    """An attachment the HTML body shows in place (``<img src="cid:...">``)."""
    maintype, subtype = item["mimetype"].split(";")[0].split("/", 1)
    part = MIMEBase(maintype, subtype)
    part.set_payload(content)
    encoders.encode_base64(part)
    part.add_header("Content-ID", f"<{item['content_id']}>")
    part.add_header("Content-Disposition", "inline", filename=item["filename"])
    return part


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    lease = now + timedelta(seconds=settings.NOTIFY_CLAIM_SECONDS)
    claimed = (
        Delivery.objects.filter(pk=delivery_id, state=Delivery.State.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=lease, attempts=F("attempts") + 1, updated_at=now)
    )
    if not claimed:
        return None
    return Delivery.objects.get(pk=delivery_id)


def _classify(exc: Exception) -> tuple[bool, str]:
    """Return (permanent, reason) for an SMTP or network error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        reason = "; ".join(
            f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for code, msg in exc.recipients.values()
        )
        return bool(codes) and all(500 <= code < 600 for code in codes), reason
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        if isinstance(error, bytes):
            error = error.decode(errors="replace")
        return 500 <= exc.smtp_code < 600, f"{exc.smtp_code} {error}"
    return False, f"{type(exc).__name__}: {exc}"


def deliver(*, delivery_id: int) -> str:
    """Send one outbox row if it is still pending and nobody else holds it.

    Returns ``"sent"``, ``"failed"`` (permanent SMTP 5xx) or ``"skipped"`` (already
    sent, failed, gone or claimed by another worker). Raises
    ``TemporaryDeliveryError`` on a 4xx reply or a connection problem, after releasing
    the claim for a retry.
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    from .deferred import build

    if not build(delivery):
        return "failed"
    try:
        kept_connection.send(build_message(delivery))
    except (smtplib.SMTPException, OSError) as exc:
        if _record_failure(delivery, exc) == Delivery.State.FAILED:
            return "failed"
        raise TemporaryDeliveryError(_classify(exc)[1]) from exc
    _mark_sent([delivery.pk])
    return "sent"


def _record_failure(delivery: Delivery, exc: Exception) -> str:
    """Store why a send failed; permanent (5xx) or exhausted rows become failed."""
    permanent, reason = _classify(exc)
    exhausted = delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS
    state = Delivery.State.FAILED if permanent or exhausted else Delivery.State.PENDING
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state,
        last_error=reason[:2000],
        claimed_until=None,
        updated_at=timezone.now(),
    )
    if state == Delivery.State.FAILED:
        logger.warning("outbox: delivery %s failed: %s", delivery.pk, reason)
    return state


def _mark_sent(delivery_ids: list[int]) -> None:
    """One UPDATE for the rows the SMTP server accepted."""
    if not delivery_ids:
        return
    now = timezone.now()
    Delivery.objects.filter(pk__in=delivery_ids).update(
        state=Delivery.State.SENT,
        sent_at=now,
        claimed_until=None,
        last_error="",
        updated_at=now,
    )


def queue_shared(
    *, content: MessageContent, recipients: list[tuple[str, str, int]], kind: str
) -> None:
    """Create one pending row per ``(key, email, user_id)`` sharing ``content``.

    Rows whose key already exists are left alone, so fanning out twice creates
    nothing new. Nothing is enqueued here: a dispatcher sends them in batches.
    """
    rows = [
        Delivery(
            idempotency_key=key,
            kind=kind,
            recipient_id=user_id,
            to_email=email,
            content=content,
            subject=content.subject[:250],
        )
        for key, email, user_id in recipients
    ]
    Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def deliver_batch(*, delivery_ids: list[int]) -> dict[str, int]:
    """Send a batch of pending rows over one SMTP connection.

    One UPDATE claims the rows, one SELECT reads them and one their shared contents
    (each content once, not once per row); then each message accepted by the SMTP
    server is marked sent at once, in its own UPDATE (committed when called outside a
    transaction, as a worker does). A worker killed mid-batch therefore repeats at
    most the one message in flight. A shared content's MIME body is built once, not
    once per message (``cafe.notify.mime``). A temporary failure leaves its row
    pending for the next round.
    """
    now = timezone.now()
    # The lease doubles as this call's claim mark: a random microsecond offset keeps
    # two calls at the same instant from reading each other's rows as their own.
    lease = now + timedelta(
        seconds=settings.NOTIFY_CLAIM_SECONDS, microseconds=secrets.randbelow(10**6)
    )
    Delivery.objects.filter(pk__in=delivery_ids, state=Delivery.State.PENDING).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).update(claimed_until=lease, attempts=F("attempts") + 1, updated_at=now)
    claimed = list(
        Delivery.objects.filter(pk__in=delivery_ids, claimed_until=lease)
        .prefetch_related("content")
        .order_by("pk")
    )
    result = {"sent": 0, "failed": 0, "pending": 0}
    sent: set[int] = set()
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    try:
        if claimed:
            connection.open()
        for delivery in claimed:
            try:
                send_over(
                    connection,
                    build_message(delivery, connection=connection, reuse_body=True),
                )
            except (smtplib.SMTPException, OSError) as exc:
                state = _record_failure(delivery, exc)
                result["failed" if state == Delivery.State.FAILED else "pending"] += 1
            else:
                # Before the next message: a crash from here on cannot repeat this one.
                _mark_sent([delivery.pk])
                sent.add(delivery.pk)
    except (smtplib.SMTPException, OSError) as exc:
        # No connection at all: every row not yet tried waits for the next round.
        for delivery in claimed:
            if delivery.pk not in sent:
                _record_failure(delivery, exc)
                result["pending"] += 1
    finally:
        connection.close()
    result["sent"] = len(sent)
    return result


def retry_failed(*, delivery_id: int) -> bool:
    """Put a failed row back in the queue (a person asked for it). Returns success."""
    with transaction.atomic():
        updated = Delivery.objects.filter(
            pk=delivery_id, state=Delivery.State.FAILED
        ).update(state=Delivery.State.PENDING, claimed_until=None, attempts=0)
        if updated:
            enqueue_on_commit(delivery_id)
    return bool(updated)


def pump_shared(*, limit: int | None = None) -> int:
    """Hand the next pending shared-content rows (bulletins, invitations) to workers.

    Called every minute by the beat schedule: at most ``limit`` rows (the mail
    provider's per-minute allowance, ``NOTIFY_BULK_RATE_PER_MINUTE``) are enqueued, in
    batch tasks of ``NOTIFY_BULK_BATCH_SIZE`` that each finish in seconds, far inside
    the broker's visibility timeout. ``limit=0`` means everything pending. Returns the
    number of rows handed over.
    """
    from .selectors import pending_shared_ids
    from .tasks import deliver_batch_task

    if limit is None:
        limit = settings.NOTIFY_BULK_RATE_PER_MINUTE
    ids = pending_shared_ids(limit=limit or None)
    size = settings.NOTIFY_BULK_BATCH_SIZE
    for start in range(0, len(ids), size):
        try:
            deliver_batch_task.delay(ids[start : start + size])
        except Exception:  # broker down: the rows stay pending for the next minute
            logger.warning("outbox: could not enqueue a batch; left pending")
            return start
    return len(ids)


def sweep_pending(*, limit: int = 500) -> int:
    """Enqueue pending rows nobody is working on (e.g. Redis was down at enqueue time).

    Returns how many rows were handed to the broker.
    """
    from .selectors import stale_pending_ids

    enqueued = 0
    for delivery_id in stale_pending_ids(limit=limit):
        if not enqueue(delivery_id):
            break
        enqueued += 1
    return enqueued
