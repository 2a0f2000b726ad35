"""Scheduling on a non-working day, outside office hours or over another session
asks Comunicaciones to confirm before anything is saved."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from cafe.testing.factories import DependencyFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

BOGOTA = timezone.get_fixed_timezone(-300)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=BOGOTA)  # a Monday
FMT = "%Y-%m-%dT%H:%M"
NEW = "/sesiones/gestion/nueva/"


def session_data(start: datetime, minutes: int = 90, **overrides) -> dict:
    data = {
        "title": "Café con Talento Humano",
        "description": "",
        "topic": "",
        "dependency": "",
        "starts_at": start.strftime(FMT),
        "ends_at": (start + timedelta(minutes=minutes)).strftime(FMT),
        "format": "presencial",
        "place": "Sala 1",
        "meeting_url": "",
        "capacity": "25",
        "registration_opens_at": (start - timedelta(days=10)).strftime(FMT),
        "registration_closes_at": (start - timedelta(hours=2)).strftime(FMT),
        "host_name": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(NOW)
def test_a_sunday_at_dawn_is_saved_only_after_confirming(login, comunicaciones):
    client = login(comunicaciones)
    sunday = datetime(2026, 12, 6, 2, 14, tzinfo=BOGOTA)

    response = client.post(NEW, session_data(sunday))

    assert response.status_code == 200
    assert not Session.objects.exists()
    warnings = response.context["form"].schedule_warnings
    assert warnings == [
        "El 06/12/2026 es domingo: no es un día hábil.",
        "De 02:14 a 03:44 está fuera del horario laboral (07:00 a 18:00).",
    ]
    page = response.content.decode()
    assert "Revise la fecha y la hora antes de guardar" in page
    assert 'type="checkbox" name="save_anyway"' in page
    assert "Guardar de todos modos" in page

    response = client.post(NEW, session_data(sunday, save_anyway="on"))

    assert response.status_code == 302
    assert Session.objects.count() == 1


@time_machine.travel(NOW)
def test_a_festivo_and_a_clash_are_warned(login, comunicaciones):
    festivo = datetime(2026, 12, 8, 10, 0, tzinfo=BOGOTA)
    SessionFactory(
        title="Café con Hacienda",
        starts_at=festivo + timedelta(minutes=30),
        registration_opens_at=NOW - timedelta(days=1),
    )
    SessionFactory(
        title="Café cancelado",
        starts_at=festivo,
        registration_opens_at=NOW - timedelta(days=1),
        status=Session.Status.CANCELLED,
    )

    response = login(comunicaciones).post(NEW, session_data(festivo))

    assert response.status_code == 200
    assert response.context["form"].schedule_warnings == [
        "El 08/12/2026 es festivo (La Inmaculada Concepción).",
        "Se cruza con otra sesión: «Café con Hacienda», 08/12/2026 10:30.",
    ]
    assert Session.objects.count() == 2


@time_machine.travel(NOW)
def test_a_working_day_in_office_hours_saves_at_once(login, comunicaciones):
    tuesday = datetime(2026, 12, 1, 7, 0, tzinfo=BOGOTA)
    SessionFactory(  # ends when the new one starts: no overlap
        starts_at=tuesday - timedelta(minutes=90),
        registration_opens_at=NOW - timedelta(days=1),
    )

    response = login(comunicaciones).post(NEW, session_data(tuesday, minutes=660))

    assert response.status_code == 302
    assert Session.objects.count() == 2


@time_machine.travel(NOW)
def test_editing_other_fields_does_not_ask_again(login, comunicaciones):
    sunday = datetime(2026, 12, 6, 2, 14, tzinfo=BOGOTA)
    session = SessionFactory(
        starts_at=sunday, registration_opens_at=NOW - timedelta(days=1)
    )
    data = session_data(
        timezone.localtime(session.starts_at), title="Café con otro título"
    )
    data["registration_opens_at"] = timezone.localtime(
        session.registration_opens_at
    ).strftime(FMT)

    response = login(comunicaciones).post(f"/sesiones/{session.pk}/editar/", data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Café con otro título"


def plan(rows, **extra) -> dict:
    data = {
        "plan-TOTAL_FORMS": str(len(rows)),
        "plan-INITIAL_FORMS": str(len(rows)),
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "1000",
        "accion": "borradores",
        **extra,
    }
    for i, (dependency, day, start, end) in enumerate(rows):
        data.update(
            {
                f"plan-{i}-include": "on",
                f"plan-{i}-dependency": str(dependency.pk),
                f"plan-{i}-day": day,
                f"plan-{i}-start": start,
                f"plan-{i}-end": end,
                f"plan-{i}-place": "Auditorio",
                f"plan-{i}-capacity": "40",
            }
        )
    return data


@time_machine.travel(NOW)
def test_the_planner_warns_and_creates_only_after_confirming(login, comunicaciones):
    hacienda = DependencyFactory(name="Hacienda")
    salud = DependencyFactory(name="Salud")
    rows = [
        (hacienda, "2026-12-08", "10:00", "11:30"),  # festivo
        (salud, "2026-12-09", "17:30", "19:00"),  # after office hours
        (DependencyFactory(name="Movilidad"), "2026-12-09", "18:00", "18:30"),
    ]
    client = login(comunicaciones)

    response = client.post("/sesiones/gestion/ciclo/", plan(rows))

    assert response.status_code == 200
    assert not Session.objects.exists()
    assert response.context["schedule_warnings"] == [
        "Hacienda — El 08/12/2026 es festivo (La Inmaculada Concepción).",
        "Salud — De 17:30 a 19:00 está fuera del horario laboral (07:00 a 18:00).",
        "Movilidad — De 18:00 a 18:30 está fuera del horario laboral (07:00 a 18:00).",
        "Movilidad — Se cruza con la sesión de Salud en este mismo plan.",
    ]
    page = response.content.decode()
    assert 'name="confirmar" value="1"' in page
    assert "Crear de todos modos" in page

    response = client.post("/sesiones/gestion/ciclo/", plan(rows, confirmar="1"))

    assert response.status_code == 302
    assert Session.objects.count() == 3
