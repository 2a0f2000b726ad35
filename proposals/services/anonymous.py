"""Anonymous proposals: a queue without author or time, published in shuffled batches.

An anonymous proposal written the moment it is sent would be dated by what surrounds
it: its sequential number and its timeline entry sit between rows stamped to the
microsecond (a registration, a named proposal), and the person who was active in
those seconds is its likely author. So sending one writes a single row to
``AnonymousSubmission``: the text, the optional topic and session, the hash of the
tracking code, a random UUID as its key, and nothing else (no author, no time, no
sequence). Every ``PROPOSALS_ANONYMOUS_BATCH_MINUTES`` the beat job
``proposals.publish_anonymous`` turns every waiting row into a proposal and its
timeline entry, in random order, all dated the batch's day (midnight in Bogotá), and
deletes the queue rows, in one transaction. Numbers, neighbours and dates of the
published rows then place a proposal in the batch period, not closer.
"""

import hashlib
import secrets
from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import AnonymousSubmission, Proposal, StatusChange

# Letters and digits that cannot be confused when read aloud or copied by hand.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def hash_tracking_code(code: str) -> str:
    normalised = "".join(c for c in (code or "").upper() if c.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def queue_anonymous_proposal(*, kind: str, title: str, text: str, topic, session):
    """Put a checked anonymous proposal in the queue. Returns ``(row, code)``: the
    tracking code is shown once to the sender and stored only as its hash.

    Writes nothing but the queue row: no e-mail, no timeline, no log line, no
    sequence advanced; whatever a proposal triggers happens when the batch is
    published."""
    code = new_tracking_code()
    row = AnonymousSubmission(
        kind=kind,
        title=title,
        text=text,
        topic=topic,
        session=session,
        tracking_code_hash=hash_tracking_code(code),
    )
    row.full_clean()
    row.save(force_insert=True)
    return row, code


def find_queued_by_tracking_code(code: str) -> AnonymousSubmission | None:
    """The submission of this code while it waits for its batch, if it does."""
    if not code or len(code) > 40:
        return None
    return (
        AnonymousSubmission.objects.select_related("topic", "session")
        .filter(tracking_code_hash=hash_tracking_code(code))
        .first()
    )


def batch_period_label() -> str:
    """How often the batches go out, for the people who send: "cada hora"."""
    minutes = settings.PROPOSALS_ANONYMOUS_BATCH_MINUTES
    if minutes % 60:
        return ngettext("cada minuto", "cada %(n)s minutos", minutes) % {"n": minutes}
    hours = minutes // 60
    return ngettext("cada hora", "cada %(n)s horas", hours) % {"n": hours}


def batch_day(now) -> datetime:
    """The date every proposal of a batch carries: midnight in Bogotá of its day."""
    return datetime.combine(
        timezone.localdate(now), time.min, tzinfo=timezone.get_current_timezone()
    )


def publish_anonymous_batch(*, now=None) -> list[Proposal]:
    """Publish every waiting anonymous submission, in random order, dated the day
    of ``now``. Returns the proposals in the order they were written.

    One transaction: the proposals, their timeline entries and the removal of the
    queue rows are seen together or not at all. Rows locked by a concurrent run are
    skipped (PostgreSQL), so two runs never publish one submission twice."""
    created_at = batch_day(now or timezone.now())
    published = []
    with transaction.atomic():
        waiting = list(AnonymousSubmission.objects.select_for_update(skip_locked=True))
        secrets.SystemRandom().shuffle(waiting)
        for row in waiting:
            published.append(_publish(row, created_at))
        if waiting:
            AnonymousSubmission.objects.filter(pk__in=[r.pk for r in waiting]).delete()
    return published


def _publish(row: AnonymousSubmission, created_at: datetime) -> Proposal:
    proposal = Proposal.objects.create(
        kind=row.kind,
        title=row.title,
        text=row.text,
        topic_id=row.topic_id,
        session_id=row.session_id,
        origin=Proposal.Origin.ONLINE,
        is_anonymous=True,
        created_at=created_at,
        tracking_code_hash=row.tracking_code_hash,
    )
    StatusChange.objects.create(
        proposal=proposal,
        event=StatusChange.Event.CREATED,
        to_status=Proposal.Status.RECEIVED,
        note=_("Recibida."),
        actor=None,
        created_at=created_at,
    )
    return proposal
