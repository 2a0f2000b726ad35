"""Check-in pages (personal code, room code, projector) and the e-mails' QR code."""

from datetime import timedelta
from email import message_from_bytes

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from cafe.notify.models import Delivery
from cafe.notify.qr import qr_png
from cafe.notify.services import build_message
from sessions_app import services
from sessions_app.checkin import QR_CONTENT_ID, pass_token, pass_url
from sessions_app.models import Registration, Session
from sessions_app.room_token import room_token
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def running_session(**kwargs) -> Session:
    """A session that started ten minutes ago (whole minutes, as the factory)."""
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=10)
    defaults = {
        "starts_at": start,
        "ends_at": start + timedelta(minutes=90),
        "registration_opens_at": start - timedelta(days=10),
        "registration_closes_at": start - timedelta(hours=2),
    }
    return SessionFactory(**{**defaults, **kwargs})


def pass_path(registration) -> str:
    return f"/sesiones/asistencia/{pass_token(registration)}/"


def room_path(session, token=None) -> str:
    token = token or room_token(session, timezone.now())
    return f"/sesiones/{session.pk}/sala/{token}/"


# --- The personal code, read by a phone ----------------------------------------------


def test_comunicaciones_phone_marks_present_then_says_already(login, comunicaciones):
    registration = RegistrationFactory(session=running_session())
    client = login(comunicaciones)
    scanned = client.get(pass_path(registration))  # the camera opens the link
    assert scanned.status_code == 200
    assert registration.user.full_name in scanned.text
    assert "Marcar presente" in scanned.text
    registration.refresh_from_db()
    assert registration.checked_in_at is None  # a GET changes nothing
    first = client.post(pass_path(registration))
    assert first.status_code == 200
    assert "Asistencia registrada" in first.text
    registration.refresh_from_db()
    arrived = registration.checked_in_at
    assert arrived is not None
    second = client.get(pass_path(registration))  # the same code, scanned again
    assert "Asistencia ya registrada" in second.text
    assert "Marcar presente" not in second.text
    again = client.post(pass_path(registration))
    assert "Asistencia ya registrada" in again.text
    assert "No se cambió nada" in again.text
    registration.refresh_from_db()
    assert registration.checked_in_at == arrived


def test_anyone_else_opening_a_personal_code_learns_nothing(login, servidor, despacho):
    registration = RegistrationFactory(session=running_session(), user=servidor)
    for person, method in ((servidor, "get"), (servidor, "post"), (despacho, "post")):
        response = getattr(login(person), method)(pass_path(registration))
        assert response.status_code == 403
        assert "Este código lo lee el equipo de Comunicaciones" in response.text
        assert "No se registró nada" in response.text
        main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
        assert servidor.full_name not in main
        assert registration.session.title not in main
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_anonymous_phone_is_sent_to_log_in_first(client):
    registration = RegistrationFactory(session=running_session())
    response = client.get(pass_path(registration))
    assert response.status_code == 302
    assert response["Location"].startswith("/ingresar/?next=/sesiones/asistencia/")


def test_forged_personal_code_gets_a_spanish_page(login, comunicaciones):
    registration = RegistrationFactory(session=running_session())
    token = pass_token(registration)
    forged = token[:-1] + ("B" if token.endswith("A") else "A")
    for method in ("get", "post"):
        response = getattr(login(comunicaciones), method)(
            f"/sesiones/asistencia/{forged}/"
        )
        assert response.status_code == 400
        assert "Este código de asistencia no es válido." in response.text
    registration.refresh_from_db()
    assert registration.checked_in_at is None


# --- The room code, read by the person's own phone -----------------------------------


def test_room_code_marks_the_registered_person_present(login, servidor):
    session = running_session()
    registration = RegistrationFactory(session=session, user=servidor)
    client = login(servidor)
    scanned = client.get(room_path(session))
    assert scanned.status_code == 200
    assert "Registrar mi asistencia" in scanned.text
    registration.refresh_from_db()
    assert registration.checked_in_at is None  # a GET changes nothing
    response = client.post(room_path(session))
    assert response.status_code == 200
    assert "Asistencia registrada" in response.text
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert "Asistencia ya registrada" in client.get(room_path(session)).text
    assert "Asistencia ya registrada" in client.post(room_path(session)).text


def test_expired_room_code_gets_a_spanish_page_and_changes_nothing(login, servidor):
    session = running_session()
    registration = RegistrationFactory(session=session, user=servidor)
    old = room_token(session, timezone.now() - timedelta(minutes=3))
    for method in ("get", "post"):
        response = getattr(login(servidor), method)(room_path(session, old))
        assert response.status_code == 400
        assert "El código de la sala venció o no es válido" in response.text
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_room_code_without_registration_offers_a_walk_in(login, servidor):
    session = running_session(dependency=servidor.dependency)
    client = login(servidor)
    response = client.get(room_path(session))
    assert "No tiene inscripción en esta sesión" in response.text
    assert "Registrar mi asistencia" in response.text
    assert not Registration.objects.filter(session=session).exists()
    response = client.post(room_path(session))
    assert "Asistencia registrada" in response.text
    registration = Registration.objects.get(session=session, user=servidor)
    assert registration.walk_in and registration.checked_in_at


def test_room_code_outside_the_audience_says_go_to_the_door(
    login, servidor, other_dependency
):
    session = running_session(dependency=other_dependency)
    client = login(servidor)
    response = client.get(room_path(session))
    assert "Acérquese a la entrada" in response.text
    assert "Registrar mi asistencia" not in response.text
    response = client.post(room_path(session))
    assert response.status_code == 400
    assert not Registration.objects.filter(session=session).exists()


# --- The projector page --------------------------------------------------------------


def test_projector_shows_the_room_code_and_its_fragment_polls(login, comunicaciones):
    session = running_session()
    RegistrationFactory(session=session, checked_in_at=timezone.now())
    client = login(comunicaciones)
    page = client.get(f"/sesiones/{session.pk}/pantalla/")
    assert page.status_code == 200
    assert f'hx-get="/sesiones/{session.pk}/pantalla/codigo/"' in page.text
    assert 'hx-trigger="every 10s"' in page.text
    assert '<svg role="img"' in page.text
    assert "1 persona presente" in page.text
    fragment = client.get(f"/sesiones/{session.pk}/pantalla/codigo/")
    assert fragment.status_code == 200
    assert "<svg" in fragment.text
    assert "<html" not in fragment.text


def test_projector_before_the_start_and_after_the_end(login, comunicaciones):
    session = running_session()
    client = login(comunicaciones)
    url = f"/sesiones/{session.pk}/pantalla/codigo/"
    with time_machine.travel(session.starts_at - timedelta(hours=1)):
        early = client.get(url)
    assert early.status_code == 200
    assert "El código aparecerá aquí" in early.text
    assert "<svg" not in early.text
    with time_machine.travel(session.ends_at + timedelta(minutes=1)):
        late = client.get(url)
    assert late.status_code == 286  # htmx stops polling
    assert "La sesión terminó" in late.text


def test_projector_of_a_draft_says_so_and_stops_polling(login, comunicaciones):
    session = running_session(status=Session.Status.DRAFT)
    response = login(comunicaciones).get(f"/sesiones/{session.pk}/pantalla/codigo/")
    assert response.status_code == 286
    assert "Solo las sesiones publicadas tienen código de la sala." in response.text


def test_projector_fragment_query_count_is_flat(login, comunicaciones):
    session = running_session()
    client = login(comunicaciones)
    url = f"/sesiones/{session.pk}/pantalla/codigo/"
    RegistrationFactory(session=session, checked_in_at=timezone.now())
    client.get(url)  # warm up (session, permissions)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    RegistrationFactory.create_batch(30, session=session, checked_in_at=timezone.now())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "31 personas presentes" in response.text
    assert len(many) == len(one)


def test_projector_is_for_comunicaciones_only(login, servidor):
    session = running_session()
    client = login(servidor)
    assert client.get(f"/sesiones/{session.pk}/pantalla/").status_code == 403
    assert client.get(f"/sesiones/{session.pk}/pantalla/codigo/").status_code == 403


# --- The e-mails carry the personal QR and the .ics its link -------------------------


def _confirmation(servidor, session, commit):
    # The message is built when the registration commits, out of the session's lock.
    with commit(execute=True):
        registration, _ = services.register_attendee(
            session_id=session.pk, user=servidor
        )
    delivery = Delivery.objects.get(kind="registration_confirmed")
    return registration, delivery


def test_confirmation_carries_the_qr_inline_and_the_ics_the_link(
    servidor, django_capture_on_commit_callbacks
):
    registration, delivery = _confirmation(
        servidor, SessionFactory(), django_capture_on_commit_callbacks
    )
    url = pass_url(registration)
    assert f'src="cid:{QR_CONTENT_ID}"' in delivery.body_html
    assert "codigo-asistencia.png" in delivery.body_text
    # The outbox row keeps the URL; the worker draws the image when it sends.
    stored = next(a for a in delivery.attachments if a.get("qr_text"))
    assert stored["qr_text"] == url

    raw = message_from_bytes(build_message(delivery).message().as_bytes())
    parts = {part.get_filename(): part for part in raw.walk() if part.get_filename()}
    png = parts["codigo-asistencia.png"]
    assert png.get_content_type() == "image/png"
    assert png["Content-ID"] == f"<{QR_CONTENT_ID}>"
    assert png.get_payload(decode=True) == qr_png(url)  # the QR of the personal URL

    ics = parts["invitacion.ics"].get_payload(decode=True)
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert url in str(event["DESCRIPTION"])
    assert pass_token(registration) in url


def test_promotion_reminder_and_download_carry_the_personal_link(
    login, servidor, comunicaciones, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    RegistrationFactory(session=session)
    registration, _ = services.register_attendee(session_id=session.pk, user=servidor)
    assert registration.status == Registration.Status.WAITLISTED
    assert not any(
        a["filename"] == "codigo-asistencia.png"
        for d in Delivery.objects.all()
        for a in d.attachments
    )
    first = Registration.objects.exclude(pk=registration.pk).get(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration_id=first.pk, user=first.user)
    promoted = Delivery.objects.get(kind="registration_promoted")
    assert [a["filename"] for a in promoted.attachments] == [
        "invitacion.ics",
        "codigo-asistencia.png",
    ]
    registration.refresh_from_db()
    ics = login(servidor).get(f"/sesiones/{session.pk}/invitacion.ics").text
    assert pass_url(registration) in ics.replace("\r\n ", "")


def test_virtual_session_has_no_qr(servidor, django_capture_on_commit_callbacks):
    session = SessionFactory(
        format=Session.Format.VIRTUAL,
        place="",
        meeting_url="https://reuniones.example.gov.co/cafe",
    )
    _, delivery = _confirmation(servidor, session, django_capture_on_commit_callbacks)
    assert [a["filename"] for a in delivery.attachments] == ["invitacion.ics"]
    assert "cid:" not in delivery.body_html
    assert "/sesiones/asistencia/" not in delivery.attachments[0]["content"]
