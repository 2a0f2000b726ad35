"""The e-mails of the sessions app, all through the outbox (one per key, never lost).

Called from services inside their transaction: the outbox row commits with the change
that caused it, and the delivery is enqueued after commit.
"""

from email.utils import parseaddr
from urllib.parse import urlparse

from django.conf import settings
from django.urls import reverse

from cafe.branding import absolute_url
from cafe.notify.ics import CalendarEvent, build_ics
from cafe.notify.services import Attachment, send_templated

from .extensions import session_followups
from .models import Registration, Session
from .selectors import allocation_explanation


def calendar_event(session: Session, *, attendee=None, with_link: bool = False):
    """The session as a calendar event; the meeting link only for confirmed people."""
    domain = urlparse(settings.CAFE_SITE_URL).hostname or "localhost"
    detail_url = absolute_url(reverse("sessions:detail", args=[session.pk]))
    lines = [session.description] if session.description else []
    if with_link and session.has_link and session.meeting_url:
        lines.append(f"Enlace de la reunión: {session.meeting_url}")
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
    session: Session, attendee, *, method: str = "REQUEST"
) -> Attachment:
    event = calendar_event(session, attendee=attendee, with_link=True)
    return Attachment(
        filename="invitacion.ics" if method == "REQUEST" else "cancelacion.ics",
        content=build_ics(event, method=method),
        mimetype=f"text/calendar; method={method}",
        alternative=True,
    )


def _context(session: Session, registration: Registration | None = None, **extra):
    return {
        "session": session,
        "registration": registration,
        "user": registration.user if registration else None,
        "detail_url": absolute_url(reverse("sessions:detail", args=[session.pk])),
        "my_sessions_url": absolute_url(reverse("sessions:mine")),
        **extra,
    }


def registration_received(registration: Registration) -> None:
    """Confirmation (with the invitation) or the waitlist notice."""
    session, user = registration.session, registration.user
    if registration.status == Registration.Status.CONFIRMED:
        send_templated(
            key=f"registration:{registration.pk}:confirmed",
            template="sessions/registration_confirmed",
            context=_context(session, registration),
            to=user.email,
            recipient=user,
            kind="registration_confirmed",
            attachments=(ics_attachment(session, user),),
        )
    else:
        send_templated(
            key=f"registration:{registration.pk}:waitlisted",
            template="sessions/registration_waitlisted",
            context=_context(session, registration),
            to=user.email,
            recipient=user,
            kind="registration_waitlisted",
        )


def registration_promoted(registration: Registration) -> None:
    session, user = registration.session, registration.user
    send_templated(
        key=f"registration:{registration.pk}:promoted",
        template="sessions/registration_promoted",
        context=_context(session, registration),
        to=user.email,
        recipient=user,
        kind="registration_promoted",
        attachments=(ics_attachment(session, user),),
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
            attachments=(ics_attachment(session, user),),
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
