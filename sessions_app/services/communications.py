"""Scheduled messages of the sessions app. Each is a small dispatcher that asks the
database what is due and writes outbox rows with stable keys, so running it twice
sends nothing new."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cafe.branding import absolute_url
from cafe.notify.models import Delivery, MessageContent
from cafe.notify.services import queue_shared, render_email, send_templated

from .. import emails
from ..models import Minutes, Registration, Session
from .scheduling import working_days

# How long after a session its survey link and conclusions are still worth sending.
POST_SESSION_WINDOW = timedelta(days=14)


def first_working_day(today):
    days = working_days(today.year, today.month)
    return days[0] if days else None


def _invited_since(day) -> bool:
    """Whether this month's invitations already went out (on ``day`` or later)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return Delivery.objects.filter(kind="invitation", created_at__gte=start).exists()


def send_monthly_invitations(*, today=None, force: bool = False) -> int:
    """On the month's first working day, invite each dependency to its session.

    Entity-wide sessions go to everyone. People who switched invitations off are
    skipped. If that day's run did not happen (the scheduler was down), the next
    run of the month catches up; once the month's invitations are out, later runs
    send nothing. Returns how many invitations were queued (new or existing).
    """
    today = today or timezone.localdate()
    first = first_working_day(today)
    if not force and (first is None or today < first or _invited_since(first)):
        return 0
    now = timezone.now()
    sessions = Session.objects.filter(
        status=Session.Status.PUBLISHED,
        starts_at__gte=now,
        starts_at__year=today.year,
        starts_at__month=today.month,
    ).select_related("dependency", "topic")
    people = get_user_model().objects.filter(
        is_active=True, wants_invitations=True, data_use_revoked_at__isnull=True
    )
    total = 0
    for session in sessions:
        audience = (
            people
            if session.is_entity_wide
            else people.filter(dependency_id=session.dependency_id)
        )
        recipients = [
            (f"invitation:{session.pk}:{pk}", email, pk)
            for pk, email in audience.values_list("pk", "email")
        ]
        if not recipients:
            continue
        subject, text, html = render_email(
            "sessions/invitation",
            {
                "session": session,
                "detail_url": absolute_url(
                    reverse("sessions:detail", args=[session.pk])
                ),
            },
        )
        content, _created = MessageContent.objects.get_or_create(
            key=f"invitation:{session.pk}:{session.sequence}",
            defaults={"subject": subject, "body_text": text, "body_html": html},
        )
        queue_shared(content=content, recipients=recipients, kind="invitation")
        total += len(recipients)
    return total


def send_reminders(*, now=None) -> int:
    """Within 24 hours of the start, one reminder per confirmed registrant, with the
    invitation attached (and the link, for virtual and hybrid sessions)."""
    now = now or timezone.now()
    registrations = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        session__status=Session.Status.PUBLISHED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(hours=24),
        user__is_active=True,
        user__wants_reminders=True,
    ).select_related("session", "user")
    count = 0
    for registration in registrations:
        session, user = registration.session, registration.user
        send_templated(
            key=f"reminder:{session.pk}:{user.pk}",
            template="sessions/reminder",
            context={
                "user": user,
                "session": session,
                "detail_url": absolute_url(
                    reverse("sessions:detail", args=[session.pk])
                ),
                "checkin_qr": emails.checkin_qr_id(registration),
            },
            to=user.email,
            recipient=user,
            kind="reminder",
            attachments=emails.confirmed_attachments(registration),
        )
        count += 1
    return count


def send_post_session(*, now=None) -> dict[str, int]:
    """After a held session: the survey link to each attendee once; once its
    conclusions are published, the conclusions with the proposals that came from it
    and their status ("lo que dijimos y lo que sigue")."""
    now = now or timezone.now()
    since = now - POST_SESSION_WINDOW
    attendees = Registration.objects.filter(
        checked_in_at__isnull=False, user__is_active=True
    ).select_related("user", "session")
    surveys = 0
    for registration in attendees.filter(
        session__status=Session.Status.HELD, session__held_at__gte=since
    ):
        session, user = registration.session, registration.user
        send_templated(
            key=f"survey:{session.pk}:{user.pk}",
            template="sessions/survey_invitation",
            context={
                "user": user,
                "session": session,
                "survey_url": absolute_url(
                    reverse("sessions:survey", args=[session.pk])
                ),
            },
            to=user.email,
            recipient=user,
            kind="survey",
        )
        surveys += 1
    conclusions = 0
    published = Minutes.objects.filter(
        status=Minutes.Status.PUBLISHED, published_at__gte=since
    ).select_related("session")
    for minutes in published:
        registrants = Registration.objects.filter(
            session=minutes.session, status=Registration.Status.CONFIRMED
        ).select_related("user")
        emails.minutes_published(minutes.session, minutes, registrants)
        conclusions += len(registrants)
    return {"surveys": surveys, "conclusions": conclusions}
