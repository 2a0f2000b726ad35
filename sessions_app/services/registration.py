"""Registration with a waitlist. Capacity is never exceeded, also under concurrency.

Every registration and cancellation of a session runs in one short transaction that
first locks the session row (``SELECT ... FOR NO KEY UPDATE``), so seat counting and
promotion are serialised per session. A partial unique constraint (one live
registration per person and session) makes double clicks harmless. The lock covers
the seat decision only: the e-mails' outbox rows are written in the same transaction,
but their text and .ics are rendered by the worker (``cafe.notify.deferred``).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import emails
from ..models import Registration, Session
from ..selectors import waitlist_order

# The registration race test switches these to prove it can see a race (control run).
LOCK_SESSION_ROW = True
after_seat_count = None


def lock_session(session_id: int) -> Session:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '5s'")
    queryset = Session.objects.all()
    if LOCK_SESSION_ROW:
        queryset = queryset.select_for_update(no_key=True)
    try:
        return queryset.get(pk=session_id)
    except Session.DoesNotExist:
        raise ValidationError(_("La sesión no existe.")) from None


def _check_can_register(session: Session, user, now) -> None:
    if session.status != Session.Status.PUBLISHED:
        raise ValidationError(_("Esta sesión no está abierta a inscripciones."))
    if not session.is_in_audience(user):
        raise ValidationError(
            _("Esta sesión es solo para el personal de %(dependency)s.")
            % {"dependency": session.dependency}
        )
    if now < session.registration_opens_at:
        raise ValidationError(_("Las inscripciones aún no están abiertas."))
    if now >= session.registration_closes_at:
        raise ValidationError(_("Las inscripciones para esta sesión ya cerraron."))


def register_attendee(*, session_id: int, user, needs: str = "", now=None):
    """Register ``user``: confirmed while seats remain, waitlisted after.

    Returns ``(registration, created)``. Registering twice returns the live
    registration and creates nothing.
    """
    explicit_now = now
    now = now or timezone.now()
    needs = (needs or "").strip()
    if len(needs) > 1000:
        raise ValidationError(_("Las necesidades no pueden pasar de 1000 caracteres."))
    try:
        with transaction.atomic():
            session = lock_session(session_id)
            _check_can_register(session, user, now)
            collects = session.collects_requests(now)
            if not collects:
                # Requests left by a window that just closed are allocated first, so
                # nobody who came late overtakes them.
                from .allocation import allocate_locked

                allocate_locked(session, now=now)
            seats = _seats(session, user)
            if seats["mine"] is not None:
                return Registration.objects.get(pk=seats["mine"]), False
            if after_seat_count is not None:
                after_seat_count()
            if collects:
                status = Registration.Status.REQUESTED
            elif seats["confirmed"] < session.capacity:
                status = Registration.Status.CONFIRMED
            else:
                status = Registration.Status.WAITLISTED
            registration = Registration.objects.create(
                session=session,
                user=user,
                status=status,
                needs=needs,
                # Stamped under the lock, so it follows the order of the queue.
                created_at=timezone.now() if explicit_now is None else now,
            )
            if status == Registration.Status.WAITLISTED:
                # Last in the line: places given by the allocation rank before it.
                registration.position = seats["waiting"] + 1
            if status == Registration.Status.REQUESTED:
                emails.registration_requested(registration)
            else:
                emails.registration_received(registration)
            return registration, True
    except IntegrityError:
        # The same person registered at the same instant (only possible without the
        # row lock): the other request won, return its registration.
        existing = (
            Registration.objects.filter(session_id=session_id, user=user)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if existing is None:
            raise
        return existing, False
    except OperationalError as exc:
        if "lock timeout" in str(exc).lower() or "could not obtain lock" in str(exc):
            raise ValidationError(
                _("Hay muchas inscripciones en este momento. Intente de nuevo.")
            ) from exc
        raise


def _seats(session: Session, user) -> dict:
    """In one query: the confirmed and waitlisted registrations of the session, and
    the person's live registration (its id, or None)."""
    return Registration.objects.filter(session=session).aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        mine=Max("pk", filter=Q(user=user) & ~Q(status=Registration.Status.CANCELLED)),
    )


def cancel_registration(*, registration_id: int, user, now=None) -> Registration:
    """Cancel one's own registration; a freed seat goes to the first person waiting.

    The promotion happens in the same transaction and e-mails the promoted person.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            session_id = Registration.objects.values_list("session_id", flat=True).get(
                pk=registration_id, user=user
            )
        except Registration.DoesNotExist:
            raise ValidationError(_("La inscripción no existe.")) from None
        session = lock_session(session_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status == Registration.Status.CANCELLED:
            return registration
        if session.status != Session.Status.PUBLISHED or now >= session.starts_at:
            raise ValidationError(
                _(
                    "Ya no es posible cancelar: la sesión empezó, terminó o fue "
                    "cancelada."
                )
            )
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        if was_confirmed:
            promote_waiting(session, now=now)
    return registration


def promote_waiting(session: Session, *, now=None) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served.

    "First" is insertion order (the primary key): rows are inserted while the session
    lock is held, so it is the order in which people got their turn at the lock.
    Places given by the fair-seat allocation keep its order, ahead of later ones
    (``waitlist_order``).

    Must run inside a transaction that holds the session lock.
    """
    now = now or timezone.now()
    confirmed = Registration.objects.filter(
        session=session, status=Registration.Status.CONFIRMED
    ).count()
    free = session.capacity - confirmed
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("user", "session")
        .filter(session=session, status=Registration.Status.WAITLISTED)
        .order_by(waitlist_order(), "pk")[:free]
    )
    for registration in waiting:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        emails.registration_promoted(registration)
    return waiting
