"""Check-in from a phone: the personal QR read at the door, the room QR on the screen.

Both end in ``check_in`` (attendance), so a second scan says the person was already
present and changes nothing. A code that is forged, expired or used outside the
session is refused with a Spanish message, and nothing changes either.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..checkin import registration_id_from_pass
from ..models import Registration, Session
from ..permissions import can_manage_sessions
from ..room_token import check_room_token, room_is_open
from .attendance import check_in, record_walk_in

NOT_REGISTERED = "not_registered"
NOT_IN_AUDIENCE = "not_in_audience"


def check_in_with_pass(*, token: str, actor, now=None) -> tuple[Registration, bool]:
    """Comunicaciones read a person's personal code: mark that person present.

    Anyone without the ``manage_sessions`` permission is refused before the code is
    even read, so the answer says nothing about the registration behind it.
    Returns ``(registration, checked_in)`` as ``check_in`` does.
    """
    if not can_manage_sessions(actor):
        raise PermissionDenied
    registration_id = registration_id_from_pass(token)
    if registration_id is None:
        raise ValidationError(_("Este código de asistencia no es válido."))
    return check_in(registration_id=registration_id, now=now)


def check_room_code(*, session: Session, token: str, now) -> None:
    """Raise a Spanish ``ValidationError`` unless ``token`` is the room code of
    ``session`` now (read-only: the pages call it before offering the button)."""
    if not room_is_open(session, now):
        raise ValidationError(
            _(
                "El código de la sala solo sirve mientras la sesión está en curso. "
                "No se registró nada."
            )
        )
    if not check_room_token(session, token, now):
        raise ValidationError(
            _(
                "El código de la sala venció o no es válido, y no se registró nada. "
                "Escanee de nuevo el código que se muestra en la pantalla."
            )
        )


def _open_room(session_id: int, token: str, now) -> Session:
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise ValidationError(_("La sesión no existe."))
    check_room_code(session=session, token=token, now=now)
    return session


def check_in_from_room(
    *, session_id: int, user, token: str, now=None
) -> tuple[Registration, bool]:
    """A registered person read the room code with their own phone: mark them present.

    Raises a ``ValidationError`` with code ``not_registered`` when the person has no
    live registration (the page may then offer ``walk_in_from_room``).
    """
    now = now or timezone.now()
    session = _open_room(session_id, token, now)
    registration = (
        Registration.objects.filter(session=session, user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if registration is None:
        raise ValidationError(
            _("No tiene inscripción en esta sesión."), code=NOT_REGISTERED
        )
    return check_in(registration_id=registration.pk, now=now)


def walk_in_from_room(*, session_id: int, user, token: str, now=None) -> Registration:
    """Someone of the audience came without registering and read the room code:
    record them as a walk-in, present."""
    now = now or timezone.now()
    session = _open_room(session_id, token, now)
    if not session.is_in_audience(user):
        raise ValidationError(
            _(
                "Esta sesión es para el personal de %(dependency)s. Acérquese a la "
                "entrada y el equipo de Comunicaciones le ayudará."
            )
            % {"dependency": session.dependency},
            code=NOT_IN_AUDIENCE,
        )
    return record_walk_in(session_id=session.pk, user=user, now=now)
