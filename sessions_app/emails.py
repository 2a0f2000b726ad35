"""The e-mails of the sessions app, all through the outbox (one per key, never lost).

Called from services inside their transaction: the outbox row commits with the change
that caused it, and the delivery is enqueued after commit.
"""

from email.utils import parseaddr
from urllib.parse import urlparse

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cafe.branding import absolute_url
from cafe.notify.deferred import Built, queue_for_build
from cafe.notify.ics import CalendarEvent, build_ics
from cafe.notify.services import Attachment, send_templated

from .checkin import QR_CONTENT_ID, QR_FILENAME, has_room, pass_url
from .models import Registration, Session
from .selectors import allocation_explanation
from .slots import session_followups


def calendar_event(
    session: Session, *, attendee=None, with_link: bool = False, checkin_url: str = ""
):
    """The session as a calendar event; the meeting link only for confirmed people,
    and their personal check-in link (the URL of their QR code) when given."""
    domain = urlparse(settings.CAFE_SITE_URL).hostname or "localhost"
    detail_url = absolute_url(reverse("sessions:detail", args=[session.pk]))
    lines = [session.description] if session.description else []
    if with_link and session.has_link and session.meeting_url:
        lines.append(f"Enlace de la reunión: {session.meeting_url}")
    if checkin_url:
        with translation.override(settings.LANGUAGE_CODE):
            label = gettext(
                "Código de asistencia (lo escanea Comunicaciones en la entrada)"
            )
        lines.append(f"{label}: {checkin_url}")
    lines.append(f"Detalles: {detail_url}")
    location = session.place if session.has_place else ""
    if with_link and session.format == Session.Format.VIRTUAL:
        location = session.meeting_url
    organizer_name, organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return CalendarEvent(
        uid=f"cafe-session-{session.pk}@{domain}",
        summary=session.title,
        start=session.starts_at,
        end=session.ends_at,
        sequence=session.sequence,
        description="\n\n".join(lines),
        location=location,
        url=detail_url,
        organizer_name=session.host_name or organizer_name,
        organizer_email=organizer_email,
        attendee_email=attendee.email if attendee else "",
        attendee_name=attendee.full_name if attendee else "",
    )


def ics_attachment(
    session: Session, attendee, *, method: str = "REQUEST", checkin_url: str = ""
) -> Attachment:
    event = calendar_event(
        session, attendee=attendee, with_link=True, checkin_url=checkin_url
    )
    return Attachment(
        filename="invitacion.ics" if method == "REQUEST" else "cancelacion.ics",
        content=build_ics(event, method=method),
        mimetype=f"text/calendar; method={method}",
        alternative=True,
    )


def confirmed_attachments(registration: Registration) -> tuple[Attachment, ...]:
    """What a confirmed person's e-mail carries: the invitation and, for a session
    with a room, the personal check-in QR (a PNG shown inline, its link in the .ics).
    The QR is drawn by the worker that sends the message, not under the caller's
    lock."""
    session, user = registration.session, registration.user
    if not has_room(session):
        return (ics_attachment(session, user),)
    url = pass_url(registration)
    return (
        ics_attachment(session, user, checkin_url=url),
        Attachment(
            filename=QR_FILENAME,
            content=b"",
            mimetype="image/png",
            content_id=QR_CONTENT_ID,
            qr_text=url,
        ),
    )


def checkin_qr_id(registration: Registration | None) -> str:
    """The Content-ID the HTML body uses to show the personal QR ('' if none)."""
    if (
        registration is not None
        and registration.status == Registration.Status.CONFIRMED
        and has_room(registration.session)
    ):
        return QR_CONTENT_ID
    return ""


def _context(session: Session, registration: Registration | None = None, **extra):
    return {
        "session": session,
        "registration": registration,
        "user": registration.user if registration else None,
        "detail_url": absolute_url(reverse("sessions:detail", args=[session.pk])),
        "my_sessions_url": absolute_url(reverse("sessions:mine")),
        "checkin_qr": checkin_qr_id(registration),
        **extra,
    }


def registration_received(registration: Registration) -> None:
    """Confirmation (with the invitation) or the waitlist notice: the outbox row now,
    in the caller's transaction; its text and .ics after commit
    (``build_registration_message``), out of the session's lock."""
    what = (
        "confirmed"
        if registration.status == Registration.Status.CONFIRMED
        else "waitlisted"
    )
    _queue_registration_message(registration, what)


def registration_promoted(registration: Registration) -> None:
    """A seat freed for someone waiting: as ``registration_received``."""
    _queue_registration_message(registration, "promoted")


REGISTRATION_MESSAGES = ("confirmed", "waitlisted", "promoted")


def _queue_registration_message(registration: Registration, what: str) -> None:
    user = registration.user
    queue_for_build(
        key=f"registration:{registration.pk}:{what}",
        kind=f"registration_{what}",
        to=user.email,
        recipient=user,
    )


def build_registration_message(delivery) -> Built | None:
    """The message of a row queued by ``_queue_registration_message``, from the
    registration as it is now (None if it is gone)."""
    _prefix, pk, what = delivery.idempotency_key.split(":")
    registration = (
        Registration.objects.select_related("session", "user").filter(pk=pk).first()
    )
    if registration is None:
        return None
    session = registration.session
    attachments = () if what == "waitlisted" else confirmed_attachments(registration)
    return Built(
        template=f"sessions/registration_{what}",
        context=_context(session, registration),
        attachments=attachments,
    )


def session_cancelled(session: Session, registrations) -> None:
    for registration in registrations:
        user = registration.user
        attachments = ()
        if registration.status == Registration.Status.CONFIRMED:
            attachments = (ics_attachment(session, user, method="CANCEL"),)
        send_templated(
            key=f"session:{session.pk}:cancelled:{user.pk}",
            template="sessions/session_cancelled",
            context=_context(session, registration),
            to=user.email,
            recipient=user,
            kind="session_cancelled",
            attachments=attachments,
        )


def session_changed(session: Session, registrations) -> None:
    """New date, place or link: confirmed people get the updated invitation."""
    for registration in registrations:
        user = registration.user
        send_templated(
            key=f"session:{session.pk}:changed:{session.sequence}:{user.pk}",
            template="sessions/session_changed",
            context=_context(session, registration),
            to=user.email,
            recipient=user,
            kind="session_changed",
            attachments=confirmed_attachments(registration),
        )


def minutes_published(session: Session, minutes, registrations) -> None:
    """Conclusions plus what came out of the session and its status."""
    followups = session_followups(session)
    for registration in registrations:
        user = registration.user
        send_templated(
            key=f"minutes:{minutes.pk}:published:{user.pk}",
            template="sessions/minutes_published",
            context=_context(
                session, registration, minutes=minutes, followups=followups
            ),
            to=user.email,
            recipient=user,
            kind="minutes_published",
        )


def registration_requested(registration: Registration) -> None:
    """A request made in the session's window: when and how seats are given."""
    session, user = registration.session, registration.user
    send_templated(
        key=f"registration:{registration.pk}:requested",
        template="sessions/registration_requested",
        context=_context(session, registration, rule=allocation_explanation(session)),
        to=user.email,
        recipient=user,
        kind="registration_requested",
    )


def seat_allocated(registration: Registration) -> None:
    """The result of the fair-seat allocation: a seat (with the invitation) or a
    place on the waitlist (``registration.position``)."""
    session, user = registration.session, registration.user
    confirmed = registration.status == Registration.Status.CONFIRMED
    send_templated(
        key=f"registration:{registration.pk}:allocated",
        template="sessions/seat_allocated",
        context=_context(
            session,
            registration,
            confirmed=confirmed,
            rule=allocation_explanation(session),
        ),
        to=user.email,
        recipient=user,
        kind="seat_allocated",
        attachments=(ics_attachment(session, user),) if confirmed else (),
    )
