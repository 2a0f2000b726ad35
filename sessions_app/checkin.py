"""Phone check-in: the personal code of a registration and the QR images.

A personal code is the registration id signed with ``django.core.signing`` (its own
salt): no name, e-mail or session in it, and it cannot be forged or moved to another
registration. The code is only worth something in the hands of Comunicaciones: the
check-in page refuses everyone else without saying anything about the registration.
"""

from datetime import datetime

import segno
from django.core import signing
from django.urls import reverse
from django.utils.safestring import mark_safe

from cafe.branding import absolute_url

from .models import Registration, Session
from .room_token import room_token

_SALT = "sessions_app.checkin.pass"
QR_FILENAME = "codigo-asistencia.png"
QR_CONTENT_ID = "codigo-asistencia"


def pass_token(registration: Registration) -> str:
    """The signed personal code of ``registration``."""
    return signing.Signer(salt=_SALT).sign_object(registration.pk)


def registration_id_from_pass(token) -> int | None:
    """The registration id a personal code stands for, or None if it is not one."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        value = signing.Signer(salt=_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):  # ValueError: signed, but not JSON
        return None
    if type(value) is not int or value <= 0:
        return None
    return value


def pass_url(registration: Registration) -> str:
    """The absolute URL a phone camera opens from the personal QR."""
    return absolute_url(reverse("sessions:pass", args=[pass_token(registration)]))


def room_url(session: Session, at: datetime) -> str:
    """The absolute URL of the room code of ``session`` at ``at``."""
    token = room_token(session, at)
    return absolute_url(reverse("sessions:room_checkin", args=[session.pk, token]))


def has_room(session: Session) -> bool:
    """Check-in by QR is for sessions with a room (in person or hybrid)."""
    return session.has_place


def qr_svg(url: str, *, title: str) -> str:
    """The QR code of ``url`` as inline SVG (sized by CSS; no style attribute)."""
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=1,
        border=4,
        dark="#000000",
        light="#ffffff",
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
        title=title,
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def pass_registration(token) -> Registration | None:
    """The registration a personal code stands for, with what the page shows."""
    registration_id = registration_id_from_pass(token)
    if registration_id is None:
        return None
    return (
        Registration.objects.select_related("session", "user", "user__dependency")
        .filter(pk=registration_id)
        .first()
    )


def present_count(session: Session) -> int:
    """How many people are checked in at ``session`` (one indexed count)."""
    return (
        Registration.objects.filter(session=session, checked_in_at__isnull=False)
        .exclude(status=Registration.Status.CANCELLED)
        .count()
    )
