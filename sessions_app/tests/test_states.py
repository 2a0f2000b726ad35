"""What a person reads about a session matches its status, and the list shows by
default the sessions the person can join."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app import services
from sessions_app.models import Minutes, Session
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def started_session(**kwargs) -> Session:
    """A published session that began 30 minutes ago and ends in an hour."""
    start = timezone.now() - timedelta(minutes=30)
    return SessionFactory(
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        registration_opens_at=start - timedelta(days=5),
        registration_closes_at=start - timedelta(hours=2),
        **kwargs,
    )


def test_a_held_and_attended_session_is_past_before_its_end_time(
    login, servidor, comunicaciones
):
    held = started_session(title="Café con Talento Humano")
    registration = RegistrationFactory(session=held, user=servidor)
    services.set_attendance(
        registration_id=registration.pk, session_id=held.pk, present=True
    )
    services.mark_session_held(session_id=held.pk, actor=comunicaciones)
    attended = started_session(title="Café en curso")
    registration = RegistrationFactory(session=attended, user=servidor)
    services.set_attendance(
        registration_id=registration.pk, session_id=attended.pk, present=True
    )
    coming = SessionFactory(title="Café de la próxima semana")
    RegistrationFactory(session=coming, user=servidor)

    response = login(servidor).get("/sesiones/mis-sesiones/")

    upcoming = [r.session.title for r in response.context["upcoming"]]
    past = [r.session.title for r in response.context["past"]]
    assert upcoming == ["Café de la próxima semana"]
    assert sorted(past) == ["Café con Talento Humano", "Café en curso"]
    assert "Aún no ha participado" not in response.content.decode()


def test_a_draft_says_it_is_a_draft_not_that_registration_closed(login, comunicaciones):
    draft = SessionFactory(status=Session.Status.DRAFT)

    page = login(comunicaciones).get(f"/sesiones/{draft.pk}/").content.decode()

    assert "Borrador: aún no publicada" in page
    assert "Inscripciones cerradas" not in page
    assert "No es posible inscribirse" not in page
    assert "invitacion.ics" not in page


def test_a_held_session_shows_it_was_held_and_links_the_conclusions(
    login, servidor, other_dependency, comunicaciones
):
    held = started_session(dependency=other_dependency)
    services.mark_session_held(session_id=held.pk, actor=comunicaciones)
    Minutes.objects.create(
        session=held,
        summary="Se acordó revisar el horario flexible.",
        status=Minutes.Status.PUBLISHED,
        published_at=timezone.now(),
    )

    page = login(servidor).get(f"/sesiones/{held.pk}/").content.decode()

    assert "Sesión realizada" in page
    assert 'href="#conclusiones"' in page
    assert "Solo para" not in page
    assert "No es posible inscribirse" not in page
    assert "invitacion.ics" not in page


def test_the_list_shows_joinable_sessions_with_a_switch_to_see_all(
    login, servidor, other_dependency
):
    SessionFactory(title="Para toda la entidad")
    SessionFactory(title="De mi dependencia", dependency=servidor.dependency)
    SessionFactory(title="De otra dependencia", dependency=other_dependency)
    registered = SessionFactory(title="Otra, ya inscrita", dependency=other_dependency)
    RegistrationFactory(session=registered, user=servidor)
    client = login(servidor)

    default = client.get("/sesiones/?modalidad=presencial")

    titles = {s.title for s, _state in default.context["cards"]}
    assert titles == {"Para toda la entidad", "De mi dependencia", "Otra, ya inscrita"}
    page = default.content.decode()
    assert "Solo para" not in page
    # The switch keeps the other filters.
    assert 'href="?modalidad=presencial&amp;ver=todas"' in page

    everything = client.get("/sesiones/?modalidad=presencial&ver=todas")

    titles = {s.title for s, _state in everything.context["cards"]}
    assert "De otra dependencia" in titles and len(titles) == 4
    page = everything.content.decode()
    assert 'href="?modalidad=presencial"' in page
    assert '<input type="hidden" name="ver" value="todas">' in page


def test_filtering_by_another_dependency_shows_its_sessions(
    login, servidor, other_dependency
):
    SessionFactory(title="De otra dependencia", dependency=other_dependency)

    response = login(servidor).get(f"/sesiones/?dependencia={other_dependency.pk}")

    assert [s.title for s, _state in response.context["cards"]] == [
        "De otra dependencia"
    ]
