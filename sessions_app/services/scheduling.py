"""Scheduling: topics, sessions, the monthly cycle planner, publishing, cancelling."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.common.business_days import is_business_day
from cafe.org.models import Dependency

from .. import emails
from ..models import Registration, Session, Topic
from .registration import promote_waiting

# Changing any of these on a published session sends registrants a new invitation.
CALENDAR_FIELDS = ("starts_at", "ends_at", "format", "place", "meeting_url")


def save_topic(*, topic: Topic | None = None, data: dict) -> Topic:
    """Create or update a topic (the form has validated ``data``)."""
    topic = topic or Topic()
    for field, value in data.items():
        setattr(topic, field, value)
    topic.full_clean()
    topic.save()
    return topic


def save_session(*, session: Session | None = None, actor, data: dict) -> Session:
    """Create or edit a session with validated ``data``.

    Editing a published session bumps the calendar sequence when date, place or link
    change and sends the confirmed registrants the updated invitation; a larger
    capacity promotes people from the waitlist.
    """
    creating = session is None
    data = dict(data)
    campaigns = data.pop("campaigns", None)
    with transaction.atomic():
        if creating:
            session = Session(created_by=actor)
            before = {}
        else:
            session = Session.objects.select_for_update(no_key=True).get(pk=session.pk)
            if session.status in (Session.Status.CANCELLED, Session.Status.HELD):
                raise ValidationError(
                    _("Una sesión cancelada o realizada ya no se puede editar.")
                )
            before = {f: getattr(session, f) for f in CALENDAR_FIELDS}
        for field, value in data.items():
            setattr(session, field, value)
        if not session.host_name:
            session.host_name = settings.CAFE_LEADER_TITLE
        changed = any(getattr(session, f) != v for f, v in before.items())
        if changed:
            session.sequence += 1
        session.full_clean()
        session.save()
        if campaigns is not None:
            session.campaigns.set(campaigns)
        if not creating and session.status == Session.Status.PUBLISHED:
            promote_waiting(session)
            if changed:
                emails.session_changed(session, _confirmed(session))
    return session


def _confirmed(session: Session):
    return Registration.objects.select_related("user").filter(
        session=session, status=Registration.Status.CONFIRMED
    )


def publish_session(*, session_id: int, actor, now=None) -> Session:
    """Open a draft to the staff. Its start must be in the future."""
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        if session.status != Session.Status.DRAFT:
            raise ValidationError(_("Solo se pueden publicar sesiones en borrador."))
        if session.starts_at <= now:
            raise ValidationError(
                _("«%(title)s» ya empezó: cambie la fecha antes de publicarla.")
                % {"title": session.title}
            )
        session.status = Session.Status.PUBLISHED
        session.published_at = now
        session.save(update_fields=["status", "published_at", "updated_at"])
    return session


def publish_sessions(*, session_ids: list[int], actor, now=None) -> list[Session]:
    """Publish several drafts in one step: all of them, or none if one is not valid."""
    with transaction.atomic():
        return [
            publish_session(session_id=pk, actor=actor, now=now) for pk in session_ids
        ]


def cancel_session(*, session_id: int, actor, reason: str, now=None) -> Session:
    """Cancel a draft or published session and tell every registered person."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Escriba el motivo de la cancelación."))
    with transaction.atomic():
        session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        if session.status not in (Session.Status.DRAFT, Session.Status.PUBLISHED):
            raise ValidationError(
                _("Solo se pueden cancelar sesiones en borrador o publicadas.")
            )
        session.status = Session.Status.CANCELLED
        session.cancel_reason = reason
        session.cancelled_at = now
        session.sequence += 1
        session.save(
            update_fields=[
                "status",
                "cancel_reason",
                "cancelled_at",
                "sequence",
                "updated_at",
            ]
        )
        live = Registration.objects.select_related("user").filter(
            session=session,
            status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED],
        )
        emails.session_cancelled(session, live)
    return session


@dataclass
class PlannedSession:
    """One proposed draft of the monthly planner (not saved yet)."""

    dependency: Dependency
    day: date
    start: time
    end: time
    place: str
    capacity: int


def working_days(year: int, month: int, *, after: date | None = None) -> list[date]:
    """Monday to Friday of the month, without Colombian holidays, after ``after``."""
    days = []
    for day_number in range(1, calendar.monthrange(year, month)[1] + 1):
        day = date(year, month, day_number)
        if is_business_day(day) and (after is None or day > after):
            days.append(day)
    return days


def _default_times() -> tuple[time, time]:
    hours, minutes = (int(part) for part in settings.SESSIONS_DEFAULT_START.split(":"))
    start = time(hours, minutes)
    end_dt = datetime.combine(date.today(), start) + timedelta(
        minutes=settings.SESSIONS_DEFAULT_DURATION_MINUTES
    )
    return start, end_dt.time()


def plan_month(
    *, year: int, month: int, today: date | None = None
) -> list[PlannedSession]:
    """Propose one session per active dependency without a session that month.

    Sessions are spread over the month's remaining working days, with the default
    time, place and capacity from settings.
    """
    today = today or timezone.localdate()
    taken = set(
        Session.objects.filter(
            dependency__isnull=False,
            starts_at__year=year,
            starts_at__month=month,
        )
        .exclude(status=Session.Status.CANCELLED)
        .values_list("dependency_id", flat=True)
    )
    dependencies = [
        d for d in Dependency.objects.filter(is_active=True) if d.pk not in taken
    ]
    days = working_days(year, month, after=today)
    if not dependencies or not days:
        return []
    start, end = _default_times()
    return [
        PlannedSession(
            dependency=dependency,
            day=days[index * len(days) // len(dependencies)],
            start=start,
            end=end,
            place=settings.SESSIONS_DEFAULT_PLACE,
            capacity=settings.SESSIONS_DEFAULT_CAPACITY,
        )
        for index, dependency in enumerate(dependencies)
    ]


def create_planned_sessions(
    *, rows: list[PlannedSession], actor, publish: bool = False, now=None
) -> list[Session]:
    """Create the planner's rows as drafts (and publish them if asked), all or none."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    created = []
    with transaction.atomic():
        for row in rows:
            starts_at = datetime.combine(row.day, row.start, tzinfo=tz)
            closes = starts_at - timedelta(
                hours=settings.SESSIONS_REGISTRATION_CLOSES_HOURS
            )
            session = save_session(
                actor=actor,
                data={
                    "title": _("%(program)s con %(dependency)s")
                    % {
                        "program": settings.CAFE_PROGRAM_NAME,
                        "dependency": row.dependency,
                    },
                    "dependency": row.dependency,
                    "starts_at": starts_at,
                    "ends_at": datetime.combine(row.day, row.end, tzinfo=tz),
                    "format": Session.Format.IN_PERSON,
                    "place": row.place,
                    "capacity": row.capacity,
                    "registration_opens_at": min(now, closes - timedelta(minutes=1)),
                    "registration_closes_at": closes,
                },
            )
            if publish:
                session = publish_session(session_id=session.pk, actor=actor, now=now)
            created.append(session)
    return created
