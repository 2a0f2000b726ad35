"""The Secretary's dashboard: figures, chart series and lists for a period and a
dependency. Every number comes from a fixed number of aggregate queries."""

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, Window
from django.db.models.functions import Coalesce, Extract, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe import generations
from sessions_app.models import (
    Campaign,
    CampaignRating,
    Feedback,
    Registration,
    Session,
)
from sessions_app.selectors import survey_aggregates
from sessions_app.voice_selectors import campaign_aggregates

from .models import Proposal, StatusChange
from .selectors import overdue

S = Proposal.Status


class Median(Aggregate):
    """PostgreSQL's PERCENTILE_CONT(0.5)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )


def default_period(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=330)).replace(day=1)
    return Period(start=start, end=today)


@dataclass
class Dashboard:
    figures: dict = field(default_factory=dict)
    by_month: list = field(default_factory=list)
    by_dependency: list = field(default_factory=list)
    by_topic: list = field(default_factory=list)
    pulse_trend: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    fulfilled: list = field(default_factory=list)
    campaigns: list = field(default_factory=list)


def _ratio(part, whole):
    return round(100 * part / whole, 1) if whole else None


def proposals_in(period: Period, dependency=None):
    """What staff sent in the period. A session's agreements are commitments, not
    proposals received: they count among the commitments, the overdue and the
    fulfilled, not in the received, answered and accepted rates."""
    start, end = period.bounds
    queryset = Proposal.objects.filter(
        created_at__gte=start, created_at__lt=end, is_hidden=False
    ).exclude(kind=Proposal.Kind.AGREEMENT)
    if dependency is not None:
        queryset = queryset.filter(
            Q(responsible_dependency=dependency) | Q(session__dependency=dependency)
        )
    return queryset


def implemented_in(period: Period, dependency=None):
    """Promesas cumplidas: the proposals implemented during the period, whenever they
    were received (the "Implementadas" figure counts those received in the period
    that are implemented now)."""
    start, end = period.bounds
    queryset = Proposal.objects.filter(
        status=S.IMPLEMENTED,
        implemented_at__gte=start,
        implemented_at__lt=end,
        is_hidden=False,
    )
    if dependency is not None:
        queryset = queryset.filter(
            Q(responsible_dependency=dependency) | Q(session__dependency=dependency)
        )
    return queryset


def sessions_in(period: Period, dependency=None):
    """The sessions held in the period (of the dependency, when given)."""
    start, end = period.bounds
    queryset = Session.objects.filter(
        status=Session.Status.HELD, starts_at__gte=start, starts_at__lt=end
    )
    if dependency is not None:
        queryset = queryset.filter(dependency=dependency)
    return queryset


def survey_in(period: Period, dependency=None):
    """The pulse survey of the sessions held in the period, suppressed below the
    minimum of answers (``sessions_app.selectors.survey_aggregates``)."""
    return survey_aggregates(sessions=sessions_in(period, dependency))


def sessions_with_attendance(period: Period, dependency=None):
    """The held sessions of the period, oldest first, each with ``confirmed`` and
    ``attended`` (confirmed and checked in, as the attendance rate counts them)."""
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    came = confirmed & Q(registrations__checked_in_at__isnull=False)
    return (
        sessions_in(period, dependency)
        .select_related("dependency", "topic")
        .annotate(
            confirmed=Count("registrations", filter=confirmed),
            attended=Count("registrations", filter=came),
        )
        .order_by("starts_at", "pk")
    )


def commitments_in(period: Period, dependency=None):
    """The commitments made in the period (proposals accepted then, in whatever
    state they are now), soonest due first."""
    start, end = period.bounds
    queryset = Proposal.objects.filter(
        accepted_at__gte=start, accepted_at__lt=end, is_hidden=False
    )
    if dependency is not None:
        queryset = queryset.filter(
            Q(responsible_dependency=dependency) | Q(session__dependency=dependency)
        )
    return queryset.select_related("responsible_dependency").order_by(
        F("due_date").asc(nulls_last=True), "pk"
    )


def _answer_days():
    return Extract(F("first_answered_at") - F("created_at"), "epoch") / 86400.0


def _python_median(proposals) -> float | None:
    """The median where the database has no PERCENTILE_CONT (SQLite)."""
    spans = [
        (answered_at - created).total_seconds() / 86400
        for created, answered_at in proposals.filter(
            first_answered_at__isnull=False
        ).values_list("created_at", "first_answered_at")
    ]
    return statistics.median(spans) if spans else None


def _session_figures(period: Period, dependency) -> dict:
    """Held sessions, coverage and attendance in one query (sessions joined to their
    registrations), plus the active staff count."""
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    came = confirmed & Q(registrations__checked_in_at__isnull=False)
    held = sessions_in(period, dependency).aggregate(
        held=Count("pk", distinct=True),
        covered=Count("dependency", distinct=True),
        confirmed=Count("registrations", filter=confirmed),
        attended=Count("registrations", filter=came),
        reached=Count("registrations__user", filter=came, distinct=True),
    )
    staff = get_user_model().objects.filter(is_active=True)
    if dependency is not None:
        staff = staff.filter(dependency=dependency)
    active_staff = staff.count()
    return {
        "sessions_held": held["held"],
        "dependencies_covered": held["covered"],
        "staff_reached": held["reached"],
        "active_staff": active_staff,
        "staff_reached_pct": _ratio(held["reached"], active_staff),
        "attendance_rate": _ratio(held["attended"], held["confirmed"]),
    }


def _proposal_figures(proposals) -> dict:
    aggregates = {
        "received": Count("pk"),
        "answered": Count("pk", filter=Q(first_answered_at__isnull=False)),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "implemented": Count("pk", filter=Q(status=S.IMPLEMENTED)),
        "not_viable": Count("pk", filter=Q(status=S.NOT_VIABLE)),
    }
    if connection.vendor == "postgresql":
        aggregates["median"] = Median(
            _answer_days(), filter=Q(first_answered_at__isnull=False)
        )
    counts = proposals.aggregate(**aggregates)
    median = counts.pop("median", None)
    if connection.vendor != "postgresql":
        median = _python_median(proposals)
    return {
        **counts,
        "answered_pct": _ratio(counts["answered"], counts["received"]),
        "accepted_pct": _ratio(counts["accepted"], counts["received"]),
        "implemented_pct": _ratio(counts["implemented"], counts["received"]),
        "median_days_to_answer": round(median, 1) if median is not None else None,
    }


def _pulse_figures(survey) -> dict:
    """The overall survey figures; the averages are None below the minimum."""
    total = survey.total
    return {
        "pulse_answers": total.answers,
        "pulse_shown": total.shown,
        "pulse_minimum": survey.minimum,
        "pulse_heard": total.felt_heard,
        "pulse_useful": total.useful,
        "pulse_trust": total.trust,
    }


def _pulse_trend(survey) -> list[dict]:
    """One row per month with answers; a suppressed month carries no number."""
    return [
        {
            "month": bucket.label,
            "shown": bucket.shown,
            "answers": bucket.answers if bucket.shown else None,
            "heard": bucket.felt_heard,
            "useful": bucket.useful,
            "trust": bucket.trust,
        }
        for bucket in survey.by_month
    ]


def _by_label(proposals) -> tuple[list[dict], list[dict]]:
    """Counts by responsible dependency and by topic, from one GROUP BY. A proposal
    sent for a session without a topic of its own counts under the session's topic
    (the form leaves the topic optional; the session always says what it is about)."""
    rows = proposals.values(
        dependency_name=F("responsible_dependency__name"),
        topic_name=Coalesce("topic__name", "session__topic__name"),
    ).annotate(total=Count("pk"))
    by_dependency, by_topic = Counter(), Counter()
    for row in rows:
        if row["dependency_name"]:
            by_dependency[row["dependency_name"]] += row["total"]
        if row["topic_name"]:
            by_topic[row["topic_name"]] += row["total"]

    def top(counter):
        ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        return [{"label": label, "total": total} for label, total in ordered[:15]]

    return top(by_dependency), top(by_topic)


def build_dashboard(
    *, period: Period, dependency=None, today: date | None = None
) -> Dashboard:
    proposals = proposals_in(period, dependency)
    overdue_all = overdue(Proposal.objects.filter(is_hidden=False), today=today)
    if dependency is not None:
        overdue_all = overdue_all.filter(responsible_dependency=dependency)
    # The 20 oldest overdue commitments, each row carrying the total count.
    overdue_rows = list(
        overdue_all.select_related("responsible_dependency")
        .annotate(total_overdue=Window(Count("pk")))
        .order_by("due_date", "pk")[:20]
    )
    survey = survey_in(period, dependency)
    by_dependency, by_topic = _by_label(proposals)
    figures = {
        **_session_figures(period, dependency),
        **_proposal_figures(proposals),
        **_pulse_figures(survey),
        "overdue": overdue_rows[0].total_overdue if overdue_rows else 0,
    }
    return Dashboard(
        figures=figures,
        by_month=_by_month(proposals),
        by_dependency=by_dependency,
        by_topic=by_topic,
        pulse_trend=_pulse_trend(survey),
        overdue=overdue_rows,
        fulfilled=list(
            implemented_in(period, dependency)
            .select_related("responsible_dependency")
            .order_by("-implemented_at", "-pk")[:20]
        ),
        campaigns=campaigns_in(period, dependency),
    )


def campaigns_in(period: Period, dependency=None) -> list:
    """One entry per campaign taken to the period's sessions, with its rating
    (suppressed below the survey's minimum of answers)."""
    figures = campaign_aggregates(sessions=sessions_in(period, dependency))
    return [f for f in figures if f.sessions]


def _month_label(value) -> str:
    return (
        timezone.localtime(value).strftime("%Y-%m")
        if timezone.is_aware(value)
        else (value.strftime("%Y-%m"))
    )


def _by_month(proposals) -> list[dict]:
    rows = (
        proposals.annotate(month=TruncMonth("created_at"))
        .values("month", "status")
        .annotate(total=Count("pk"))
        .order_by("month")
    )
    months: dict[str, dict] = {}
    for row in rows:
        label = _month_label(row["month"])
        months.setdefault(label, dict.fromkeys(S.values, 0))[row["status"]] = row[
            "total"
        ]
    return [{"month": m, **counts} for m, counts in months.items()]


# The colours of the charts: Okabe-Ito hues (told apart with every common colour
# vision deficiency), with lightness set so that any two also differ in greyscale
# (at least 12 points of CIE L*). The legend, the tooltips and the table beside each
# chart name every series: colour is never the only signal.
STATUS_COLOURS = {
    S.RECEIVED: "#F6EF8E",  # pale yellow
    S.IN_ANALYSIS: "#91CEF1",  # pale sky blue
    S.ACCEPTED: "#CF8F00",  # orange
    S.IN_PROGRESS: "#003350",  # dark blue
    S.IMPLEMENTED: "#008662",  # bluish green
    S.NOT_VIABLE: "#803800",  # dark vermillion
    S.ANSWERED: "#000000",  # black
}
PULSE_COLOURS = ("#0072B2", "#CF8F00", "#000000")  # blue, orange, black


def chart_payload(dashboard: Dashboard) -> dict:
    """The series the charts draw (the tables on the page show the same numbers)."""
    status_labels = {s.value: str(s.label) for s in S}
    return {
        "byMonth": {
            "labels": [row["month"] for row in dashboard.by_month],
            "series": [
                {
                    "label": status_labels[s],
                    "data": [row[s] for row in dashboard.by_month],
                    "color": STATUS_COLOURS[s],
                }
                for s in S.values
            ],
        },
        "byDependency": {
            "labels": [row["label"] for row in dashboard.by_dependency],
            "data": [row["total"] for row in dashboard.by_dependency],
        },
        "byTopic": {
            "labels": [row["label"] for row in dashboard.by_topic],
            "data": [row["total"] for row in dashboard.by_topic],
        },
        "pulse": {
            "labels": [row["month"] for row in dashboard.pulse_trend],
            "series": [
                {
                    "label": _("Sentí que me escucharon"),
                    "data": [r["heard"] for r in dashboard.pulse_trend],
                    "color": PULSE_COLOURS[0],
                },
                {
                    "label": _("El espacio fue útil"),
                    "data": [r["useful"] for r in dashboard.pulse_trend],
                    "color": PULSE_COLOURS[1],
                },
                {
                    "label": _("Confío más en la dirección"),
                    "data": [r["trust"] for r in dashboard.pulse_trend],
                    "color": PULSE_COLOURS[2],
                },
            ],
        },
    }


# --- Cached figures ----------------------------------------------------------------
#
# The figures aggregate every session, registration and proposal of the period, so
# they are kept in the cache (Redis in production, CACHE_URL) under a generation
# number. Any change to the data they read bumps the generation once the transaction
# commits (see ``watch_dashboard_sources``), so the next visit recomputes; the time
# limit bounds staleness where a change bypasses the model signals (bulk updates) or
# the cache is per process (the local-memory default).

GENERATION = "dashboard"


def _cache_key(period: Period, dependency, today) -> str:
    return ":".join(
        str(part)
        for part in (
            "dashboard",
            generations.generation(GENERATION),  # read first: a change meanwhile wins
            today,
            period.start,
            period.end,
            getattr(dependency, "pk", "todas"),
        )
    )


def cached_dashboard(*, period: Period, dependency=None) -> Dashboard:
    """``build_dashboard`` for today, from the cache while nothing has changed."""
    today = timezone.localdate()
    key = _cache_key(period, dependency, today)
    data = cache.get(key)
    if data is None:
        data = build_dashboard(period=period, dependency=dependency, today=today)
        cache.set(key, data, timeout=settings.PROPOSALS_DASHBOARD_CACHE_SECONDS)
    return data


def watch_dashboard_sources() -> None:
    """Connect the invalidation to every model the figures read."""
    from cafe.org.models import Dependency

    sources = [
        Proposal,
        StatusChange,
        Session,
        Registration,
        Feedback,
        Dependency,
        Campaign,
        CampaignRating,  # bulk-created with their Feedback, which bumps too
    ]
    generations.watch(GENERATION, *sources)
    generations.watch(GENERATION, get_user_model(), ignored_fields={"last_login"})
