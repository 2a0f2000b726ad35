from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from cafe.notify.models import Delivery
from cafe.testing.factories import DependencyFactory, UserFactory
from sessions_app import services
from sessions_app.models import Registration, Session
from sessions_app.tests.factories import (
    RegistrationFactory,
    SessionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_register_confirms_and_sends_the_invitation(
    servidor, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(title="Café con Talento Humano")
    with django_capture_on_commit_callbacks(execute=True):
        registration, created = services.register_attendee(
            session_id=session.pk, user=servidor
        )
    assert created
    assert registration.status == Registration.Status.CONFIRMED
    [mail] = mailoutbox
    assert mail.subject == "Inscripción confirmada: Café con Talento Humano"
    assert mail.to == [servidor.email]
    ics = next(
        content for name, content, _m in mail.attachments if name == "invitacion.ics"
    )
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert start.tzinfo.key == "America/Bogota"
    assert start == timezone.localtime(session.starts_at)
    assert str(event["UID"]) == f"cafe-session-{session.pk}@127.0.0.1"


def test_full_session_waitlists_with_a_visible_position(
    login, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for user in (first, second, third):
        services.register_attendee(session_id=session.pk, user=user)
    statuses = list(
        Registration.objects.order_by("created_at", "pk").values_list(
            "status", flat=True
        )
    )
    assert statuses == ["confirmada", "en_espera", "en_espera"]
    page = login(third).get(f"/sesiones/{session.pk}/")
    assert page.context["registration"].position == 2
    assert "posición 2" in page.content.decode()
    assert Delivery.objects.filter(kind="registration_waitlisted").count() == 2


@pytest.mark.parametrize(
    ("session_kwargs", "message"),
    [
        ({"status": Session.Status.DRAFT}, "no está abierta a inscripciones"),
        ({"status": Session.Status.CANCELLED}, "no está abierta a inscripciones"),
        ({"registration_opens_at_in": timedelta(days=1)}, "aún no están abiertas"),
        ({"registration_closes_at_in": -timedelta(minutes=1)}, "ya cerraron"),
    ],
)
def test_only_inside_the_window_of_a_published_session(
    servidor, session_kwargs, message
):
    now = timezone.now()
    kwargs = dict(session_kwargs)
    if "registration_opens_at_in" in kwargs:
        kwargs["registration_opens_at"] = now + kwargs.pop("registration_opens_at_in")
    if "registration_closes_at_in" in kwargs:
        kwargs["registration_closes_at"] = now + kwargs.pop("registration_closes_at_in")
        kwargs["registration_opens_at"] = now - timedelta(days=2)
    session = SessionFactory(**kwargs)
    with pytest.raises(ValidationError, match=message):
        services.register_attendee(session_id=session.pk, user=servidor)
    assert Registration.objects.count() == 0


def test_only_the_audience_may_register(login, servidor, other_dependency):
    own = SessionFactory(dependency=servidor.dependency)
    other = SessionFactory(dependency=other_dependency)
    services.register_attendee(session_id=own.pk, user=servidor)
    with pytest.raises(ValidationError, match="solo para el personal de"):
        services.register_attendee(session_id=other.pk, user=servidor)
    response = login(servidor).post(f"/sesiones/{other.pk}/inscribirme/", follow=True)
    assert "Esta sesión es solo para el personal de" in response.content.decode()
    assert Registration.objects.filter(session=other).count() == 0


def test_registering_twice_keeps_one_registration(login, servidor):
    session = SessionFactory()
    client = login(servidor)
    client.post(f"/sesiones/{session.pk}/inscribirme/")
    response = client.post(f"/sesiones/{session.pk}/inscribirme/", follow=True)
    assert "Usted ya tenía una inscripción" in response.content.decode()
    assert Registration.objects.filter(session=session, user=servidor).count() == 1


def test_register_and_cancel_work_without_javascript(login, servidor):
    session = SessionFactory()
    client = login(servidor)
    response = client.post(f"/sesiones/{session.pk}/inscribirme/", {"needs": "Rampa"})
    assert response.status_code == 302
    assert response["Location"] == f"/sesiones/{session.pk}/"
    page = client.get(response["Location"])
    assert "Inscripción confirmada. Le enviamos" in page.content.decode()
    registration = Registration.objects.get()
    assert registration.needs == "Rampa"
    client.post(f"/sesiones/{session.pk}/cancelar-inscripcion/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    # After cancelling, the person may register again.
    client.post(f"/sesiones/{session.pk}/inscribirme/")
    assert (
        Registration.objects.filter(status=Registration.Status.CONFIRMED).count() == 1
    )


def test_register_with_htmx_returns_the_refreshed_panel(login, servidor):
    session = SessionFactory()
    response = login(servidor).post(
        f"/sesiones/{session.pk}/inscribirme/", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<section id="inscripcion"')
    assert "Inscripción confirmada. Le enviamos" in body
    assert "Cancelar mi inscripción" in body
    assert "<html" not in body


def test_needs_are_too_long_is_refused(login, servidor):
    session = SessionFactory()
    response = login(servidor).post(
        f"/sesiones/{session.pk}/inscribirme/", {"needs": "x" * 1001}, follow=True
    )
    assert "1000 caracteres" in response.content.decode()
    assert Registration.objects.count() == 0


def test_meeting_link_only_for_confirmed_registrants(login):
    session = SessionFactory(
        format=Session.Format.VIRTUAL,
        place="",
        meeting_url="https://reunion.gov.co/sala-9",
        capacity=1,
    )
    confirmed, waiting, outsider = UserFactory(), UserFactory(), UserFactory()
    services.register_attendee(session_id=session.pk, user=confirmed)
    services.register_attendee(session_id=session.pk, user=waiting)
    link = "reunion.gov.co/sala-9"
    assert link in login(confirmed).get(f"/sesiones/{session.pk}/").content.decode()
    for user in (waiting, outsider):
        client = login(user)
        assert link not in client.get(f"/sesiones/{session.pk}/").content.decode()
        assert (
            link
            not in client.get(f"/sesiones/{session.pk}/invitacion.ics").content.decode()
        )
        assert link not in client.get("/sesiones/").content.decode()
    ics = login(confirmed).get(f"/sesiones/{session.pk}/invitacion.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert link in ics.content.decode().replace("\r\n ", "")


def test_ics_download_parses_with_bogota_start(login, servidor):
    session = SessionFactory()
    response = login(servidor).get(f"/sesiones/{session.pk}/invitacion.ics")
    assert response["Content-Disposition"].startswith("attachment;")
    cal = Calendar.from_ical(response.content)
    assert cal["METHOD"] == "REQUEST"
    start = cal.walk("VEVENT")[0].decoded("DTSTART")
    assert start.utcoffset() == timedelta(hours=-5)
    assert start == session.starts_at


def test_drafts_are_not_visible_to_staff(login, servidor, comunicaciones):
    draft = SessionFactory(status=Session.Status.DRAFT)
    assert login(servidor).get(f"/sesiones/{draft.pk}/").status_code == 404
    assert (
        login(servidor).get(f"/sesiones/{draft.pk}/invitacion.ics").status_code == 404
    )
    assert login(comunicaciones).get(f"/sesiones/{draft.pk}/").status_code == 200


def test_needs_are_visible_to_comunicaciones_only(login, servidor, comunicaciones):
    session = SessionFactory(dependency=servidor.dependency)
    services.register_attendee(
        session_id=session.pk, user=servidor, needs="Intérprete de lengua de señas"
    )
    other = UserFactory(dependency=servidor.dependency)
    assert (
        "Intérprete"
        not in login(other).get(f"/sesiones/{session.pk}/").content.decode()
    )
    attendance = login(comunicaciones).get(f"/sesiones/{session.pk}/asistencia/")
    assert "Intérprete de lengua de señas" in attendance.content.decode()
    assert login(servidor).get(f"/sesiones/{session.pk}/asistencia/").status_code == 403


def test_cancelling_promotes_the_first_waiting_person(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    users = [UserFactory() for _ in range(3)]
    regs = [services.register_attendee(session_id=session.pk, user=u)[0] for u in users]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration_id=regs[0].pk, user=users[0])
    for reg in regs:
        reg.refresh_from_db()
    assert [r.status for r in regs] == ["cancelada", "confirmada", "en_espera"]
    assert regs[1].promoted_at is not None
    promoted = [m for m in mailoutbox if m.subject.startswith("Se liberó un cupo")]
    assert [m.to for m in promoted] == [[users[1].email]]


def test_someone_else_cannot_cancel_my_registration(login, servidor):
    session = SessionFactory()
    reg, _ = services.register_attendee(session_id=session.pk, user=servidor)
    other = UserFactory()
    assert (
        login(other).post(f"/sesiones/{session.pk}/cancelar-inscripcion/").status_code
        == 404
    )
    with pytest.raises(ValidationError, match="no existe"):
        services.cancel_registration(registration_id=reg.pk, user=other)
    reg.refresh_from_db()
    assert reg.status == Registration.Status.CONFIRMED


def test_list_shows_own_dependency_first_and_clear_states(
    login, servidor, other_dependency
):
    now = timezone.now()
    entity = SessionFactory(title="Toda la entidad", starts_at=now + timedelta(days=2))
    mine = SessionFactory(
        title="Mi dependencia",
        dependency=servidor.dependency,
        starts_at=now + timedelta(days=9),
    )
    foreign = SessionFactory(
        title="Otra dependencia",
        dependency=other_dependency,
        starts_at=now + timedelta(days=1),
    )
    full = SessionFactory(title="Llena", capacity=1, starts_at=now + timedelta(days=5))
    RegistrationFactory(session=full)
    registered = SessionFactory(title="Inscrito", starts_at=now + timedelta(days=6))
    RegistrationFactory(session=registered, user=servidor)
    closed = SessionFactory(
        title="Cerrada",
        starts_at=now + timedelta(days=7),
        registration_opens_at=now - timedelta(days=3),
        registration_closes_at=now - timedelta(days=1),
    )
    response = login(servidor).get("/sesiones/?ver=todas")
    cards = response.context["cards"]
    titles = [s.title for s, _state in cards]
    assert titles[0] == "Mi dependencia"
    assert titles[-1] == "Otra dependencia"
    states = {s.pk: state.key for s, state in cards}
    assert states[mine.pk] == "disponible"
    assert states[entity.pk] == "disponible"
    assert states[foreign.pk] == "solo_dependencia"
    assert states[full.pk] == "lista_espera"
    assert states[registered.pk] == "inscrito"
    assert states[closed.pk] == "cerrada"
    body = response.content.decode()
    assert "20 cupos disponibles" in body
    assert "Cupo lleno: lista de espera" in body


def test_list_filters(login, servidor):
    topic = TopicFactory()
    now = timezone.now()
    virtual = SessionFactory(
        format=Session.Format.VIRTUAL,
        place="",
        meeting_url="https://x.gov.co/r",
        topic=topic,
    )
    later = SessionFactory(starts_at=now + timedelta(days=70))
    dep_session = SessionFactory(dependency=DependencyFactory())
    client = login(servidor)

    def titles(query):
        return {s.pk for s, _ in client.get(f"/sesiones/?{query}").context["cards"]}

    assert titles("modalidad=virtual") == {virtual.pk}
    assert titles(f"tema={topic.pk}") == {virtual.pk}
    assert titles(f"dependencia={dep_session.dependency.pk}") == {dep_session.pk}
    month = timezone.localtime(later.starts_at).strftime("%Y-%m")
    in_month = titles(f"mes={month}")
    assert later.pk in in_month
    assert virtual.pk not in in_month
    bad = client.get("/sesiones/?mes=nada")
    assert bad.status_code == 200
    assert "Escriba el mes como AAAA-MM." in bad.content.decode()


def test_my_sessions_lists_upcoming_and_past(login, servidor):
    upcoming = SessionFactory(title="Próxima")
    RegistrationFactory(session=upcoming, user=servidor)
    start = timezone.now() - timedelta(days=30)
    past = SessionFactory(
        title="Pasada",
        status=Session.Status.HELD,
        starts_at=start,
        registration_opens_at=start - timedelta(days=5),
        registration_closes_at=start - timedelta(hours=2),
    )
    RegistrationFactory(session=past, user=servidor, checked_in_at=start)
    RegistrationFactory(session=SessionFactory(title="De otra persona"))
    response = login(servidor).get("/sesiones/mis-sesiones/")
    assert [r.session.title for r in response.context["upcoming"]] == ["Próxima"]
    assert [r.session.title for r in response.context["past"]] == ["Pasada"]
    assert "De otra persona" not in response.content.decode()


def test_registrations_appear_in_my_data_export(login, servidor):
    session = SessionFactory(title="Café exportable")
    services.register_attendee(session_id=session.pk, user=servidor, needs="Rampa")
    data = login(servidor).get("/mis-datos/descargar/json/").json()
    section = next(s for s in data["secciones"] if s["clave"] == "inscripciones")
    assert section["registros"][0]["Sesión"] == "Café exportable"
    assert section["registros"][0]["Necesidades"] == "Rampa"


def test_session_cards_show_each_persons_state_and_every_change(login, servidor):
    """Each person sees their own state on a card, and every change at once."""
    session = SessionFactory(title="Café con Talento Humano", capacity=2)
    other = UserFactory(dependency=servidor.dependency)

    def card(client) -> str:
        html = client.get("/sesiones/").content.decode()
        start = html.index(f'id="sesion-{session.pk}"')
        return html[start : html.index("</article>", start)]

    mine, theirs = login(servidor), login(other)
    assert "2 cupos disponibles" in card(mine)
    services.register_attendee(session_id=session.pk, user=servidor)
    assert "Inscripción confirmada" in card(mine)
    assert "1 cupo disponible" in card(theirs)
    Session.objects.filter(pk=session.pk).update(title="Café con Planeación")
    assert "Café con Planeación" in card(theirs)
    assert "Café con Planeación" in card(mine)
