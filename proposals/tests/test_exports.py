"""Dashboard exports: CSV (UTF-8 with BOM, `;`) and XLSX, formula-safe, for Despacho."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import timezone

from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import services
from proposals.exports import headers
from proposals.models import Proposal
from sessions_app.tests.factories import RegistrationFactory, held_session

pytestmark = pytest.mark.django_db

CSV_URL = "/propuestas/tablero/exportar.csv"
XLSX_URL = "/propuestas/tablero/exportar.xlsx"
COLUMNS = {name: i for i, name in enumerate(headers())}
FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+57 1 555 0000 llamar a soporte",
    "-2+3 días de trámite",
    "@SUM(A1:A2) revisar",
]


def make(title: str, *, days_ago: int = 1, **fields) -> Proposal:
    if not fields.get("is_anonymous"):
        fields.setdefault("author", UserFactory(full_name="Ana María Pérez"))
    return Proposal.objects.create(
        kind=fields.pop("kind", Proposal.Kind.PROPOSAL),
        title=title,
        text=fields.pop(
            "text", "Texto de la propuesta; con punto y coma.\nY otra línea."
        ),
        created_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture
def data():
    named = make("Ventanilla única interna")
    anonymous = make("Acoso en el piso 3", is_anonymous=True, days_ago=2)
    room = make("Planteada en la sala", author=None, origin=Proposal.Origin.ROOM)
    formulas = [make(title, days_ago=3) for title in FORMULAS]
    in_text = make("Fórmula en el texto", text="=1+1")
    make("Oculta", is_hidden=True, hidden_reason="Duplicada")  # not exported
    make("De hace dos años", days_ago=730)  # outside the default period
    for person in UserFactory.create_batch(3):
        services.support_proposal(proposal=named, user=person)
    return {
        "named": named,
        "anonymous": anonymous,
        "room": room,
        "formulas": formulas,
        "in_text": in_text,
        "exported": [named, anonymous, room, *formulas, in_text],
    }


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def read_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Propuestas", "Sesiones", "Compromisos", "Encuesta"]
    return list(workbook["Propuestas"].iter_rows())


def by_number(rows) -> dict:
    return {int(row[COLUMNS["Número"]]): row for row in rows[1:]}


def test_csv(login, despacho, data):
    response = login(despacho).get(CSV_URL)
    rows = read_csv(response)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="propuestas-')
    assert disposition.endswith('.csv"')
    assert rows[0] == headers()
    assert all(len(row) == len(headers()) for row in rows)
    assert len(rows) == 1 + len(data["exported"])
    exported = by_number(rows)
    assert set(exported) == {p.pk for p in data["exported"]}
    # Oldest first.
    assert [int(r[0]) for r in rows[1:]] == sorted(
        exported, key=lambda pk: Proposal.objects.get(pk=pk).created_at
    )
    named = exported[data["named"].pk]
    assert named[COLUMNS["Título"]] == "Ventanilla única interna"
    assert named[COLUMNS["Autoría"]] == "Ana María Pérez"
    assert named[COLUMNS["Estado"]] == "Recibida"
    # The delimiter and the line break inside the text survive the round trip.
    assert named[COLUMNS["Texto"]] == (
        "Texto de la propuesta; con punto y coma.\nY otra línea."
    )
    assert exported[data["anonymous"].pk][COLUMNS["Autoría"]] == "Anónima"
    assert exported[data["room"].pk][COLUMNS["Autoría"]] == "Sin autoría registrada"


def test_csv_neutralises_formulas(login, despacho, data):
    exported = by_number(read_csv(login(despacho).get(CSV_URL)))
    for proposal, title in zip(data["formulas"], FORMULAS, strict=True):
        assert exported[proposal.pk][COLUMNS["Título"]] == f"'{title}"
    assert exported[data["in_text"].pk][COLUMNS["Texto"]] == "'=1+1"
    # Ordinary text is left alone.
    assert exported[data["named"].pk][COLUMNS["Título"]] == "Ventanilla única interna"


def test_csv_follows_the_period_and_dependency_filters(
    login, despacho, dependency, data
):
    assigned = make("Asignada", responsible_dependency=dependency)
    client = login(despacho)
    rows = read_csv(client.get(CSV_URL, {"dependencia": dependency.pk}))
    assert [int(r[0]) for r in rows[1:]] == [assigned.pk]
    today = timezone.localdate()
    old = today - timedelta(days=730)
    rows = read_csv(client.get(CSV_URL, {"desde": old, "hasta": old}))
    assert [r[COLUMNS["Título"]] for r in rows[1:]] == ["De hace dos años"]
    rows = read_csv(client.get(CSV_URL, {"desde": today, "hasta": today}))
    assert rows == [headers()]  # the header only


def test_xlsx(login, despacho, data):
    response = login(despacho).get(XLSX_URL)
    rows = read_xlsx(response)
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert [cell.value for cell in rows[0]] == headers()
    assert len(rows) == 1 + len(data["exported"])
    exported = {row[0].value: row for row in rows[1:]}
    assert set(exported) == {p.pk for p in data["exported"]}
    named = exported[data["named"].pk]
    assert named[COLUMNS["Título"]].value == "Ventanilla única interna"
    assert named[COLUMNS["Autoría"]].value == "Ana María Pérez"
    assert exported[data["anonymous"].pk][COLUMNS["Autoría"]].value == "Anónima"
    assert all(row[0].data_type == "n" for row in rows[1:])  # numbers stay numbers


def test_xlsx_neutralises_formulas(login, despacho, data):
    rows = read_xlsx(login(despacho).get(XLSX_URL))
    exported = {row[0].value: row for row in rows[1:]}
    for proposal, title in zip(data["formulas"], FORMULAS, strict=True):
        cell = exported[proposal.pk][COLUMNS["Título"]]
        assert cell.value == f"'{title}"
        assert cell.data_type != "f"
    cell = exported[data["in_text"].pk][COLUMNS["Texto"]]
    assert (cell.value, cell.data_type) == ("'=1+1", "s")
    assert not [c.coordinate for row in rows for c in row if c.data_type == "f"]


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_support_column_counts_the_supports(login, despacho, data, url):
    response = login(despacho).get(url)
    if url == CSV_URL:
        row = by_number(read_csv(response))[data["named"].pk]
        assert row[COLUMNS["Apoyos"]] == "3"
    else:
        rows = read_xlsx(response)
        row = {r[0].value: r for r in rows[1:]}[data["named"].pk]
        assert row[COLUMNS["Apoyos"]].value == 3


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_servidor_gets_403(login, servidor, data, url):
    assert login(servidor).get(url).status_code == 403


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_comunicaciones_may_export(login, comunicaciones, data, url):
    assert login(comunicaciones).get(url).status_code == 200


@pytest.mark.parametrize("url", [CSV_URL, XLSX_URL])
def test_anonymous_visitor_is_sent_to_the_login(client, data, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


# --- The workbook's other sheets ---------------------------------------------------


def sheet(response, name: str) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in workbook[name].iter_rows()]


@pytest.fixture
def activity(dependency):
    """Two held sessions (one of the dependency) with attendance, and commitments:
    one overdue, one due later, one kept after its date."""
    other = DependencyFactory(name="Otra dependencia")
    ours = held_session(title="=Café de la dependencia", dependency=dependency)
    theirs = held_session(title="Café de la otra", dependency=other)
    for came in (True, True, True, False):
        RegistrationFactory(
            session=ours, checked_in_at=ours.starts_at if came else None
        )
    RegistrationFactory(session=theirs, checked_in_at=theirs.starts_at)
    RegistrationFactory(session=theirs, status="en_espera")  # not counted
    today = timezone.localdate()
    now = timezone.now()

    def commitment(title, status, due_in, dep, accepted_days_ago=10, **fields):
        return make(
            title,
            days_ago=accepted_days_ago + 10,
            status=status,
            accepted_at=now - timedelta(days=accepted_days_ago),
            commitment=f"Compromiso: {title}",
            due_date=today + timedelta(days=due_in),
            responsible_dependency=dep,
            **fields,
        )

    return {
        "ours": ours,
        "theirs": theirs,
        "late": commitment("Atrasado", "en_implementacion", -3, dependency),
        "on_time": commitment("A tiempo", "aceptada", 15, other),
        "kept": commitment(
            "Cumplido",
            "implementada",
            -5,
            dependency,
            implemented_at=now - timedelta(days=6),
        ),
        "old": commitment(
            "Aceptado hace mucho", "aceptada", 5, other, accepted_days_ago=700
        ),
    }


def test_sessions_sheet_has_the_attendance(login, despacho, activity):
    rows = sheet(login(despacho).get(XLSX_URL), "Sesiones")
    header = rows[0]
    assert header[:2] == ["Fecha", "Sesión"]
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_title) == {"'=Café de la dependencia", "Café de la otra"}
    ours = by_title["'=Café de la dependencia"]  # a formula stays text
    assert ours["Inscripciones confirmadas"] == 4
    assert ours["Asistentes"] == 3
    assert ours["Asistencia (%)"] == 75.0
    assert ours["Audiencia"] == activity["ours"].dependency.name
    assert by_title["Café de la otra"]["Inscripciones confirmadas"] == 1


def test_commitments_sheet_says_what_is_due_and_what_is_late(login, despacho, activity):
    today = timezone.localdate()
    rows = sheet(login(despacho).get(XLSX_URL), "Compromisos")
    header = rows[0]
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    # Made in the period; soonest due first.
    assert list(by_title) == ["Cumplido", "Atrasado", "A tiempo"]
    late = by_title["Atrasado"]
    assert (late["Vencido"], late["Días de retraso"]) == ("Sí", 3)
    assert late["Fecha de cumplimiento"] == (today - timedelta(days=3)).strftime(
        "%d/%m/%Y"
    )
    assert late["Compromiso"] == "Compromiso: Atrasado"
    assert (
        by_title["A tiempo"]["Vencido"],
        by_title["A tiempo"]["Días de retraso"],
    ) == (
        "No",
        None,
    )
    assert by_title["Cumplido"]["Vencido"] == "No"  # kept, though after its date
    assert by_title["Cumplido"]["Estado"] == "Implementada"


def test_every_sheet_follows_the_filters(login, despacho, dependency, activity):
    client = login(despacho)
    response = client.get(XLSX_URL, {"dependencia": dependency.pk})
    assert [r[1] for r in sheet(response, "Sesiones")[1:]] == [
        "'=Café de la dependencia"
    ]
    assert [r[1] for r in sheet(response, "Compromisos")[1:]] == [
        "Cumplido",
        "Atrasado",
    ]
    long_ago = timezone.localdate() - timedelta(days=400)
    response = client.get(XLSX_URL, {"desde": long_ago, "hasta": long_ago})
    assert len(sheet(response, "Sesiones")) == 1  # the header only
    assert len(sheet(response, "Compromisos")) == 1
