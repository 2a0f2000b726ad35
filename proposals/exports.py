"""Exports of proposals with their current status: CSV (UTF-8 with BOM, Excel-safe) and
XLSX (openpyxl, streamed in write-only mode)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

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


def to_xlsx(proposals) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Propuestas"))
    sheet.append(headers())
    for row in rows(proposals):
        sheet.append(
            [cell if isinstance(cell, int) else neutralise(cell) for cell in row]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
