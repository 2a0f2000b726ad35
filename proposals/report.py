"""The monthly report for Despacho and the committees, as an accessible PDF.

Its figures are the dashboard's: ``build_report`` starts from ``build_dashboard`` and
the dashboard's own querysets (``sessions_with_attendance``, ``commitments_in``,
``implemented_in``, ``survey_aggregates``), so the two never disagree for the same
period. The charts are SVG bars drawn here, each next to a table with its figures.
The PDF is tagged (PDF/UA-1: structure tree, document language es-CO, title).

Generated on the first working day of each month for the month before (a Celery
beat job; idempotent: one ``MonthlyReport`` per month, one e-mail per person and
month through the outbox keys), and downloadable from the dashboard for any period.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cafe.branding import absolute_url, brand
from cafe.common.business_days import is_business_day
from cafe.notify.services import Attachment, send_templated
from cafe.org import roles
from sessions_app.models import Topic
from sessions_app.selectors import survey_aggregates

from . import charts, themes
from .dashboard import (
    Dashboard,
    Period,
    build_dashboard,
    commitments_in,
    implemented_in,
    sessions_in,
    sessions_with_attendance,
)
from .models import MonthlyReport, Proposal

logger = logging.getLogger(__name__)
S = Proposal.Status
PDF = "application/pdf"


@dataclass
class ReportData:
    period: Period
    dependency: object
    dashboard: Dashboard
    by_status: list = field(default_factory=list)
    sessions: list = field(default_factory=list)
    commitments: list = field(default_factory=list)
    due: list = field(default_factory=list)
    implemented: list = field(default_factory=list)
    campaigns: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    charts: dict = field(default_factory=dict)

    @property
    def figures(self) -> dict:
        return self.dashboard.figures


def month_period(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Period(start=start, end=end)


def _campaigns(period: Period, dependency) -> list[dict]:
    """The pulse survey of the sessions about each campaign, from the minimum of
    answers up (``survey_aggregates`` suppresses anything below it)."""
    campaign_kinds = (Topic.Kind.INTERNAL_CAMPAIGN, Topic.Kind.EXTERNAL_CAMPAIGN)
    held = sessions_in(period, dependency).filter(topic__kind__in=campaign_kinds)
    topics = Topic.objects.filter(sessions__in=held).distinct().order_by("name")
    rows = []
    for topic in topics:
        survey = survey_aggregates(sessions=held.filter(topic=topic)).total
        rows.append(
            {
                "name": topic.name,
                "kind": topic.get_kind_display(),
                "answers": survey.answers if survey.shown else None,
                "shown": survey.shown,
                "heard": survey.felt_heard,
                "useful": survey.useful,
                "trust": survey.trust,
            }
        )
    return rows


def due_in(period: Period, dependency=None):
    """The commitments whose due date falls in the period, whenever they were made
    (the dashboard's scope: visible proposals of the dependency or its sessions)."""
    queryset = Proposal.objects.filter(
        accepted_at__isnull=False,
        is_hidden=False,
        due_date__gte=period.start,
        due_date__lte=period.end,
    )
    if dependency is not None:
        queryset = queryset.filter(
            Q(responsible_dependency=dependency) | Q(session__dependency=dependency)
        )
    return queryset.select_related("responsible_dependency").order_by("due_date", "pk")


def recurring_themes(period: Period, dependency, board: Dashboard) -> list[dict]:
    """The recurring themes of the period, as the dashboard shows them (the stored
    result of the nightly grouping, ``themes.recurring_themes``); before the first
    grouping has run, the proposals by topic."""
    found = themes.recurring_themes(period=period, dependency=dependency)
    if not found["rows"]:
        return board.by_topic
    return [
        {"label": row["theme"].label, "total": row["theme"].size}
        for row in found["rows"]
    ]


def build_report(*, period: Period, dependency=None, today=None) -> ReportData:
    """Everything the report shows, from the dashboard's computations."""
    board = build_dashboard(period=period, dependency=dependency, today=today)
    by_status = [
        {"status": str(label), "total": sum(row[value] for row in board.by_month)}
        for value, label in S.choices
    ]
    data = ReportData(
        period=period,
        dependency=dependency,
        dashboard=board,
        by_status=by_status,
        sessions=list(sessions_with_attendance(period, dependency)),
        commitments=list(commitments_in(period, dependency)),
        due=list(due_in(period, dependency)),
        implemented=list(
            implemented_in(period, dependency)
            .select_related("responsible_dependency")
            .order_by("implemented_at", "pk")
        ),
        campaigns=_campaigns(period, dependency),
        themes=recurring_themes(period, dependency, board),
    )
    data.charts = _charts(data)
    return data


def _charts(data: ReportData) -> dict:
    f = data.figures
    rates = [
        (_("Respondidas"), f["answered_pct"]),
        (_("Aceptadas"), f["accepted_pct"]),
        (_("Implementadas"), f["implemented_pct"]),
        (_("Asistencia"), f["attendance_rate"]),
    ]
    pulse = [
        (_("Sentí que me escucharon"), f["pulse_heard"]),
        (_("El espacio fue útil"), f["pulse_useful"]),
        (_("Confío más en la dirección"), f["pulse_trust"]),
    ]
    status = [(row["status"], row["total"]) for row in data.by_status]
    themes = [(row["label"], row["total"]) for row in data.themes]
    made = {
        "status": (_("Propuestas por estado"), status, None),
        "rates": (_("Tasas del periodo (%)"), rates, 100),
        "themes": (_("Temas recurrentes"), themes, None),
    }
    if f["pulse_shown"]:
        made["pulse"] = (_("Encuesta de pulso (promedio de 1 a 5)"), pulse, 5)
    return {
        key: {
            "title": title,
            "src": charts.data_uri(charts.bar_chart(title, rows, scale_max=top)),
        }
        for key, (title, rows, top) in made.items()
        if rows
    }


def render_html(data: ReportData) -> str:
    with translation.override("es-co"):
        return render_to_string(
            "proposals/report/monthly.html",
            {
                **brand(),
                "report": data,
                "figures": data.figures,
                "generated": timezone.localtime(),
            },
        )


def render_pdf(data: ReportData) -> bytes:
    """The report as a tagged PDF (PDF/UA-1, WeasyPrint on Pango)."""
    from weasyprint import CSS, HTML  # heavy; only where a PDF is made

    stylesheet = CSS(filename=finders.find("css/report.css"))
    return HTML(string=render_html(data)).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )


def filename(period: Period) -> str:
    return f"informe-cafe-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf"


# --- The monthly job -----------------------------------------------------------------


def first_business_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def due_report(today: date) -> Period | None:
    """Last month's period once this month's first working day has come."""
    if today < first_business_day(today.year, today.month):
        return None
    last_month = today.replace(day=1) - timedelta(days=1)
    return month_period(last_month.year, last_month.month)


def generate_monthly_report(*, today: date | None = None) -> MonthlyReport | None:
    """Generate last month's report and e-mail it to Despacho, once.

    Returns None before the first working day. A second run (or a second worker)
    finds the stored report and sends nothing new: one row per month, one outbox
    key per person and month."""
    today = today or timezone.localdate()
    period = due_report(today)
    if period is None:
        return None
    report = MonthlyReport.objects.filter(period_start=period.start).first()
    if report is None:
        data = build_report(period=period, today=today)
        pdf = render_pdf(data)
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    period_start=period.start,
                    period_end=period.end,
                    pdf=pdf,
                    figures=data.figures,
                )
        except IntegrityError:  # another worker stored it first
            report = MonthlyReport.objects.get(period_start=period.start)
    _send_to_despacho(report)
    return report


def _send_to_despacho(report: MonthlyReport) -> int:
    period = Period(start=report.period_start, end=report.period_end)
    recipients = get_user_model().objects.filter(
        is_active=True, groups__name=roles.DESPACHO
    )
    attachment = Attachment(
        filename=filename(period), content=bytes(report.pdf), mimetype=PDF
    )
    sent = 0
    for user in recipients.distinct().order_by("pk"):
        send_templated(
            key=f"monthly-report:{report.period_start:%Y-%m}:{user.pk}",
            template="proposals/monthly_report",
            kind="monthly_report",
            context={
                "user": user,
                "period": period,
                "figures": report.figures,
                "dashboard_url": absolute_url(reverse("proposals:dashboard")),
            },
            to=user.email,
            recipient=user,
            attachments=(attachment,),
        )
        sent += 1
    return sent
