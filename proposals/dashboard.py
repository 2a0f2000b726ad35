"""The Secretary's dashboard: figures, chart series and lists for a period and a
dependency. Every number comes from a fixed number of aggregate queries."""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q
from django.db.models.functions import Extract, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions_app.models import Feedback, Registration, Session

from .models import Proposal
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


def _ratio(part, whole):
    return round(100 * part / whole, 1) if whole else None


def proposals_in(period: Period, dependency=None):
    start, end = period.bounds
    queryset = Proposal.objects.filter(
        created_at__gte=start, created_at__lt=end, is_hidden=False
    )
    if dependency is not None:
        queryset = queryset.filter(
            Q(responsible_dependency=dependency) | Q(session__dependency=dependency)
        )
    return queryset


def _sessions_in(period: Period, dependency=None):
    start, end = period.bounds
    queryset = Session.objects.filter(
        status=Session.Status.HELD, starts_at__gte=start, starts_at__lt=end
    )
    if dependency is not None:
        queryset = queryset.filter(dependency=dependency)
    return queryset


def _median_days_to_answer(proposals) -> float | None:
    answered = proposals.filter(first_answered_at__isnull=False)
    if connection.vendor == "postgresql":
        days = Extract(F("first_answered_at") - F("created_at"), "epoch") / 86400.0
        value = answered.aggregate(m=Median(days))["m"]
        return round(value, 1) if value is not None else None
    spans = [
        (answered_at - created).total_seconds() / 86400
        for created, answered_at in answered.values_list(
            "created_at", "first_answered_at"
        )
    ]
    return round(statistics.median(spans), 1) if spans else None


def _session_figures(period: Period, dependency) -> dict:
    sessions = _sessions_in(period, dependency)
    held = sessions.aggregate(
        held=Count("pk", distinct=True),
        covered=Count("dependency", distinct=True),
    )
    registrations = Registration.objects.filter(
        session__in=sessions, status=Registration.Status.CONFIRMED
    ).aggregate(
        confirmed=Count("pk"),
        attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
        reached=Count("user", filter=Q(checked_in_at__isnull=False), distinct=True),
    )
    staff = get_user_model().objects.filter(is_active=True)
    if dependency is not None:
        staff = staff.filter(dependency=dependency)
    active_staff = staff.count()
    pulse = Feedback.objects.filter(session__in=sessions).aggregate(
        answers=Count("pk"),
        heard=Avg("felt_heard"),
        useful=Avg("useful"),
        trust=Avg("trust"),
    )
    return {
        "sessions_held": held["held"],
        "dependencies_covered": held["covered"],
        "staff_reached": registrations["reached"],
        "active_staff": active_staff,
        "staff_reached_pct": _ratio(registrations["reached"], active_staff),
        "attendance_rate": _ratio(
            registrations["attended"], registrations["confirmed"]
        ),
        "pulse_answers": pulse["answers"],
        "pulse_heard": pulse["heard"],
        "pulse_useful": pulse["useful"],
        "pulse_trust": pulse["trust"],
    }


def _proposal_figures(proposals) -> dict:
    counts = proposals.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(first_answered_at__isnull=False)),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        implemented=Count("pk", filter=Q(status=S.IMPLEMENTED)),
        not_viable=Count("pk", filter=Q(status=S.NOT_VIABLE)),
    )
    return {
        **counts,
        "answered_pct": _ratio(counts["answered"], counts["received"]),
        "accepted_pct": _ratio(counts["accepted"], counts["received"]),
        "implemented_pct": _ratio(counts["implemented"], counts["received"]),
        "median_days_to_answer": _median_days_to_answer(proposals),
    }


def build_dashboard(
    *, period: Period, dependency=None, today: date | None = None
) -> Dashboard:
    proposals = proposals_in(period, dependency)
    overdue_all = overdue(Proposal.objects.filter(is_hidden=False), today=today)
    if dependency is not None:
        overdue_all = overdue_all.filter(responsible_dependency=dependency)
    figures = {
        **_session_figures(period, dependency),
        **_proposal_figures(proposals),
        "overdue": overdue_all.count(),
    }
    return Dashboard(
        figures=figures,
        by_month=_by_month(proposals),
        by_dependency=list(
            proposals.exclude(responsible_dependency=None)
            .values(label=F("responsible_dependency__name"))
            .annotate(total=Count("pk"))
            .order_by("-total", "label")[:15]
        ),
        by_topic=list(
            proposals.exclude(topic=None)
            .values(label=F("topic__name"))
            .annotate(total=Count("pk"))
            .order_by("-total", "label")[:15]
        ),
        pulse_trend=_pulse_trend(period, dependency),
        overdue=list(
            overdue_all.select_related("responsible_dependency").order_by(
                "due_date", "pk"
            )[:20]
        ),
        fulfilled=list(
            proposals.filter(status=S.IMPLEMENTED)
            .select_related("responsible_dependency")
            .order_by("-implemented_at", "-pk")[:20]
        ),
    )


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


def _pulse_trend(period: Period, dependency) -> list[dict]:
    rows = (
        Feedback.objects.filter(session__in=_sessions_in(period, dependency))
        .annotate(month=TruncMonth("session__starts_at"))
        .values("month")
        .annotate(
            answers=Count("pk"),
            heard=Avg("felt_heard"),
            useful=Avg("useful"),
            trust=Avg("trust"),
        )
        .order_by("month")
    )
    return [
        {
            "month": _month_label(row["month"]),
            "answers": row["answers"],
            "heard": round(row["heard"], 2),
            "useful": round(row["useful"], 2),
            "trust": round(row["trust"], 2),
        }
        for row in rows
    ]


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
                    "label": _("Me sentí escuchado/a"),
                    "data": [r["heard"] for r in dashboard.pulse_trend],
                },
                {
                    "label": _("El espacio fue útil"),
                    "data": [r["useful"] for r in dashboard.pulse_trend],
                },
                {
                    "label": _("Confío más en la dirección"),
                    "data": [r["trust"] for r in dashboard.pulse_trend],
                },
            ],
        },
    }
