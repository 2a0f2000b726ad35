from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from cafe.common.business_days import is_business_day
from cafe.notify.models import Delivery
from cafe.org.models import Dependency
from cafe.testing.factories import DependencyFactory
from sessions_app import services
from sessions_app.models import Registration, Session
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

FMT = "%Y-%m-%dT%H:%M"


def form_data(**overrides):
    """A valid session on a business day at 09:00 (no warning to confirm)."""
    start = timezone.localtime() + timedelta(days=15)
    while not is_business_day(start.date()):
        start += timedelta(days=1)
    start = start.replace(hour=9, minute=0, second=0, microsecond=0)
    data = {
        "title": "Café con Talento Humano",
        "description": "",
        "topic": "",
        "dependency": "",
        "starts_at": start.strftime(FMT),
        "ends_at": (start + timedelta(minutes=90)).strftime(FMT),
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


def test_comunicaciones_creates_a_session_with_the_default_host(login, comunicaciones):
    response = login(comunicaciones).post("/sesiones/gestion/nueva/", form_data())
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sesiones/{session.pk}/"
    assert session.status == Session.Status.DRAFT
    assert session.host_name == "Secretario General"
    assert session.created_by == comunicaciones
    assert timezone.localtime(session.starts_at).hour == 9


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ends_at": "SAME_AS_START"},
            "ends_at",
            "El fin debe ser posterior al inicio.",
        ),
        ({"place": ""}, "place", "Indique el lugar"),
        ({"format": "virtual", "place": ""}, "meeting_url", "Indique el enlace"),
        (
            {"format": "hibrido", "meeting_url": "https://x.gov.co/r", "place": ""},
            "place",
            "Indique el lugar",
        ),
        ({"format": "hibrido", "place": "Sala"}, "meeting_url", "Indique el enlace"),
        ({"capacity": "0"}, "capacity", "Debe haber al menos un cupo."),
        (
            {"registration_closes_at": "AFTER_START"},
            "registration_closes_at",
            "antes del inicio",
        ),
        (
            {"registration_opens_at": "AFTER_CLOSE"},
            "registration_opens_at",
            "anterior a su cierre",
        ),
    ],
)
def test_each_scheduling_rule_has_a_spanish_message_and_saves_nothing(
    login, comunicaciones, overrides, field, message
):
    data = form_data()
    start = datetime.strptime(data["starts_at"], FMT)
    replacements = {
        "SAME_AS_START": data["starts_at"],
        "AFTER_START": (start + timedelta(hours=1)).strftime(FMT),
        "AFTER_CLOSE": (start - timedelta(hours=1)).strftime(FMT),
    }
    data.update({k: replacements.get(v, v) for k, v in overrides.items()})
    response = login(comunicaciones).post("/sesiones/gestion/nueva/", data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert Session.objects.count() == 0


def test_a_servidor_cannot_create_or_edit_sessions(login, servidor):
    client = login(servidor)
    assert client.post("/sesiones/gestion/nueva/", form_data()).status_code == 403
    session = SessionFactory()
    assert (
        client.post(f"/sesiones/{session.pk}/editar/", form_data()).status_code == 403
    )
    assert Session.objects.count() == 1


def test_publish_requires_a_future_draft(comunicaciones):
    draft = SessionFactory(status=Session.Status.DRAFT)
    services.publish_session(session_id=draft.pk, actor=comunicaciones)
    draft.refresh_from_db()
    assert draft.status == Session.Status.PUBLISHED
    assert draft.published_at is not None
    with pytest.raises(
        ValidationError, match="Solo se pueden publicar sesiones en borrador"
    ):
        services.publish_session(session_id=draft.pk, actor=comunicaciones)


def test_bulk_publish_is_all_or_nothing(login, comunicaciones):
    good = SessionFactory(status=Session.Status.DRAFT)
    past = SessionFactory(
        status=Session.Status.DRAFT,
        starts_at=timezone.now() - timedelta(days=1),
        registration_opens_at=timezone.now() - timedelta(days=5),
    )
    client = login(comunicaciones)
    response = client.post(
        "/sesiones/gestion/", {"sesiones": [good.pk, past.pk]}, follow=True
    )
    assert "ya empezó" in response.content.decode()
    assert Session.objects.filter(status=Session.Status.PUBLISHED).count() == 0
    client.post("/sesiones/gestion/", {"sesiones": [good.pk]})
    good.refresh_from_db()
    assert good.status == Session.Status.PUBLISHED


def test_cancelling_tells_every_registered_person(
    login, comunicaciones, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    confirmed = RegistrationFactory(session=session)
    waiting = RegistrationFactory(
        session=session, status=Registration.Status.WAITLISTED
    )
    gone = RegistrationFactory(session=session, status=Registration.Status.CANCELLED)
    client = login(comunicaciones)
    refused = client.post(f"/sesiones/{session.pk}/cancelar/", {"reason": ""})
    assert refused.status_code == 200
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/sesiones/{session.pk}/cancelar/", {"reason": "Agenda del Concejo."}
        )
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancel_reason == "Agenda del Concejo."
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([confirmed.user.email, waiting.user.email])
    assert gone.user.email not in recipients
    to_confirmed = next(m for m in mailoutbox if m.to == [confirmed.user.email])
    assert "Agenda del Concejo." in to_confirmed.body
    ics = next(content for name, content, _m in to_confirmed.attachments)
    assert Calendar.from_ical(ics)["METHOD"] == "CANCEL"


def test_editing_date_of_a_published_session_sends_the_new_invitation(
    comunicaciones, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    registration = RegistrationFactory(session=session)
    RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    new_start = session.starts_at + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_session(
            session=session,
            actor=comunicaciones,
            data={
                "starts_at": new_start,
                "ends_at": new_start + timedelta(hours=1),
                "registration_closes_at": new_start - timedelta(hours=2),
            },
        )
    session.refresh_from_db()
    assert session.sequence == 1
    assert [m.to for m in mailoutbox] == [[registration.user.email]]
    cal = Calendar.from_ical(mailoutbox[0].attachments[0][1])
    assert cal.walk("VEVENT")[0]["SEQUENCE"] == 1
    # A change that does not touch the calendar sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.save_session(
            session=session, actor=comunicaciones, data={"title": "Nuevo"}
        )
    assert len(mailoutbox) == 1


def test_raising_capacity_promotes_the_waitlist(comunicaciones):
    session = SessionFactory(capacity=1)
    RegistrationFactory(session=session)
    waiting = RegistrationFactory(
        session=session, status=Registration.Status.WAITLISTED
    )
    services.save_session(session=session, actor=comunicaciones, data={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert Delivery.objects.filter(kind="registration_promoted").count() == 1


def test_held_sessions_cannot_be_edited(comunicaciones):
    session = SessionFactory(status=Session.Status.HELD)
    with pytest.raises(ValidationError, match="ya no se puede editar"):
        services.save_session(
            session=session, actor=comunicaciones, data={"title": "X"}
        )


@time_machine.travel(
    datetime(2026, 11, 23, 12, 0, tzinfo=timezone.get_fixed_timezone(-300))
)
def test_working_days_skip_weekends_and_colombian_holidays():
    days = services.scheduling.working_days(2026, 12)
    assert date(2026, 12, 8) not in days  # Inmaculada Concepción
    assert date(2026, 12, 25) not in days  # Navidad
    assert date(2026, 12, 5) not in days  # sábado
    assert date(2026, 12, 7) in days
    assert all(d.weekday() < 5 for d in days)
    assert len(days) == 21


@time_machine.travel(
    datetime(2026, 11, 23, 12, 0, tzinfo=timezone.get_fixed_timezone(-300))
)
def test_planner_proposes_one_session_per_dependency_without_one(settings):
    settings.SESSIONS_PER_MONTH = 3  # room for both after the one already planned
    busy, free_a, free_b = DependencyFactory(), DependencyFactory(), DependencyFactory()
    DependencyFactory(is_active=False)
    SessionFactory(
        dependency=busy,
        starts_at=datetime(
            2026, 12, 10, 14, 0, tzinfo=timezone.get_fixed_timezone(-300)
        ),
    )
    plan = services.plan_month(year=2026, month=12)
    assert [row.dependency for row in plan] == [free_a, free_b]
    assert all(row.day.month == 12 and row.day.weekday() < 5 for row in plan)
    assert plan[0].day != plan[1].day
    assert plan[0].start == time(9, 0)
    assert plan[0].capacity == settings.SESSIONS_DEFAULT_CAPACITY


@time_machine.travel(
    datetime(2026, 11, 23, 12, 0, tzinfo=timezone.get_fixed_timezone(-300))
)
def test_planner_page_creates_and_publishes_in_one_step(login, comunicaciones):
    dep_a, dep_b = DependencyFactory(), DependencyFactory()
    comunicaciones.dependency.is_active = False
    comunicaciones.dependency.save()
    client = login(comunicaciones)
    page = client.get("/sesiones/gestion/ciclo/?month=2026-12")
    assert page.status_code == 200
    formset = page.context["formset"]
    assert len(formset.forms) == 2
    data = {
        "plan-TOTAL_FORMS": "2",
        "plan-INITIAL_FORMS": "2",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "1000",
        "accion": "publicar",
    }
    for i, dep in enumerate([dep_a, dep_b]):
        data.update(
            {
                f"plan-{i}-include": "on",
                f"plan-{i}-dependency": str(dep.pk),
                f"plan-{i}-day": f"2026-12-{10 + i}",
                f"plan-{i}-start": "10:00",
                f"plan-{i}-end": "11:30",
                f"plan-{i}-place": "Auditorio",
                f"plan-{i}-capacity": "40",
            }
        )
    data["plan-1-include"] = ""  # the team leaves one out
    response = client.post("/sesiones/gestion/ciclo/", data)
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.dependency == dep_a
    assert session.status == Session.Status.PUBLISHED
    assert timezone.localtime(session.starts_at).strftime("%d %H:%M") == "10 10:00"
    assert session.capacity == 40
    assert session.registration_is_open()


@time_machine.travel(
    datetime(2026, 11, 23, 12, 0, tzinfo=timezone.get_fixed_timezone(-300))
)
def test_planner_rejects_bad_rows_in_spanish_and_saves_nothing(login, comunicaciones):
    dep = DependencyFactory()
    data = {
        "plan-TOTAL_FORMS": "1",
        "plan-INITIAL_FORMS": "1",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "1000",
        "plan-0-include": "on",
        "plan-0-dependency": str(dep.pk),
        "plan-0-day": "2026-12-12",  # a Saturday
        "plan-0-start": "11:00",
        "plan-0-end": "10:00",
        "plan-0-place": "Sala",
        "plan-0-capacity": "0",
    }
    response = login(comunicaciones).post("/sesiones/gestion/ciclo/", data)
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert "Elija un día hábil (lunes a viernes)." in errors["day"]
    assert "El fin debe ser posterior al inicio." in errors["end"]
    assert errors["capacity"]
    assert Session.objects.count() == 0
    assert (
        "Elija el mes actual o uno futuro."
        in login(comunicaciones)
        .get("/sesiones/gestion/ciclo/?month=2020-01")
        .content.decode()
    )


def test_rotation_flags_dependencies_without_a_recent_session(login, comunicaciones):
    recent, stale, never = DependencyFactory(), DependencyFactory(), DependencyFactory()
    now = timezone.now()

    def held(dep, days_ago):
        start = now - timedelta(days=days_ago)
        SessionFactory(
            dependency=dep,
            status=Session.Status.HELD,
            starts_at=start,
            registration_opens_at=start - timedelta(days=3),
            registration_closes_at=start - timedelta(hours=2),
        )

    held(recent, 20)
    held(stale, 200)
    upcoming = SessionFactory(dependency=stale)
    response = login(comunicaciones).get("/sesiones/gestion/rotacion/")
    rows = {d.pk: d for d in response.context["rows"]}
    assert rows[recent.pk].flagged is False
    assert rows[stale.pk].flagged is True
    assert rows[stale.pk].next_scheduled == upcoming.starts_at
    assert rows[never.pk].flagged is True
    assert rows[never.pk].last_held is None
    assert "Atrasada para el ciclo" in response.content.decode()
    # Most in need first: never held, then the oldest session, the most recent last.
    order = [d.pk for d in response.context["rows"]]
    assert order.index(never.pk) < order.index(stale.pk) < order.index(recent.pk)


def test_rotation_pages_through_every_dependency(login, comunicaciones):
    DependencyFactory.create_batch(30)
    client = login(comunicaciones)
    first = client.get("/sesiones/gestion/rotacion/")
    second = client.get("/sesiones/gestion/rotacion/?pagina=2")
    seen = [d.pk for d in first.context["rows"]] + [
        d.pk for d in second.context["rows"]
    ]
    assert len(first.context["rows"]) == 20
    assert sorted(seen) == sorted(
        Dependency.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    assert "pagina=2" in first.content.decode()


def test_topics_are_managed_by_comunicaciones(login, comunicaciones, servidor):
    client = login(comunicaciones)
    response = client.post(
        "/sesiones/gestion/temas/nuevo/",
        {"name": "Pausas activas", "kind": "campana_interna", "is_active": "on"},
    )
    assert response.status_code == 302
    assert (
        client.get("/sesiones/gestion/temas/").context["topics"][0].name
        == "Pausas activas"
    )
    assert login(servidor).get("/sesiones/gestion/temas/").status_code == 403


def test_the_list_says_so_when_there_are_no_sessions(login, servidor):
    response = login(servidor).get("/sesiones/")
    assert response.status_code == 200
    assert "No hay sesiones próximas con estos filtros." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "https://reuniones.gov.co/\u202ecafe",  # right-to-left override
        "https://reuni\u200bones.gov.co/cafe",  # zero-width space
        "https://reuniones.gov.co/\u2066cafe\u2069",  # isolates
    ],
)
def test_a_meeting_link_with_invisible_characters_is_refused(
    login, comunicaciones, url
):
    data = form_data(format="virtual", place="", meeting_url=url)
    response = login(comunicaciones).post("/sesiones/gestion/nueva/", data)
    assert response.status_code == 200
    assert "caracteres invisibles o que cambian la dirección" in (
        response.content.decode()
    )
    assert not Session.objects.exists()
