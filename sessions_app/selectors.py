"""Reads of the sessions app: each returns what one page needs, in a fixed number of
queries whatever the amount of data."""

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cafe.common.business_days import festivo
from cafe.org.models import Dependency, User
from cafe.validators import year_in_range

from .models import (
    AgendaBlock,
    Feedback,
    Minutes,
    MinutesVersion,
    Registration,
    Session,
)
from .textdiff import diff_words

# The text fields of the conclusions a version keeps, in the order they are shown.
MINUTES_TEXT_FIELDS = ("summary", "agreements", "video_url", "post_url")

REQUESTED = Registration.Status.REQUESTED
CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED
# Sessions everybody may open; the others (drafts) only Comunicaciones.
PUBLIC_STATUSES = (
    Session.Status.PUBLISHED,
    Session.Status.HELD,
    Session.Status.CANCELLED,
)


def _registrations_counted(status):
    """For a Session queryset: how many of its registrations have ``status``, read
    from the (session, status, ...) index for each session; no GROUP BY, so a count
    of sessions or a page of them never joins every registration."""
    counted = (
        Registration.objects.filter(session=OuterRef("pk"), status=status)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def waitlist_order():
    """The waitlist's sort key: the fair-seat allocation's rank (negative, ahead of
    later arrivals) or the order of arrival (the primary key)."""
    return Coalesce("waitlist_rank", "pk", output_field=BigIntegerField())


def with_counts(queryset):
    """Annotate confirmed and waitlisted counts (no query per row)."""
    return queryset.annotate(
        confirmed_count=_registrations_counted(CONFIRMED),
        waiting_count=_registrations_counted(WAITLISTED),
    )


def with_my_registration(queryset, user):
    """Annotate the status of the person's live registration (None: not registered),
    which decides the state on each card."""
    mine = Registration.objects.filter(session=OuterRef("pk"), user=user).exclude(
        status=CANCELLED
    )
    return queryset.annotate(my_status=Subquery(mine.values("status")[:1]))


def waitlist_position_expression():
    """For a Registration queryset: 1 + people waiting before this one (the queue
    order of promotion: ``waitlist_order``)."""
    earlier = (
        Registration.objects.alias(key=waitlist_order())
        .filter(
            session=OuterRef("session"),
            status=WAITLISTED,
            key__lt=Coalesce(
                OuterRef("waitlist_rank"),
                OuterRef("pk"),
                output_field=BigIntegerField(),
            ),
        )
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(earlier, output_field=IntegerField()), Value(0)) + 1


@dataclass(frozen=True)
class CardState:
    # disponible | lista_espera | inscrito | en_espera | cerrada | solo_dependencia
    # | borrador | realizada | cancelada
    key: str
    label: str


def card_state(session: Session, user, now=None) -> CardState:
    """The one state a person sees on a session card: a draft, held or cancelled
    session says so before anything about registering."""
    now = now or timezone.now()
    if session.status == Session.Status.DRAFT:
        return CardState("borrador", _("Borrador: aún no publicada"))
    if session.status == Session.Status.HELD:
        return CardState("realizada", _("Sesión realizada"))
    if session.status == Session.Status.CANCELLED:
        return CardState("cancelada", _("Sesión cancelada"))
    if getattr(session, "my_status", None) == CONFIRMED:
        return CardState("inscrito", _("Inscripción confirmada"))
    if getattr(session, "my_status", None) == WAITLISTED:
        return CardState("en_espera", _("En lista de espera"))
    if getattr(session, "my_status", None) == REQUESTED:
        return CardState("solicitada", _("Solicitud recibida"))
    if not session.is_in_audience(user):
        return CardState(
            "solo_dependencia",
            _("Solo para %(dependency)s") % {"dependency": session.dependency},
        )
    if not session.registration_is_open(now):
        if (
            session.status == Session.Status.PUBLISHED
            and now < session.registration_opens_at
        ):
            return CardState("cerrada", _("Inscripciones aún no abiertas"))
        return CardState("cerrada", _("Inscripciones cerradas"))
    if session.collects_requests(now):
        return CardState("solicitudes", _("Solicitudes abiertas"))
    free = session.capacity - session.confirmed_count
    if free > 0:
        return CardState(
            "disponible",
            _("%(n)s cupos disponibles") % {"n": free}
            if free != 1
            else _("1 cupo disponible"),
        )
    return CardState("lista_espera", _("Cupo lleno: lista de espera"))


def month_bounds(value: str):
    """'2026-12' -> (aware start, aware end) in Bogotá, or None when invalid or
    outside the sane window of dates."""
    try:
        year, month = (int(part) for part in value.split("-", 1))
        if not year_in_range(year):
            return None
        start = datetime(year, month, 1, tzinfo=timezone.get_current_timezone())
        return start, start + relativedelta(months=1)
    except (ValueError, TypeError, OverflowError):
        return None


def upcoming_sessions(
    *,
    user,
    month="",
    dependency_id=None,
    topic_id=None,
    format="",
    joinable_only=False,
):
    """Published sessions not yet ended: own dependency first, then entity-wide.
    With ``joinable_only``, only those the person may join (their dependency's and
    the entity-wide ones) and those they already hold a registration in."""
    now = timezone.now()
    queryset = Session.objects.filter(status=Session.Status.PUBLISHED, ends_at__gte=now)
    bounds = month_bounds(month) if month else None
    if bounds:
        queryset = queryset.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])
    if dependency_id:
        queryset = queryset.filter(dependency_id=dependency_id)
    if topic_id:
        queryset = queryset.filter(topic_id=topic_id)
    if format:
        queryset = queryset.filter(format=format)
    queryset = with_my_registration(with_counts(queryset), user)
    if joinable_only:
        queryset = queryset.filter(
            Q(dependency__isnull=True)
            | Q(dependency_id=user.dependency_id)
            | Q(my_status__isnull=False)
        )
    queryset = queryset.annotate(
        audience_rank=Case(
            When(dependency_id=user.dependency_id, then=Value(0)),
            When(dependency__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    return queryset.select_related("topic", "dependency").order_by(
        "audience_rank", "starts_at", "pk"
    )


def session_for_detail(
    *, session_id: int, user, staff: Callable[[], bool] = lambda: False
):
    """A session a person may see: published, held, or cancelled; any other only when
    ``staff()`` (Comunicaciones), asked only then, so an ordinary page loads no
    permissions. With its counts and the person's live registration
    (``my_registration``, ``my_status``), as ``upcoming_sessions`` annotates them. For
    one session, three plain lookups cost less than one query with four subqueries."""
    session = Session.objects.select_related("topic", "dependency").get(pk=session_id)
    if session.status not in PUBLIC_STATUSES and not staff():
        raise Session.DoesNotExist
    counts = dict(
        Registration.objects.filter(session=session)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    session.confirmed_count = counts.get(CONFIRMED, 0)
    session.waiting_count = counts.get(WAITLISTED, 0)
    session.my_registration = my_registration(session=session, user=user)
    mine = session.my_registration
    session.my_status = mine.status if mine else None
    return session


def my_registration(*, session: Session, user):
    """The person's live registration, or None; a waitlisted one carries its
    ``position`` (1 + those waiting before it: the promotion order)."""
    registration = (
        Registration.objects.filter(session=session, user=user)
        .exclude(status=CANCELLED)
        .order_by("created_at", "pk")
        .first()
    )
    if registration is not None and registration.status == WAITLISTED:
        mine = registration.waitlist_rank
        registration.position = (
            Registration.objects.alias(key=waitlist_order())
            .filter(
                session=session,
                status=WAITLISTED,
                key__lt=registration.pk if mine is None else mine,
            )
            .count()
            + 1
        )
    return registration


def session_of_new_registration(registration: Registration) -> Session:
    """The session of a registration just made, for the person's panel: the row the
    service read under its lock, with the registration attached as
    ``session_for_detail`` attaches it (a waitlisted one carries the position the
    service counted under the lock). No counts: a registered person's panel shows
    none."""
    session = registration.session
    session.my_registration = registration
    session.my_status = registration.status
    return session


def published_minutes(session: Session):
    return Minutes.objects.filter(
        session=session, status=Minutes.Status.PUBLISHED
    ).first()


def is_behind(registration: Registration, now) -> bool:
    """Whether a registration's session is behind the person: it ended, it was
    marked held, or it started and the person was checked in."""
    session = registration.session
    return (
        session.ends_at < now
        or session.status == Session.Status.HELD
        or (session.starts_at <= now and registration.checked_in_at is not None)
    )


def my_sessions(*, user):
    """The person's registrations, upcoming and past, with their sessions. A
    session moves to the past by its status and the person's attendance, not only
    by its end time (``is_behind``)."""
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("session", "session__dependency", "session__topic")
        .annotate(position=waitlist_position_expression())
        .order_by("session__starts_at", "pk")
    )
    now = timezone.now()
    upcoming, past = [], []
    for registration in registrations:
        (past if is_behind(registration, now) else upcoming).append(registration)
    past.reverse()
    return upcoming, past


def attendance_list(*, session: Session):
    return (
        Registration.objects.filter(session=session)
        .exclude(status=CANCELLED)
        .select_related("user", "user__dependency")
        .order_by("status", "user__full_name", "pk")
    )


@dataclass(frozen=True)
class RotationCycle:
    """How long a full round of the active dependencies takes at the cadence."""

    dependencies: int
    per_month: int
    months: int
    # The first held session of the program: a dependency that never had one is
    # late only once the program has run longer than a cycle.
    program_start: datetime | None


def rotation_cycle() -> RotationCycle:
    """The cycle: active dependencies ÷ sessions per month, rounded up, in months."""
    dependencies = Dependency.objects.filter(is_active=True).count()
    per_month = max(1, settings.SESSIONS_PER_MONTH)
    program_start = Session.objects.filter(status=Session.Status.HELD).aggregate(
        first=Min("starts_at")
    )["first"]
    return RotationCycle(
        dependencies=dependencies,
        per_month=per_month,
        months=max(1, math.ceil(dependencies / per_month)),
        program_start=program_start,
    )


def rotation(*, cycle: RotationCycle | None = None):
    """Each active dependency with its last held and next scheduled session, those
    that most need a session first: never held one, then the longest ago; among
    equals, the largest (most active staff).

    A dependency is flagged when its last held session (or, if it never had one, the
    program's first) is older than the cycle allows. Each date is one lookup in the
    (dependency, starts_at) index, not an aggregate over every session the entity
    ever held.
    """
    cycle = cycle or rotation_cycle()
    limit = timezone.now() - relativedelta(months=cycle.months)
    late_start = cycle.program_start is not None and cycle.program_start < limit
    return (
        with_rotation_dates(Dependency.objects.filter(is_active=True))
        .annotate(
            flagged=Case(
                When(Q(last_held__lt=limit), then=True),
                When(Q(last_held__isnull=True), then=Value(late_start)),
                default=False,
                output_field=BooleanField(),
            )
        )
        .order_by(F("last_held").asc(nulls_first=True), "-staff_count", "name", "pk")
    )


def with_rotation_dates(queryset):
    """For a Dependency queryset: ``last_held``, ``next_scheduled`` and
    ``staff_count`` (active people), each one subquery per row."""
    now = timezone.now()
    sessions = Session.objects.filter(dependency=OuterRef("pk"))
    last_held = (
        sessions.filter(status=Session.Status.HELD)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    next_scheduled = (
        sessions.filter(
            status__in=[Session.Status.DRAFT, Session.Status.PUBLISHED],
            starts_at__gte=now,
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    staff = (
        User.objects.filter(dependency=OuterRef("pk"), is_active=True)
        .order_by()
        .values("dependency")
        .annotate(n=Count("*"))  # from the active-staff index alone
        .values("n")
    )
    return queryset.annotate(
        last_held=Subquery(last_held),
        next_scheduled=Subquery(next_scheduled),
        staff_count=Coalesce(Subquery(staff, output_field=IntegerField()), Value(0)),
    )


def archive(*, dependency_id=None):
    """Held sessions whose conclusions are published, newest first."""
    queryset = Session.objects.filter(
        status=Session.Status.HELD, minutes__status=Minutes.Status.PUBLISHED
    ).select_related("dependency", "topic", "minutes")
    if dependency_id:
        queryset = queryset.filter(dependency_id=dependency_id)
    return queryset.order_by("-starts_at", "-pk")


def managed_sessions(*, status="", month=""):
    """Every session for Comunicaciones, with counts."""
    queryset = Session.objects.select_related("dependency", "topic")
    if status:
        queryset = queryset.filter(status=status)
    bounds = month_bounds(month) if month else None
    if bounds:
        queryset = queryset.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])
    return with_counts(queryset).order_by("-starts_at", "-pk")


@dataclass(frozen=True)
class SurveySummary:
    answers: int
    shown: bool
    minimum: int
    felt_heard: float | None = None
    useful: float | None = None
    trust: float | None = None
    comments: tuple[str, ...] = ()


def survey_summary(*, session: Session) -> SurveySummary:
    """Averages (and comments, without names) only from the minimum of answers up,
    by the same rule as every other survey figure (``survey_aggregates``)."""
    survey = survey_aggregates(sessions=Session.objects.filter(pk=session.pk))
    total = survey.total
    if not total.shown:
        return SurveySummary(answers=0, shown=False, minimum=survey.minimum)
    comments = tuple(
        Feedback.objects.filter(session=session)
        .exclude(comment="")
        .order_by("?")
        .values_list("comment", flat=True)
    )
    return SurveySummary(
        answers=total.answers,
        shown=True,
        minimum=survey.minimum,
        felt_heard=total.felt_heard,
        useful=total.useful,
        trust=total.trust,
        comments=comments,
    )


@dataclass(frozen=True)
class SurveyFigures:
    """The pulse survey over a set of sessions (``label`` names the set, e.g. the
    month "2026-10"): averages from 1 to 5, all None when suppressed."""

    label: str
    answers: int  # the answers counted (0 when suppressed)
    felt_heard: float | None = None
    useful: float | None = None
    trust: float | None = None

    @property
    def shown(self) -> bool:
        return self.felt_heard is not None


@dataclass(frozen=True)
class SurveyAggregates:
    total: SurveyFigures
    by_month: tuple[SurveyFigures, ...]
    minimum: int


def _figures(label: str, rows: list[dict], minimum: int) -> SurveyFigures:
    answers = sum(row["answers"] for row in rows)
    if not rows or answers < minimum:
        return SurveyFigures(label=label, answers=0)
    return SurveyFigures(
        label=label,
        answers=answers,
        **{
            key: round(sum(row[key] for row in rows) / answers, 2)
            for key in ("felt_heard", "useful", "trust")
        },
    )


def _month_label(value) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m")


def survey_aggregates(*, sessions) -> SurveyAggregates:
    """The pulse survey of ``sessions`` (a Session queryset), overall and by month
    of the session, from one query. The one place any survey figure over several
    sessions is computed (dashboard, exports, admin).

    Only the answers of a session that reached ``SESSIONS_SURVEY_MIN_ANSWERS`` on
    its own are counted, and a figure is shown only from that minimum up. So every
    figure is a sum of whole sessions whose averages the session page already
    publishes: no bucket, filter (dependency, period) or difference between two
    figures can narrow an average down to fewer people than the minimum. A month
    with answers but none counted is listed, suppressed."""
    minimum = settings.SESSIONS_SURVEY_MIN_ANSWERS
    per_session = (
        Feedback.objects.filter(session__in=sessions)
        .values("session", month=TruncMonth("session__starts_at"))
        .annotate(
            answers=Count("pk"),
            felt_heard=Sum("felt_heard"),
            useful=Sum("useful"),
            trust=Sum("trust"),
        )
        .order_by()
    )
    months: dict[str, list[dict]] = {}
    for row in per_session:
        counted = months.setdefault(_month_label(row["month"]), [])
        if row["answers"] >= minimum:
            counted.append(row)
    return SurveyAggregates(
        total=_figures("", [row for rows in months.values() for row in rows], minimum),
        by_month=tuple(
            _figures(label, months[label], minimum) for label in sorted(months)
        ),
        minimum=minimum,
    )


def can_answer_survey(*, session: Session, user) -> bool:
    return (
        session.status == Session.Status.HELD
        and Registration.objects.filter(
            session=session, user=user, checked_in_at__isnull=False
        ).exists()
        and not Feedback.objects.filter(session=session, user=user).exists()
    )


@dataclass(frozen=True)
class Slot:
    """The time a session would take. ``label`` names it in a warning (a planner
    row); ``session_id`` is the session being edited, which clashes with nothing of
    its own."""

    starts_at: datetime
    ends_at: datetime
    label: str = ""
    session_id: int | None = None


def schedule_warnings(slots: Iterable[Slot]) -> list[str]:
    """What Comunicaciones confirms before scheduling ``slots``: a weekend or a
    Colombian festivo, a time outside office hours (settings), an overlap with a
    session not cancelled (the leader is at every one) or with another of
    ``slots``. One query whatever the number of slots."""
    slots = list(slots)
    if not slots:
        return []
    sessions = list(
        Session.objects.exclude(status=Session.Status.CANCELLED)
        .exclude(pk__in=[s.session_id for s in slots if s.session_id])
        .filter(
            starts_at__lt=max(s.ends_at for s in slots),
            ends_at__gt=min(s.starts_at for s in slots),
        )
        .only("title", "starts_at", "ends_at")
        .order_by("starts_at", "pk")
    )
    warnings = []
    for index, slot in enumerate(slots):
        for text in _slot_warnings(slot, sessions, slots[:index]):
            warnings.append(f"{slot.label} — {text}" if slot.label else text)
    return warnings


def _overlap(a, b) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _slot_warnings(slot: Slot, sessions, earlier) -> Iterator[str]:
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    day = start.date()
    holiday = festivo(day)
    if holiday:
        yield _("El %(day)s es festivo (%(name)s).") % {
            "day": day.strftime("%d/%m/%Y"),
            "name": holiday,
        }
    elif day.weekday() >= 5:
        yield _("El %(day)s es %(weekday)s: no es un día hábil.") % {
            "day": day.strftime("%d/%m/%Y"),
            "weekday": _("sábado") if day.weekday() == 5 else _("domingo"),
        }
    opens = time.fromisoformat(settings.SESSIONS_OFFICE_HOURS_START)
    closes = time.fromisoformat(settings.SESSIONS_OFFICE_HOURS_END)
    if start.time() < opens or end.time() > closes or end.date() != day:
        yield _(
            "De %(start)s a %(end)s está fuera del horario laboral "
            "(%(opens)s a %(closes)s)."
        ) % {
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
            "opens": opens.strftime("%H:%M"),
            "closes": closes.strftime("%H:%M"),
        }
    for other in sessions:
        if _overlap(slot, other):
            yield _("Se cruza con otra sesión: «%(title)s», %(when)s.") % {
                "title": other.title,
                "when": _when(other.starts_at),
            }
    for other in earlier:
        if _overlap(slot, other):
            yield _("Se cruza con la sesión de %(label)s en este mismo plan.") % {
                "label": other.label
            }


@dataclass(frozen=True)
class FieldDiff:
    label: str
    changed: bool
    segments: list


def default_comparison(numbered: dict) -> tuple[int, int] | None:
    """The two version numbers to compare when none are chosen: the newest, and the
    newest earlier one whose text differs from it (the one before, if none does).
    None with fewer than two versions. No query."""
    numbers = sorted(numbered)
    if len(numbers) < 2:
        return None
    newest = numbered[numbers[-1]]
    for number in reversed(numbers[:-1]):
        version = numbered[number]
        if any(getattr(version, f) != getattr(newest, f) for f in MINUTES_TEXT_FIELDS):
            return number, newest.number
    return numbers[-2], numbers[-1]


def minutes_versions_diff(old: MinutesVersion, new: MinutesVersion) -> list[FieldDiff]:
    """What changed in each text field of the conclusions between two versions, as
    word segments (unchanged, removed, added). No query."""
    fields = []
    for name in MINUTES_TEXT_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        label = capfirst(MinutesVersion._meta.get_field(name).verbose_name)
        fields.append(FieldDiff(label, before != after, diff_words(before, after)))
    return fields


def allocation_explanation(session: Session) -> str:
    """The session's seat rule in plain Spanish, for its page and its e-mails."""
    if session.allocation == Session.Allocation.NEWCOMERS_FIRST:
        return _(
            "Si hay más solicitudes que cupos, primero reciben cupo las personas "
            "que nunca han asistido a un Café y después las demás, en el orden en "
            "que enviaron su solicitud. Quienes no alcancen cupo quedan en la lista "
            "de espera en ese mismo orden."
        )
    if session.allocation == Session.Allocation.LOTTERY:
        return _(
            "Si hay más solicitudes que cupos, primero reciben cupo las personas "
            "que nunca han asistido a un Café y después las demás; dentro de cada "
            "grupo el orden lo da un sorteo. La semilla del sorteo se publica en "
            "esta página: con ella y las solicitudes en orden de llegada, "
            "cualquiera puede repetirlo (random.Random(semilla).shuffle). Quienes "
            "no alcancen cupo quedan en la lista de espera en el orden del sorteo."
        )
    return _("Los cupos se asignan por orden de llegada.")


def agenda_blocks(*, since=None, until=None):
    """The leader's agenda blocks that end after ``since`` (default: now) and, if
    given, start before ``until``; in order."""
    queryset = AgendaBlock.objects.filter(ends_at__gt=since or timezone.now())
    if until is not None:
        queryset = queryset.filter(starts_at__lt=until)
    return queryset.select_related("created_by").order_by("starts_at", "pk")
