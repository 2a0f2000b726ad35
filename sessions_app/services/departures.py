"""People who leave the entity release their seats."""

from django.db import transaction

from ..models import Registration, Session
from .registration import lock_session, promote_waiting


def release_registrations(*, user_ids: list[int], now) -> int:
    """Cancel the live registrations of ``user_ids`` in sessions that have not
    started; each freed seat goes to the first person waiting (e-mailed through the
    outbox). Runs inside the caller's transaction. Returns how many were cancelled."""
    live = (
        Registration.objects.filter(
            user_id__in=user_ids,
            session__status=Session.Status.PUBLISHED,
            session__starts_at__gt=now,
        )
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("session_id", flat=True)
    )
    cancelled = 0
    with transaction.atomic():
        for session_id in sorted(set(live)):
            session = lock_session(session_id)
            cancelled += (
                Registration.objects.filter(session=session, user_id__in=user_ids)
                .exclude(status=Registration.Status.CANCELLED)
                .update(status=Registration.Status.CANCELLED, cancelled_at=now)
            )
            promote_waiting(session, now=now)
    return cancelled


def on_people_deactivated(sender, *, user_ids, now, **kwargs) -> None:
    release_registrations(user_ids=user_ids, now=now)
