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

from .. import emails, selectors
from ..models import AgendaBlock, Registration, Session, Topic
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
            _check_allocation_change(session, data)
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


def _check_allocation_change(session: Session, data: dict) -> None:
    """The seat rule is published: it cannot change once people have registered
    under it, nor after the seats were given."""
    window = data.get(
        "allocation_window_closes_at", session.allocation_window_closes_at
    )
    changed = data.get("allocation", session.allocation) != session.allocation or (
        _to_minute(window) != _to_minute(session.allocation_window_closes_at)
    )
    if not changed:
        return
    registered = (
        Registration.objects.filter(session=session)
        .exclude(status=Registration.Status.CANCELLED)
        .exists()
    )
    if registered or session.allocated_at is not None:
        raise ValidationError(
            {
                "allocation": _(
                    "La regla de reparto de cupos ya no se puede cambiar: hay "
                    "personas inscritas con la regla publicada."
                )
            }
        )


def _to_minute(moment):
    """Forms send times to the minute: a stored time with seconds is the same."""
    return moment.replace(second=0, microsecond=0) if moment else None


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
            status__in=[
                Registration.Status.REQUESTED,
                Registration.Status.CONFIRMED,
                Registration.Status.WAITLISTED,
            ],
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
    """Propose the month's sessions at the cadence (``SESSIONS_PER_MONTH``).

    The month's budget is the cadence minus the sessions it already has (cancelled
    ones aside). The dependencies without a session that month come in rotation
    order: longest without a held session first, then the largest by active staff.
    Each goes to a working day (Colombian calendar) whose default time slot is free
    in the leader's agenda (no block, no other session), spread over the month.
    """
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    month_sessions = Session.objects.filter(
        starts_at__year=year, starts_at__month=month
    ).exclude(status=Session.Status.CANCELLED)
    budget = settings.SESSIONS_PER_MONTH - month_sessions.count()
    if budget <= 0:
        return []
    taken = month_sessions.filter(dependency__isnull=False).values("dependency_id")
    dependencies = list(
        selectors.rotation(cycle=selectors.rotation_cycle()).exclude(pk__in=taken)[
            :budget
        ]
    )
    start, end = _default_times()
    busy = busy_intervals(year=year, month=month)
    days = [
        day
        for day in working_days(year, month, after=today)
        if not overlaps(
            busy,
            datetime.combine(day, start, tzinfo=tz),
            datetime.combine(day, end, tzinfo=tz),
        )
    ]
    if not dependencies or not days:
        return []
    # One session a day at most: the leader holds one slot per free day.
    dependencies = dependencies[: len(days)]
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


def busy_intervals(*, year: int, month: int) -> list[tuple[datetime, datetime, str]]:
    """The leader's agenda in the month: blocks and sessions (not cancelled), as
    (starts, ends, what) in two queries."""
    tz = timezone.get_current_timezone()
    first = datetime(year, month, 1, tzinfo=tz)
    last = datetime(year, month, calendar.monthrange(year, month)[1], tzinfo=tz)
    after = last + timedelta(days=1)
    blocks = AgendaBlock.objects.filter(starts_at__lt=after, ends_at__gt=first)
    sessions = Session.objects.filter(starts_at__lt=after, ends_at__gt=first).exclude(
        status=Session.Status.CANCELLED
    )
    return [
        *((b.starts_at, b.ends_at, b.reason) for b in blocks),
        *((s.starts_at, s.ends_at, s.title) for s in sessions),
    ]


def overlaps(intervals, starts_at: datetime, ends_at: datetime) -> str | None:
    """What in ``intervals`` overlaps [starts_at, ends_at), or None."""
    for busy_start, busy_end, what in intervals:
        if busy_start < ends_at and starts_at < busy_end:
            return what
    return None


def create_planned_sessions(
    *, rows: list[PlannedSession], actor, publish: bool = False, now=None
) -> list[Session]:
    """Create the planner's rows as drafts (and publish them if asked), all or none."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    _check_agenda(rows, tz)
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


def _check_agenda(rows: list[PlannedSession], tz) -> None:
    """Refuse rows that fall on a blocked time of the leader's agenda."""
    errors = []
    blocks_by_month = {}
    for row in rows:
        key = (row.day.year, row.day.month)
        if key not in blocks_by_month:
            first = datetime(row.day.year, row.day.month, 1, tzinfo=tz)
            blocks_by_month[key] = [
                (b.starts_at, b.ends_at, b.reason)
                for b in AgendaBlock.objects.filter(
                    starts_at__lt=first + timedelta(days=32), ends_at__gt=first
                )
            ]
        reason = overlaps(
            blocks_by_month[key],
            datetime.combine(row.day, row.start, tzinfo=tz),
            datetime.combine(row.day, row.end, tzinfo=tz),
        )
        if reason:
            errors.append(
                _(
                    "%(dependency)s: el %(day)s la agenda está bloqueada "
                    "(%(reason)s). Elija otra fecha u hora."
                )
                % {
                    "dependency": row.dependency,
                    "day": row.day.strftime("%d/%m/%Y"),
                    "reason": reason,
                }
            )
    if errors:
        raise ValidationError(errors)
