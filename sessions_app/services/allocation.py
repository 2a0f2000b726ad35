"""Fair seats: requests collected in a first window, then seats given by a rule.

A session with a rule other than first come, first served collects requests
(``Registration.Status.REQUESTED``) until ``allocation_window_closes_at``. At the close,
``allocate_seats`` orders the requests by the session's published rule, confirms as
many as there are free seats and puts the rest on the waitlist in that order; from
then on registration is first come, first served with the waitlist, as for any
session. Everyone gets the result by e-mail (through the outbox, once per key).

- ``primera_vez``: people who never attended a Café first, then by request time.
- ``sorteo``: people who never attended first too, each group in the order of a
  draw. The seed is drawn at the close, stored and shown on the session page; the
  draw is ``random.Random(seed).shuffle`` of the group in request order, so anyone
  can repeat it.

The allocation runs under the session-row lock that registration uses, once: it
stamps ``allocated_at``, and a second run (the periodic job, the management command
or a registration arriving after the close) finds it done and changes nothing. The
results are e-mailed after the lock is released (``announce_allocation``).
"""

import logging
import random
import secrets
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import emails
from ..models import Registration, Session
from ..selectors import waitlist_order
from .registration import lock_session

logger = logging.getLogger(__name__)


def allocation_order(requests: list[Registration], *, rule: str, seed=None, attended):
    """The requests in the order seats are given. ``requests`` come in request
    order; ``attended`` is the set of user ids who attended a Café before."""
    newcomers = [r for r in requests if r.user_id not in attended]
    returning = [r for r in requests if r.user_id in attended]
    if rule == Session.Allocation.LOTTERY:
        draw = random.Random(seed)  # noqa: S311 - a published, reproducible draw
        draw.shuffle(newcomers)
        draw.shuffle(returning)
    return newcomers + returning


def allocate_seats(*, session_id: int, now=None, seed: int | None = None) -> bool:
    """Give the seats of a session whose request window has closed.

    Returns True when this call allocated; False when there was nothing to do (not
    a windowed session, window still open, already allocated, cancelled). Capacity
    is never exceeded: seats already confirmed (walk-ins) are counted first.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = lock_session(session_id)
        return allocate_locked(session, now=now, seed=seed)


def allocate_locked(session: Session, *, now, seed: int | None = None) -> bool:
    """``allocate_seats`` for a caller that already holds the session lock."""
    if (
        not session.uses_request_window
        or session.status != Session.Status.PUBLISHED
        or session.allocated_at is not None
        or now < session.allocation_window_closes_at
    ):
        return False
    requests = list(
        Registration.objects.select_related("user", "session")
        .filter(session=session, status=Registration.Status.REQUESTED)
        .order_by("created_at", "pk")
    )
    attended = set(
        Registration.objects.filter(
            user_id__in=[r.user_id for r in requests], checked_in_at__isnull=False
        )
        .exclude(session=session)
        .values_list("user_id", flat=True)
    )
    if session.allocation == Session.Allocation.LOTTERY:
        session.allocation_seed = seed if seed is not None else secrets.randbits(62)
    ordered = allocation_order(
        requests,
        rule=session.allocation,
        seed=session.allocation_seed,
        attended=attended,
    )
    confirmed = Registration.objects.filter(
        session=session, status=Registration.Status.CONFIRMED
    ).count()
    free = max(0, session.capacity - confirmed)
    waiting = ordered[free:]
    for registration in ordered[:free]:
        registration.status = Registration.Status.CONFIRMED
    for index, registration in enumerate(waiting):
        registration.status = Registration.Status.WAITLISTED
        registration.waitlist_rank = index - len(waiting)
        registration.position = index + 1
    Registration.objects.bulk_update(ordered, ["status", "waitlist_rank"])
    session.allocated_at = now
    session.save(update_fields=["allocation_seed", "allocated_at", "updated_at"])
    # The e-mails are written after the lock is released (rendering hundreds of
    # them would hold back registrations): a task after commit, and the periodic
    # job for any session whose announcement did not finish.
    transaction.on_commit(partial(_enqueue_announcement, session.pk))
    return True


def _enqueue_announcement(session_id: int) -> None:
    from ..tasks import announce_allocation

    try:
        announce_allocation.delay(session_id)
    except Exception:  # broker down: the periodic job announces it
        logger.warning(
            "allocation: could not enqueue the announcement of %s", session_id
        )


def announce_allocation(*, session_id: int, now=None) -> int:
    """Tell everyone who requested a seat the result: a seat (with the invitation)
    or their place on the waitlist. Once per person (outbox keys) and per session
    (``allocation_announced_at``); returns how many were told."""
    now = now or timezone.now()
    session = Session.objects.filter(
        pk=session_id,
        allocated_at__isnull=False,
        allocation_announced_at__isnull=True,
    ).first()
    if session is None:
        return 0
    requests = list(
        Registration.objects.select_related("user", "session").filter(
            session=session,
            # Made in the window: requests, whatever they became.
            created_at__lt=session.allocation_window_closes_at,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        )
    )
    waiting = (
        Registration.objects.filter(
            session=session, status=Registration.Status.WAITLISTED
        )
        .order_by(waitlist_order(), "pk")
        .values_list("pk", flat=True)
    )
    positions = {pk: index + 1 for index, pk in enumerate(waiting)}
    with transaction.atomic():
        for registration in requests:
            registration.position = positions.get(registration.pk)
            emails.seat_allocated(registration)
        Session.objects.filter(pk=session.pk).update(allocation_announced_at=now)
    return len(requests)


def allocate_due_sessions(*, now=None) -> int:
    """The periodic job: allocate every session whose window has closed, and
    announce every allocation not announced yet. Safe to run as often as wanted
    (each session is allocated once, each person told once)."""
    now = now or timezone.now()
    due = Session.objects.filter(
        ~Q(allocation=Session.Allocation.FIRST_COME),
        status=Session.Status.PUBLISHED,
        allocated_at__isnull=True,
        allocation_window_closes_at__lte=now,
    ).values_list("pk", flat=True)
    allocated = sum(allocate_seats(session_id=pk, now=now) for pk in list(due))
    unannounced = Session.objects.filter(
        allocated_at__isnull=False, allocation_announced_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(unannounced):
        announce_allocation(session_id=pk, now=now)
    return allocated
