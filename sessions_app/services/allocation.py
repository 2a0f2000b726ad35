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
or a registration arriving after the close) finds it done and changes nothing.
"""

import random
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import emails
from ..models import Registration, Session
from .registration import lock_session


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
    for registration in ordered:
        emails.seat_allocated(registration)
    return True


def allocate_due_sessions(*, now=None) -> int:
    """The periodic job: allocate every session whose window has closed. Safe to
    run as often as wanted (each session is allocated once)."""
    now = now or timezone.now()
    due = Session.objects.filter(
        ~Q(allocation=Session.Allocation.FIRST_COME),
        status=Session.Status.PUBLISHED,
        allocated_at__isnull=True,
        allocation_window_closes_at__lte=now,
    ).values_list("pk", flat=True)
    return sum(allocate_seats(session_id=pk, now=now) for pk in list(due))
