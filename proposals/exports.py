"""Exports of the dashboard, with its filters applied: the proposals with their
current status as CSV (UTF-8 with BOM, Excel-safe), and a workbook (openpyxl, in
write-only mode) with the proposals, the sessions held with their attendance, the
commitments with their due dates, and the pulse survey by month (figures only from
the minimum of answers up, as on the dashboard)."""

import csv
import io
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook

from .models import Proposal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV/formula injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def headers() -> list[str]:
    return [
        _("Número"),
        _("Tipo"),
        _("Título"),
        _("Texto"),
        _("Estado"),
        _("Autoría"),
        _("Recibida"),
        _("Sesión"),
        _("Tema"),
        _("Dependencia responsable"),
        _("Compromiso"),
        _("Fecha de cumplimiento"),
        _("Vencida"),
        _("Resultado"),
        _("Impacto"),
        _("Apoyos"),
    ]


def rows(proposals, today=None):
    today = today or timezone.localdate()
    for p in proposals:
        if p.is_anonymous:
            author = _("Anónima")
        elif p.author_id:
            author = p.author.full_name
        else:
            author = _("Sin autoría registrada")
        overdue = bool(
            p.due_date and p.is_open and p.due_date < today and p.accepted_at
        )
        yield [
            p.pk,
            p.get_kind_display(),
            p.title,
            p.text,
            p.get_status_display(),
            author,
            timezone.localtime(p.created_at).strftime("%d/%m/%Y"),
            p.session.title if p.session_id else "",
            p.topic.name if p.topic_id else "",
            p.responsible_dependency.name if p.responsible_dependency_id else "",
            p.commitment,
            p.due_date.strftime("%d/%m/%Y") if p.due_date else "",
            _("Sí") if overdue else _("No"),
            p.outcome,
            p.impact,
            p.support_count,
        ]


def to_csv(proposals) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers())
    for row in rows(proposals):
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def session_rows(sessions):
    """Held sessions annotated with ``confirmed`` and ``attended``."""
    yield [
        _("Fecha"),
        _("Sesión"),
        _("Audiencia"),
        _("Tema"),
        _("Formato"),
        _("Cupos"),
        _("Inscripciones confirmadas"),
        _("Asistentes"),
        _("Asistencia (%)"),
    ]
    for s in sessions:
        yield [
            timezone.localtime(s.starts_at).strftime("%d/%m/%Y %H:%M"),
            s.title,
            s.dependency.name if s.dependency_id else _("Toda la entidad"),
            s.topic.name if s.topic_id else "",
            s.get_format_display(),
            s.capacity,
            s.confirmed,
            s.attended,
            round(100 * s.attended / s.confirmed, 1) if s.confirmed else "",
        ]


def commitment_rows(commitments, today=None):
    """Accepted proposals: what was promised, by whom, by when, and whether late
    (still open past its due date, as the dashboard counts it)."""
    today = today or timezone.localdate()
    open_statuses = (Proposal.Status.ACCEPTED, Proposal.Status.IN_PROGRESS)
    yield [
        _("Número"),
        _("Propuesta"),
        _("Compromiso"),
        _("Dependencia responsable"),
        _("Estado"),
        _("Aceptada"),
        _("Fecha de cumplimiento"),
        _("Vencido"),
        _("Días de retraso"),
        _("Implementada"),
    ]
    for p in commitments:
        late = bool(p.due_date and p.status in open_statuses and p.due_date < today)
        yield [
            p.pk,
            p.title,
            p.commitment,
            p.responsible_dependency.name if p.responsible_dependency_id else "",
            p.get_status_display(),
            timezone.localtime(p.accepted_at).strftime("%d/%m/%Y"),
            p.due_date.strftime("%d/%m/%Y") if p.due_date else "",
            _("Sí") if late else _("No"),
            (today - p.due_date).days if late else "",
            (
                timezone.localtime(p.implemented_at).strftime("%d/%m/%Y")
                if p.implemented_at
                else ""
            ),
        ]


def survey_rows(survey):
    """The months of a ``SurveyAggregates`` and its total; a bucket below the
    minimum says so, with no number."""
    fewer = ngettext(
        "menos de %(n)s respuesta", "menos de %(n)s respuestas", survey.minimum
    ) % {"n": survey.minimum}
    yield [
        _("Mes"),
        _("Respuestas"),
        _("Sentí que me escucharon"),
        _("El espacio fue útil"),
        _("Confío más en la dirección"),
    ]
    total = replace(survey.total, label=_("Todo el periodo"))
    for bucket in (*survey.by_month, total):
        if bucket.shown:
            yield [
                bucket.label,
                bucket.answers,
                bucket.felt_heard,
                bucket.useful,
                bucket.trust,
            ]
        else:
            yield [bucket.label, fewer, "", "", ""]


def _append(sheet, table) -> None:
    for row in table:
        sheet.append(
            [
                cell if isinstance(cell, int | float) else neutralise(cell)
                for cell in row
            ]
        )


def to_xlsx(proposals, *, sessions, commitments, survey) -> bytes:
    """One sheet per table; each sheet's first row names its columns."""
    workbook = Workbook(write_only=True)
    _append(workbook.create_sheet(_("Propuestas")), [headers(), *rows(proposals)])
    _append(workbook.create_sheet(_("Sesiones")), session_rows(sessions))
    _append(workbook.create_sheet(_("Compromisos")), commitment_rows(commitments))
    _append(workbook.create_sheet(_("Encuesta")), survey_rows(survey))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
