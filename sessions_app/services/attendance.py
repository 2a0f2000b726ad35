"""Attendance: check-in per person, walk-ins from the audience, marking as held."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Registration, Session

# Attendance can be taken from shortly before the start.
CHECK_IN_OPENS_BEFORE = timedelta(hours=2)


def _check_attendance_open(session: Session, now) -> None:
    if session.status not in (Session.Status.PUBLISHED, Session.Status.HELD):
        raise ValidationError(
            _("Solo se toma asistencia de sesiones publicadas o realizadas.")
        )
    if now < session.starts_at - CHECK_IN_OPENS_BEFORE:
        raise ValidationError(_("La asistencia se toma el día de la sesión."))


def set_attendance(*, registration_id: int, session_id: int, present: bool, now=None):
    """Check a registrant in (or undo it). A waitlisted person who came is confirmed."""
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        _check_attendance_open(session, now)
        try:
            registration = Registration.objects.select_for_update().get(
                pk=registration_id, session=session
            )
        except Registration.DoesNotExist:
            raise ValidationError(_("La inscripción no existe.")) from None
        if registration.status == Registration.Status.CANCELLED:
            raise ValidationError(_("Esta inscripción fue cancelada."))
        if present:
            if registration.status == Registration.Status.WAITLISTED:
                registration.status = Registration.Status.CONFIRMED
                registration.walk_in = True
            registration.checked_in_at = registration.checked_in_at or now
        else:
            registration.checked_in_at = None
        registration.save(update_fields=["status", "walk_in", "checked_in_at"])
    return registration


def check_in(*, registration_id: int, now=None) -> tuple[Registration, bool]:
    """Mark a registrant present once (a scan at the door or in the room).

    Returns ``(registration, checked_in)``: ``checked_in`` is False when the person
    was already present, and then nothing changes (a second scan is harmless). A
    waitlisted person who came is confirmed, as at the attendance page.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session_id = (
            Registration.objects.filter(pk=registration_id)
            .values_list("session_id", flat=True)
            .first()
        )
        if session_id is None:
            raise ValidationError(_("La inscripción no existe."))
        session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        _check_attendance_open(session, now)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status == Registration.Status.CANCELLED:
            raise ValidationError(_("Esta inscripción fue cancelada."))
        if registration.checked_in_at is not None:
            return registration, False
        if registration.status == Registration.Status.WAITLISTED:
            registration.status = Registration.Status.CONFIRMED
            registration.walk_in = True
        registration.checked_in_at = now
        registration.save(update_fields=["status", "walk_in", "checked_in_at"])
    return registration, True


def add_walk_in(*, session_id: int, email: str, now=None) -> Registration:
    """Record someone from the audience who came without registering."""
    now = now or timezone.now()
    user = (
        get_user_model()
        .objects.filter(email__iexact=(email or "").strip(), is_active=True)
        .first()
    )
    if user is None:
        raise ValidationError(_("No hay ninguna persona activa con ese correo."))
    return record_walk_in(session_id=session_id, user=user, now=now)


def record_walk_in(*, session_id: int, user, now=None) -> Registration:
    """Check ``user`` in at a session they came to without a confirmed seat."""
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        _check_attendance_open(session, now)
        if not session.is_in_audience(user):
            raise ValidationError(
                _("%(name)s no pertenece a la dependencia invitada.") % {"name": user}
            )
        registration = (
            Registration.objects.filter(session=session, user=user)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if registration is None:
            registration = Registration(
                session=session,
                user=user,
                status=Registration.Status.CONFIRMED,
                walk_in=True,
                created_at=now,
            )
        elif registration.status == Registration.Status.WAITLISTED:
            registration.status = Registration.Status.CONFIRMED
            registration.walk_in = True
        registration.checked_in_at = registration.checked_in_at or now
        registration.save()
    return registration


def mark_session_held(*, session_id: int, actor, now=None) -> Session:
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        if session.status != Session.Status.PUBLISHED:
            raise ValidationError(
                _("Solo una sesión publicada puede marcarse como realizada.")
            )
        if now < session.starts_at:
            raise ValidationError(_("La sesión aún no ha empezado."))
        session.status = Session.Status.HELD
        session.held_at = now
        session.save(update_fields=["status", "held_at", "updated_at"])
    return session
