"""The month's cadence: sessions per month, rotation order, the leader's agenda."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cafe.testing.factories import DependencyFactory, UserFactory
from sessions_app import selectors, services
from sessions_app.models import AgendaBlock, Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

BOGOTA = timezone.get_fixed_timezone(-300)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=BOGOTA)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BOGOTA)


def held(dependency, days_ago: int) -> Session:
    start = timezone.now() - timedelta(days=days_ago)
    return SessionFactory(
        dependency=dependency,
        status=Session.Status.HELD,
        starts_at=start,
        registration_opens_at=start - timedelta(days=3),
        registration_closes_at=start - timedelta(hours=2),
    )


def staff(dependency, n: int) -> None:
    UserFactory.create_batch(n, dependency=dependency)


@time_machine.travel(NOW)
def test_planner_proposes_the_cadence_longest_waiting_first_then_largest(settings):
    settings.SESSIONS_PER_MONTH = 3
    recent, stale = DependencyFactory(name="Reciente"), DependencyFactory(name="Vieja")
    small, large = DependencyFactory(name="A pequeña"), DependencyFactory(name="Z gran")
    staff(small, 1)
    staff(large, 4)
    held(recent, 20)
    held(stale, 200)

    plan = services.plan_month(year=2026, month=12)

    # Never held first (the larger of the two first), then the longest ago.
    assert [row.dependency for row in plan] == [large, small, stale]
    assert len({row.day for row in plan}) == 3

    settings.SESSIONS_PER_MONTH = 2
    assert [row.dependency for row in services.plan_month(year=2026, month=12)] == [
        large,
        small,
    ]


@time_machine.travel(NOW)
def test_sessions_already_in_the_month_use_up_the_cadence(settings):
    settings.SESSIONS_PER_MONTH = 2
    first, second = DependencyFactory(), DependencyFactory()
    SessionFactory(dependency=None, starts_at=at(date(2026, 12, 3), 15))
    plan = services.plan_month(year=2026, month=12)
    assert [row.dependency for row in plan] == [first]
    SessionFactory(dependency=first, starts_at=at(date(2026, 12, 4), 15))
    assert services.plan_month(year=2026, month=12) == []
    assert second  # left for a later month


@time_machine.travel(NOW)
def test_planner_proposes_only_days_free_in_the_leaders_agenda(settings):
    settings.SESSIONS_PER_MONTH = 1
    DependencyFactory()
    days = services.scheduling.working_days(2026, 12, after=date(2026, 11, 23))
    # Every working day blocked except the last two; one of them has a session
    # at the planner's default time (09:00) already.
    for day in days[:-2]:
        AgendaBlock.objects.create(
            starts_at=at(day, 8), ends_at=at(day, 12), reason="Consejo de Gobierno"
        )
    SessionFactory(
        dependency=None,
        starts_at=at(days[-2], 9, 30),
        ends_at=at(days[-2], 10, 30),
        status=Session.Status.DRAFT,
    )
    settings.SESSIONS_PER_MONTH = 2  # that draft uses one of the two
    plan = services.plan_month(year=2026, month=12)
    assert [row.day for row in plan] == [days[-1]]

    # An afternoon block does not touch the morning slot.
    AgendaBlock.objects.create(
        starts_at=at(days[-1], 14), ends_at=at(days[-1], 18), reason="Viaje"
    )
    assert [row.day for row in services.plan_month(year=2026, month=12)] == [days[-1]]
    AgendaBlock.objects.create(
        starts_at=at(days[-1], 10), ends_at=at(days[-1], 11), reason="Entrevista"
    )
    assert services.plan_month(year=2026, month=12) == []


@time_machine.travel(NOW)
def test_creating_a_planned_session_on_a_blocked_time_is_refused(comunicaciones):
    dependency = DependencyFactory(name="Talento Humano")
    AgendaBlock.objects.create(
        starts_at=at(date(2026, 12, 10), 0),
        ends_at=at(date(2026, 12, 11), 0),
        reason="Vacaciones",
    )
    row = services.PlannedSession(
        dependency=dependency,
        day=date(2026, 12, 10),
        start=time(9),
        end=time(10, 30),
        place="Sala",
        capacity=20,
    )
    with pytest.raises(ValidationError) as caught:
        services.create_planned_sessions(rows=[row], actor=comunicaciones)
    assert caught.value.messages == [
        "Talento Humano: el 10/12/2026 la agenda está bloqueada (Vacaciones). "
        "Elija otra fecha u hora."
    ]
    assert Session.objects.count() == 0


def test_rotation_flags_only_what_is_later_than_the_cycle(settings):
    settings.SESSIONS_PER_MONTH = 2
    deps = DependencyFactory.create_batch(4)  # cycle: 4 ÷ 2 = 2 months
    held(deps[0], 50)
    held(deps[1], 70)
    held(deps[2], 20)
    cycle = selectors.rotation_cycle()
    assert (cycle.dependencies, cycle.months) == (4, 2)
    flagged = {d.pk: d.flagged for d in selectors.rotation(cycle=cycle)}
    assert flagged == {
        deps[0].pk: False,
        deps[1].pk: True,
        deps[2].pk: False,
        deps[3].pk: True,
    }  # never held, the program is 70 days old

    settings.SESSIONS_PER_MONTH = 1  # cycle: 4 months: nobody is late yet
    cycle = selectors.rotation_cycle()
    assert cycle.months == 4
    assert not any(d.flagged for d in selectors.rotation(cycle=cycle))


def test_a_new_program_flags_no_dependency_that_never_had_a_session(settings):
    DependencyFactory.create_batch(3)
    assert not any(d.flagged for d in selectors.rotation())
    held(DependencyFactory(), 5)
    assert not any(d.flagged for d in selectors.rotation())


def test_rotation_page_explains_the_cycle(login, comunicaciones, settings):
    settings.SESSIONS_PER_MONTH = 2
    DependencyFactory.create_batch(2)  # with the team's own: 3 → 2 months
    html = login(comunicaciones).get("/sesiones/gestion/rotacion/").content.decode()
    assert "Con 2 sesiones al mes y 3 dependencias activas" in html
    assert "una vuelta completa toma 2 meses" in html


def test_comunicaciones_keeps_the_agenda(login, comunicaciones, servidor):
    client = login(comunicaciones)
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "starts_at": start.strftime("%Y-%m-%dT08:00"),
        "ends_at": start.strftime("%Y-%m-%dT12:00"),
        "reason": "Consejo de Gobierno",
    }
    response = client.post("/sesiones/gestion/agenda/", data)
    assert response.status_code == 302
    block = AgendaBlock.objects.get()
    assert block.created_by == comunicaciones
    page = client.get("/sesiones/gestion/agenda/").content.decode()
    assert "Consejo de Gobierno" in page

    # Bad input: a clear Spanish message, nothing saved.
    bad = client.post(
        "/sesiones/gestion/agenda/", {**data, "ends_at": data["starts_at"]}
    )
    assert "El fin debe ser posterior al inicio." in bad.content.decode()
    far = client.post(
        "/sesiones/gestion/agenda/", {**data, "ends_at": "9999-12-31T20:00"}
    )
    assert "Escriba una fecha entre el 01/01/2000 y el 31/12/2100." in (
        far.content.decode()
    )
    assert AgendaBlock.objects.count() == 1

    # Only Comunicaciones.
    other = login(servidor)
    assert other.get("/sesiones/gestion/agenda/").status_code == 403
    assert other.post(f"/sesiones/gestion/agenda/{block.pk}/quitar/").status_code == 403
    assert AgendaBlock.objects.count() == 1

    assert (
        client.post(f"/sesiones/gestion/agenda/{block.pk}/quitar/").status_code == 302
    )
    assert AgendaBlock.objects.count() == 0


@time_machine.travel(NOW)
def test_the_planner_shows_the_months_blocks(login, comunicaciones):
    AgendaBlock.objects.create(
        starts_at=at(date(2026, 12, 10), 8),
        ends_at=at(date(2026, 12, 10), 12),
        reason="Consejo de Gobierno",
    )
    AgendaBlock.objects.create(
        starts_at=at(date(2027, 1, 10), 8),
        ends_at=at(date(2027, 1, 10), 12),
        reason="Viaje a Cartagena",
    )
    html = (
        login(comunicaciones)
        .get("/sesiones/gestion/ciclo/?month=2026-12")
        .content.decode()
    )
    assert "Consejo de Gobierno: del 10/12/2026 08:00 al 10/12/2026 12:00" in html
    assert "Viaje a Cartagena" not in html
    # Each proposed row says why it comes in that order.
    assert "Sin sesiones realizadas · 1 persona" in html


@time_machine.travel(NOW)
def test_the_planner_page_refuses_a_row_on_a_blocked_day(login, comunicaciones):
    dependency = DependencyFactory(name="Gestión Documental")
    AgendaBlock.objects.create(
        starts_at=at(date(2026, 12, 10), 0),
        ends_at=at(date(2026, 12, 11), 0),
        reason="Vacaciones",
    )
    data = {
        "plan-TOTAL_FORMS": "1",
        "plan-INITIAL_FORMS": "1",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "1000",
        "plan-0-include": "on",
        "plan-0-dependency": str(dependency.pk),
        "plan-0-day": "2026-12-10",
        "plan-0-start": "09:00",
        "plan-0-end": "10:30",
        "plan-0-place": "Sala",
        "plan-0-capacity": "20",
        "accion": "borradores",
    }
    response = login(comunicaciones).post("/sesiones/gestion/ciclo/", data, follow=True)
    assert (
        "Gestión Documental: el 10/12/2026 la agenda está bloqueada (Vacaciones)."
        in response.content.decode()
    )
    assert Session.objects.count() == 0


def test_the_agenda_page_query_count_is_flat(login, comunicaciones):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(comunicaciones)
    start = timezone.now() + timedelta(days=1)

    def block(i):
        AgendaBlock.objects.create(
            starts_at=start + timedelta(days=i),
            ends_at=start + timedelta(days=i, hours=2),
            reason=f"Bloqueo {i}",
            created_by=comunicaciones,
        )

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get("/sesiones/gestion/agenda/")
        return response, len(context.captured_queries)

    block(0)
    count()
    _response, one = count()
    for i in range(1, 25):
        block(i)
    response, many = count()
    assert one == many
    assert "Bloqueo 24" in response.content.decode()


@time_machine.travel(datetime(2026, 12, 29, 12, 0, tzinfo=BOGOTA))
def test_never_two_proposals_on_the_one_free_day_left(settings):
    settings.SESSIONS_PER_MONTH = 2
    DependencyFactory.create_batch(2)
    # Only 30 and 31 December are left; the 30th is blocked.
    AgendaBlock.objects.create(
        starts_at=at(date(2026, 12, 30), 0),
        ends_at=at(date(2026, 12, 31), 0),
        reason="Cierre de año",
    )
    plan = services.plan_month(year=2026, month=12)
    assert [row.day for row in plan] == [date(2026, 12, 31)]
