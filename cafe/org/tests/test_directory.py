"""The staff directory from Talento Humano's roster: dry run, apply, leavers, roles."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from cafe.notify.models import Delivery
from cafe.org import directory, roles, staff
from cafe.org.models import (
    Dependency,
    DependencyAlias,
    DirectoryImport,
    RoleChange,
    User,
)
from cafe.testing.factories import DependencyFactory, UserFactory, accept_privacy
from sessions_app.models import Registration
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

HEADER = "correo;nombre;dependencia;vinculación;fin del contrato;jefe\n"
WAITING = Registration.Status.WAITLISTED
FUTURE = (date.today() + timedelta(days=200)).isoformat()


@pytest.fixture
def talento():
    return DependencyFactory(name="Dirección de Talento Humano", code="110")


def csv_bytes(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def check(content: bytes, *, full=True, name="nomina.csv", actor=None):
    return directory.check_file(
        name=name, content=content, full_roster=full, actor=actor
    )


def test_dry_run_reports_everything_and_changes_nothing(talento):
    kept = UserFactory(email="ana@sg.gov.co", full_name="Ana", dependency=talento)
    leaver = UserFactory(email="luis@sg.gov.co")
    admin = UserFactory(email="admin@sg.gov.co", is_superuser=True)
    content = csv_bytes(
        "ana@sg.gov.co;Ana Rojas;110;planta;;",
        "nuevo@sg.gov.co;Persona Nueva;Dirección de Talento Humano;contratista;"
        f"{FUTURE};",
        "malo;Sin Correo;110;planta;;",
        "otra@sg.gov.co;Otra;Oficina Inexistente;planta;;",
        "vieja@sg.gov.co;Vieja;110;contratista;2020-01-01;",
        "ana@sg.gov.co;Ana Repetida;110;planta;;",
    )
    before = User.objects.count()

    record, plan = check(content)

    assert User.objects.count() == before
    assert record.state == DirectoryImport.State.CHECKED
    assert [r.email for r in plan.to_add] == ["nuevo@sg.gov.co"]
    assert [(row.email, fields) for row, _pk, fields in plan.to_change] == [
        ("ana@sg.gov.co", ["full_name"])
    ]
    assert {pk for pk, _e in plan.to_deactivate} == {leaver.pk}  # never the admin
    reasons = {r.line: r.reason for r in plan.refused}
    assert reasons[4] == "el correo no es válido"
    assert "dependencia desconocida" in reasons[5]
    assert reasons[6] == "la fecha de fin del contrato ya pasó"
    assert "correo repetido en el archivo (fila 2)" in reasons[7]
    assert plan.new_dependencies == ["Oficina Inexistente"]
    kept.refresh_from_db()
    assert kept.full_name == "Ana" and admin.is_active


def test_apply_is_atomic_in_strict_mode(talento):
    UserFactory(email="luis@sg.gov.co")
    record, _plan = check(
        csv_bytes(
            "uno@sg.gov.co;Uno;110;planta;;",
            '=HYPERLINK("http://x");Dos;110;planta;;',
            "tres@sg.gov.co;Tres;110;planta;;",
        )
    )
    before = list(User.objects.values_list("email", "is_active"))

    with pytest.raises(ValidationError, match="1 filas rechazadas"):
        directory.apply_import(record=record, actor=None, strict=True)

    assert list(User.objects.values_list("email", "is_active")) == before
    record.refresh_from_db()
    assert record.state == DirectoryImport.State.CHECKED

    plan = directory.apply_import(record=record, actor=None, strict=False)
    assert plan.summary()["nuevas"] == 2
    assert not User.objects.get(email="luis@sg.gov.co").is_active


def test_the_same_file_twice_changes_nothing_the_second_time(talento):
    content = csv_bytes(
        "uno@sg.gov.co;Uno;110;planta;;sí",
        f"dos@sg.gov.co;Dos;DP-x;contratista;{FUTURE};",
    )
    DependencyAlias.objects.create(name="DP-x", dependency=talento)  # a renamed one
    record, _ = check(content)
    directory.apply_import(record=record, actor=None)
    snapshot = list(User.objects.order_by("pk").values())
    talento.refresh_from_db()
    assert talento.head.email == "uno@sg.gov.co"

    again, plan = check(content)

    assert not plan.changes_anything
    with pytest.raises(ValidationError):
        directory.apply_import(record=record, actor=None)  # already applied
    directory.apply_import(record=again, actor=None)
    assert list(User.objects.order_by("pk").values()) == snapshot
    created = User.objects.get(email="uno@sg.gov.co")
    assert created.groups.filter(name=roles.SERVIDOR).exists()
    assert not created.has_usable_password()


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("=1+1", "parece una fórmula"),
        ("@SUM(A1)", "parece una fórmula"),
        ("x" * 300, "pasa de 200 caracteres"),
        ("Ana\x00Rojas", "caracteres no válidos"),
    ],
)
def test_hostile_cells_are_refused_with_the_reason(talento, cell, reason):
    _record, plan = check(csv_bytes(f"uno@sg.gov.co;{cell};110;planta;;"))

    assert not plan.rows
    assert reason in plan.refused[0].reason


def test_a_megabyte_cell_refuses_the_file_with_the_reason(talento):
    with pytest.raises(ValidationError, match="pasa de 128 KB"):
        check(csv_bytes(f"uno@sg.gov.co;{'x' * 1_000_000};110;planta;;"))

    assert not DirectoryImport.objects.exists()


def test_a_huge_file_is_refused_by_the_page(client, talento):
    admin = UserFactory(is_superuser=True)
    accept_privacy(admin)
    client.force_login(admin)
    huge = SimpleUploadedFile("nomina.csv", b"a" * (100 * 1024 * 1024))

    response = client.post(reverse("directory_import_new"), {"file": huge})

    assert response.status_code == 200
    assert "El archivo pesa más de 20 MB" in response.content.decode()
    assert not DirectoryImport.objects.exists()


def test_xlsx_with_dates_and_a_formula_cell(talento):
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Correo",
            "Nombre completo",
            "Dependencia",
            "Tipo de vinculación",
            "Fin del contrato",
        ]
    )
    sheet.append(
        [
            "c@sg.gov.co",
            "Carla",
            "110",
            "Contratista",
            date.today() + timedelta(days=30),
        ]
    )
    sheet.append(["d@sg.gov.co", '=CONCAT("a","b")', "110", "Planta", None])
    buffer = io.BytesIO()
    book.save(buffer)

    _record, plan = check(buffer.getvalue(), name="nomina.xlsx")

    assert [r.email for r in plan.rows] == ["c@sg.gov.co"]
    assert plan.rows[0].contract_ends_on == date.today() + timedelta(days=30)
    assert "fórmula" in plan.refused[0].reason


def test_a_leavers_seat_goes_to_the_first_person_waiting(talento):
    session = SessionFactory(capacity=1)
    leaver = RegistrationFactory(session=session).user
    first = RegistrationFactory(session=session, status=WAITING).user
    RegistrationFactory(session=session, status=WAITING)
    stay = UserFactory()
    content = csv_bytes(
        *[
            f"{u.email};{u.full_name};110;planta;;"
            for u in User.objects.exclude(pk=leaver.pk)
        ]
    )
    del stay
    record, _plan = check(content)

    directory.apply_import(record=record, actor=None)

    leaver.refresh_from_db()
    assert not leaver.is_active
    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses[leaver.pk] == Registration.Status.CANCELLED
    assert statuses[first.pk] == Registration.Status.CONFIRMED
    assert Delivery.objects.filter(to_email=first.email).count() == 1


def test_the_daily_job_deactivates_ended_contracts_and_removes_roles(talento):
    ended = UserFactory(
        contract_ends_on=date.today() - timedelta(days=1), role=roles.COMUNICACIONES
    )
    today = UserFactory(contract_ends_on=date.today())

    assert staff.deactivate_expired_contracts() == 1

    ended.refresh_from_db()
    today.refresh_from_db()
    assert not ended.is_active and today.is_active
    assert not ended.groups.filter(name=roles.COMUNICACIONES).exists()
    change = RoleChange.objects.get(person=ended)
    assert (change.role, change.action) == (roles.COMUNICACIONES, "remove")


def test_apply_uses_the_same_queries_for_more_rows_in_a_batch(postgres, talento):
    def queries_for(n: int, prefix: str) -> int:
        lines = [f"{prefix}{i}@sg.gov.co;P {i};110;planta;;" for i in range(n)]
        record, _ = check(csv_bytes(*lines), full=False)
        with CaptureQueriesContext(connection) as ctx:
            directory.apply_import(record=record, actor=None)
        return len(ctx.captured_queries)

    assert queries_for(10, "a") == queries_for(200, "b")


def test_roles_are_recorded_and_take_effect_on_the_next_request(client, talento):
    admin = UserFactory(is_superuser=True)
    person = UserFactory()
    accept_privacy(person)
    other = DependencyFactory()
    accept_privacy(admin)
    client.force_login(admin)

    client.post(
        reverse("directory_grant_role"),
        {"email": person.email.upper(), "role": roles.ENLACE, "dependency": other.pk},
    )
    client.post(
        reverse("directory_grant_role"),
        {"email": person.email, "role": roles.COMUNICACIONES},
    )

    page = client.get(reverse("directory_roles")).content.decode()
    assert person.full_name in page and "Otorgado" in page
    person_client = type(client)()
    person_client.force_login(person)
    assert person_client.get(reverse("sessions:manage")).status_code == 200
    person.refresh_from_db()
    assert person.liaison_of == other

    client.post(
        reverse("directory_remove_role", args=[person.pk, roles.COMUNICACIONES])
    )

    assert person_client.get(reverse("sessions:manage")).status_code == 403
    assert list(
        RoleChange.objects.filter(person=person).values_list("role", "action", "actor")
    ) == [
        (roles.COMUNICACIONES, "remove", admin.pk),
        (roles.COMUNICACIONES, "grant", admin.pk),
        (roles.ENLACE, "grant", admin.pk),
    ]


def test_dependency_head_is_named_and_recorded(client, talento):
    admin = UserFactory(is_superuser=True)
    accept_privacy(admin)
    head = UserFactory()
    client.force_login(admin)

    client.post(
        reverse("directory_set_head"), {"dependency": talento.pk, "email": head.email}
    )

    assert Dependency.objects.get(pk=talento.pk).head == head
    assert RoleChange.objects.get(person=head).role == "Jefe de dependencia"


@pytest.mark.parametrize(
    "url",
    ["directory_import_new", "directory_roles"],
)
def test_directory_pages_are_for_the_administrator_only(client, url):
    person = UserFactory(role=roles.COMUNICACIONES)
    accept_privacy(person)
    client.force_login(person)

    assert client.get(reverse(url)).status_code == 403


def test_the_dry_run_page_names_the_changes_in_spanish(client, talento):
    admin = UserFactory(is_superuser=True)
    accept_privacy(admin)
    UserFactory(email="ana@sg.gov.co", full_name="Ana", dependency=talento)
    record, _plan = check(csv_bytes("ana@sg.gov.co;Ana Rojas;110;planta;;"))
    client.force_login(admin)

    page = client.get(reverse("directory_import", args=[record.pk])).content.decode()

    assert "ana@sg.gov.co: nombre" in page
    assert "full_name" not in page
