"""The monthly PDF report: it opens, it is tagged, its figures are the dashboard's,
and the monthly job sends it to Despacho once."""

import base64
import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cafe.notify.models import Delivery
from cafe.testing.factories import DependencyFactory, UserFactory
from conftest import require_service
from proposals import report
from proposals.dashboard import Period, build_dashboard
from proposals.models import MonthlyReport
from proposals.tests.factories import ProposalFactory
from sessions_app.models import Topic
from sessions_app.tests.factories import (
    RegistrationFactory,
    TopicFactory,
    held_on,
    survey_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _weasyprint():
    """The PDF needs WeasyPrint and Debian's Pango (.ci/run installs them)."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        require_service(False, f"WeasyPrint no puede cargar Pango: {error}")


MONTH = Period(start=date(2026, 10, 1), end=date(2026, 10, 31))


def _at(day: date, hour=10):
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def october():
    """October 2026: two held sessions (one about a campaign, with 6 answers),
    attendance, and proposals in several states; one proposal in September."""
    dep_a = DependencyFactory(name="Dirección A")
    dep_b = DependencyFactory(name="Dirección B")
    campaign = TopicFactory(
        name="Campaña Bogotá limpia", kind=Topic.Kind.INTERNAL_CAMPAIGN
    )
    s1 = held_on(date(2026, 10, 6), dependency=dep_a, topic=campaign)
    s2 = held_on(date(2026, 10, 20), dependency=dep_b)
    for _ in range(3):
        RegistrationFactory(
            session=s1, user=UserFactory(dependency=dep_a), checked_in_at=s1.starts_at
        )
    RegistrationFactory(session=s2, user=UserFactory(dependency=dep_b))
    survey_answers(s1, 6, heard=5, useful=4, trust=3)
    day = date(2026, 10, 8)
    ProposalFactory(created_at=_at(day), topic=campaign)
    ProposalFactory(
        created_at=_at(day),
        first_answered_at=_at(day + timedelta(days=2)),
        status="en_analisis",
    )
    ProposalFactory(
        created_at=_at(day),
        first_answered_at=_at(day + timedelta(days=3)),
        accepted_at=_at(day + timedelta(days=3)),
        status="aceptada",
        responsible_dependency=dep_a,
        commitment="Compromiso",
        due_date=date(2026, 10, 30),
    )
    ProposalFactory(
        created_at=_at(day),
        first_answered_at=_at(day + timedelta(days=1)),
        accepted_at=_at(day + timedelta(days=1)),
        implemented_at=_at(date(2026, 10, 25)),
        status="implementada",
        responsible_dependency=dep_b,
        outcome="Se publicó el formulario en línea",
        impact="Menos filas en la ventanilla",
        topic=campaign,
    )
    ProposalFactory(created_at=_at(date(2026, 9, 10)))  # outside the month
    return {"dep_a": dep_a}


def _tags(node, found=None) -> list[tuple[str, str]]:
    """(structure type, alternative text) of every element of the structure tree."""
    found = [] if found is None else found
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _tags(child, found)
    elif hasattr(node, "get"):
        if "/S" in node:
            found.append((str(node["/S"]), str(node.get("/Alt", ""))))
        if "/K" in node:
            _tags(node["/K"], found)
    return found


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in reader.pages
    )


def test_pdf_opens_tagged_with_language_and_title(october):
    pdf = report.render_pdf(report.build_report(period=MONTH, today=date(2026, 11, 3)))
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "es-CO"
    assert reader.metadata.title.startswith("Informe de Un Café con el Secretario")
    assert "01/10/2026" in reader.metadata.title
    # Headings, tables and the charts (figures with a text alternative) are tagged.
    tags = _tags(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= {t for t, _ in tags}
    alts = [alt for tag, alt in tags if tag == "/Figure"]
    assert alts and all(alt.startswith("Gráfico de barras") for alt in alts)


def test_pdf_figures_equal_the_dashboards(october):
    today = date(2026, 11, 3)
    board = build_dashboard(period=MONTH, today=today)
    f = board.figures
    assert (f["sessions_held"], f["received"], f["implemented"]) == (2, 4, 1)
    text = _text(report.render_pdf(report.build_report(period=MONTH, today=today)))

    def pct(value):
        return f"{value:.1f}".replace(".", ",")

    expected = [
        f"Sesiones realizadas {f['sessions_held']}",
        f"Dependencias cubiertas {f['dependencies_covered']}",
        f"Tasa de asistencia {pct(f['attendance_rate'])} %",
        f"Propuestas recibidas {f['received']}",
        f"Respondidas {f['answered']} ({pct(f['answered_pct'])} %)",
        f"Aceptadas {f['accepted']} ({pct(f['accepted_pct'])} %)",
        f"Implementadas {f['implemented']} ({pct(f['implemented_pct'])} %)",
        f"Compromisos vencidos hoy {f['overdue']}",
        f"Sentí que me escucharon {pct(f['pulse_heard'])}",
    ]
    for line in expected:
        assert line in text, line
    statuses = {}
    for row in board.by_month:
        for key, value in row.items():
            if key != "month":
                statuses[key] = statuses.get(key, 0) + value
    assert f"Recibida {statuses['recibida']}" in text
    assert f"En análisis {statuses['en_analisis']}" in text
    assert "Se publicó el formulario en línea" in text  # outcome
    assert "Menos filas en la ventanilla" in text  # impact
    assert "Campaña Bogotá limpia" in text
    due = text.split("Compromisos con fecha límite en el periodo")[1]
    assert due.split("Vencidos")[0].count("30/10/2026") == 1


def test_the_report_suppresses_a_survey_below_the_minimum(october):
    from sessions_app.models import Feedback

    Feedback.objects.all().delete()
    survey_answers(held_on(date(2026, 10, 27), dependency=october["dep_a"]), 4, heard=1)
    text = _text(report.render_pdf(report.build_report(period=MONTH)))
    assert "Sin resultados: se muestran desde 5 respuestas" in text
    assert "Sentí que me escucharon" not in text


def test_first_working_day_counts_holidays():
    # 1 November 2026 is a Sunday and Monday the 2nd is a festivo (Todos los Santos).
    assert report.first_business_day(2026, 11) == date(2026, 11, 3)
    assert report.due_report(date(2026, 11, 2)) is None
    period = report.due_report(date(2026, 11, 3))
    assert (period.start, period.end) == (date(2026, 10, 1), date(2026, 10, 31))


def test_monthly_job_stores_and_sends_once(
    october, despacho, django_capture_on_commit_callbacks
):
    UserFactory(role="Despacho", is_active=False)
    assert report.generate_monthly_report(today=date(2026, 11, 2)) is None
    with django_capture_on_commit_callbacks(execute=False):
        stored = report.generate_monthly_report(today=date(2026, 11, 3))
        again = report.generate_monthly_report(today=date(2026, 11, 4))
    assert stored.pk == again.pk
    assert MonthlyReport.objects.count() == 1
    assert stored.figures["sessions_held"] == 2
    deliveries = list(Delivery.objects.filter(kind="monthly_report"))
    assert [d.recipient for d in deliveries] == [despacho]
    attachment = deliveries[0].attachments[0]
    assert attachment["mimetype"] == "application/pdf"
    assert attachment["filename"] == "informe-cafe-20261001-20261031.pdf"
    assert base64.b64decode(attachment["content"]).startswith(b"%PDF-")


def test_the_dashboard_downloads_the_report_of_any_period(october, login, despacho):
    client = login(despacho)
    page = client.get(reverse("proposals:dashboard")).content.decode()
    assert reverse("proposals:report_pdf") in page
    response = client.get(
        reverse("proposals:report_pdf"),
        {"desde": "2026-10-01", "hasta": "2026-10-31"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "informe-cafe-20261001-20261031.pdf" in response["Content-Disposition"]
    text = _text(response.content)
    assert re.search(r"Sesiones realizadas 2\b", text)


def test_staff_without_the_dashboard_cannot_download(login, servidor):
    response = login(servidor).get(reverse("proposals:report_pdf"))
    assert response.status_code == 403


def test_despachos_email_carries_the_pdf(
    october, despacho, smtp_settings, django_capture_on_commit_callbacks
):
    from cafe.notify.tasks import deliver_email

    with django_capture_on_commit_callbacks(execute=False):
        report.generate_monthly_report(today=date(2026, 11, 3))
    delivery = Delivery.objects.get(kind="monthly_report")
    assert deliver_email.apply(args=[delivery.pk]).get() == "sent"
    (message,) = smtp_settings.messages
    assert message["To"] == despacho.email
    assert "Informe mensual del 01/10/2026 al 31/10/2026" in message["Subject"]
    parts = [p for p in message.walk() if p.get_filename()]
    assert [p.get_filename() for p in parts] == ["informe-cafe-20261001-20261031.pdf"]
    assert parts[0].get_content_type() == "application/pdf"
    assert parts[0].get_payload(decode=True).startswith(b"%PDF-")
