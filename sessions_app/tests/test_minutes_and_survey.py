from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cafe.testing.factories import UserFactory
from sessions_app import services
from sessions_app.models import Feedback, Minutes, MinutesVersion, Registration, Session
from sessions_app.tests.factories import (
    RegistrationFactory,
    SessionFactory,
    held_session,
)

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "[pulse aquí](javascript:alert(1))",
    '<a href="javascript:alert(1)">enlace</a>',
    "<iframe src=//evil.example></iframe>",
    "[datos](data:text/html;base64,PHNjcmlwdD4=)",
]


class ActiveContent(HTMLParser):
    """Collects anything in rendered HTML that could run script."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "svg", "object", "embed"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src"} and (value or "").strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.found.append(f"{tag}[{name}={value}]")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def minutes_flow(session, comunicaciones, despacho, summary="Acuerdos claros."):
    services.save_minutes(
        session_id=session.pk,
        actor=comunicaciones,
        data={"summary": summary, "agreements": "- Mesa de trabajo"},
    )
    services.submit_minutes(session_id=session.pk, actor=comunicaciones)
    return services.approve_minutes(session_id=session.pk, actor=despacho)


def test_conclusions_go_draft_review_published_and_keep_every_version(
    login, comunicaciones, despacho
):
    session = held_session()
    client = login(comunicaciones)
    client.post(
        f"/sesiones/{session.pk}/conclusiones/",
        {"summary": "Primer borrador", "agreements": ""},
    )
    client.post(
        f"/sesiones/{session.pk}/conclusiones/",
        {"summary": "Segundo borrador", "agreements": "- Uno"},
    )
    client.post(f"/sesiones/{session.pk}/conclusiones/enviar/")
    minutes = Minutes.objects.get(session=session)
    assert minutes.status == Minutes.Status.IN_REVIEW

    review = login(despacho)
    refused = review.post(
        f"/sesiones/{session.pk}/conclusiones/revision/", {"comment": ""}
    )
    assert refused.status_code == 200
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.IN_REVIEW
    review.post(
        f"/sesiones/{session.pk}/conclusiones/revision/",
        {"comment": "Falta el acuerdo 2."},
    )
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.DRAFT
    assert minutes.review_comment == "Falta el acuerdo 2."

    client.post(
        f"/sesiones/{session.pk}/conclusiones/",
        {"summary": "Tercer borrador", "agreements": "- Uno\n- Dos"},
    )
    client.post(f"/sesiones/{session.pk}/conclusiones/enviar/")
    review.post(f"/sesiones/{session.pk}/conclusiones/revision/", {"accion": "aprobar"})
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED
    assert minutes.published_at is not None

    versions = list(
        MinutesVersion.objects.filter(minutes=minutes)
        .order_by("number")
        .values_list("number", "event", "summary")
    )
    assert [v[0] for v in versions] == [1, 2, 3, 4, 5, 6, 7]
    assert [v[1] for v in versions] == [
        "guardada",
        "guardada",
        "enviada a revisión",
        "devuelta con comentarios",
        "guardada",
        "enviada a revisión",
        "aprobada y publicada",
    ]
    assert versions[0][2] == "Primer borrador"
    history = client.get(f"/sesiones/{session.pk}/conclusiones/versiones/")
    assert "Primer borrador" in history.content.decode()
    assert "Falta el acuerdo 2." in history.content.decode()


def test_roles_of_the_conclusions_flow(login, servidor, comunicaciones, despacho):
    session = held_session()
    services.save_minutes(
        session_id=session.pk, actor=comunicaciones, data={"summary": "S"}
    )
    services.submit_minutes(session_id=session.pk, actor=comunicaciones)
    assert (
        login(servidor).get(f"/sesiones/{session.pk}/conclusiones/").status_code == 403
    )
    assert (
        login(comunicaciones)
        .post(f"/sesiones/{session.pk}/conclusiones/revision/", {"accion": "aprobar"})
        .status_code
        == 403
    )
    assert (
        login(despacho).get(f"/sesiones/{session.pk}/conclusiones/").status_code == 403
    )
    assert (
        login(servidor)
        .get(f"/sesiones/{session.pk}/conclusiones/versiones/")
        .status_code
        == 403
    )
    assert Minutes.objects.get().status == Minutes.Status.IN_REVIEW


def test_conclusions_only_for_held_sessions_and_frozen_once_in_review(comunicaciones):
    upcoming = SessionFactory()
    with pytest.raises(ValidationError, match="marcada como realizada"):
        services.save_minutes(
            session_id=upcoming.pk, actor=comunicaciones, data={"summary": "S"}
        )
    session = held_session()
    services.save_minutes(
        session_id=session.pk, actor=comunicaciones, data={"summary": "S"}
    )
    services.submit_minutes(session_id=session.pk, actor=comunicaciones)
    with pytest.raises(ValidationError, match="ya no se pueden"):
        services.save_minutes(
            session_id=session.pk, actor=comunicaciones, data={"summary": "T"}
        )
    assert Minutes.objects.get().summary == "S"


def test_empty_summary_is_refused_in_spanish(login, comunicaciones):
    session = held_session()
    response = login(comunicaciones).post(
        f"/sesiones/{session.pk}/conclusiones/", {"summary": "", "agreements": ""}
    )
    assert "Este campo es obligatorio." in response.content.decode()
    assert not Minutes.objects.exists()


def test_published_conclusions_are_shown_to_staff_and_mailed_to_registrants(
    login,
    servidor,
    comunicaciones,
    despacho,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    session = held_session(title="Café con Jurídica")
    attendee = RegistrationFactory(session=session, checked_in_at=session.starts_at)
    RegistrationFactory(session=session, status=Registration.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        minutes_flow(session, comunicaciones, despacho, summary="**Tres** acuerdos.")
    assert [m.to for m in mailoutbox] == [[attendee.user.email]]
    assert mailoutbox[0].subject == "Conclusiones publicadas: Café con Jurídica"
    page = login(servidor).get(f"/sesiones/{session.pk}/").content.decode()
    assert "<strong>Tres</strong> acuerdos." in page
    archive = login(servidor).get("/sesiones/archivo/")
    assert [s.pk for s in archive.context["page"].object_list] == [session.pk]


def test_conclusions_in_review_are_not_public(login, servidor, comunicaciones):
    session = held_session()
    services.save_minutes(
        session_id=session.pk, actor=comunicaciones, data={"summary": "Secreto aún"}
    )
    assert (
        "Secreto aún"
        not in login(servidor).get(f"/sesiones/{session.pk}/").content.decode()
    )
    assert (
        login(servidor).get("/sesiones/archivo/").context["page"].paginator.count == 0
    )


@pytest.mark.parametrize("payload", XSS)
def test_nothing_a_writer_types_can_run_script(
    login, servidor, comunicaciones, despacho, payload
):
    session = held_session()
    minutes_flow(session, comunicaciones, despacho, summary=f"Antes {payload} después")
    pages = [
        login(servidor).get(f"/sesiones/{session.pk}/").content.decode(),
        login(comunicaciones)
        .get(f"/sesiones/{session.pk}/conclusiones/")
        .content.decode(),
        login(despacho)
        .get(f"/sesiones/{session.pk}/conclusiones/versiones/")
        .content.decode(),
    ]
    for html in pages:
        assert "Antes" in html
        main = html.split('<main id="contenido"', 1)[1].split("</main>", 1)[0]
        assert active_content(main) == [], payload


def test_active_content_detector_detects():
    assert active_content('<p><img src=x onerror="a()"></p>') == ["img[onerror]"]
    assert active_content('<a href="javascript:x()">y</a>') == [
        "a[href=javascript:x()]"
    ]
    assert active_content("<script>1</script>") == ["script"]


# --- Attendance


def test_check_in_walk_in_and_mark_held(login, comunicaciones):
    dependency_member = UserFactory()
    session = SessionFactory(
        dependency=dependency_member.dependency,
        starts_at=timezone.now() + timedelta(minutes=30),
        registration_opens_at=timezone.now() - timedelta(days=3),
        registration_closes_at=timezone.now() - timedelta(minutes=5),
    )
    registered = RegistrationFactory(
        session=session, user=UserFactory(dependency=dependency_member.dependency)
    )
    client = login(comunicaciones)
    client.post(
        f"/sesiones/{session.pk}/asistencia/{registered.pk}/", {"presente": "1"}
    )
    registered.refresh_from_db()
    assert registered.checked_in_at is not None
    row = client.post(
        f"/sesiones/{session.pk}/asistencia/{registered.pk}/",
        {"presente": "0"},
        headers={"HX-Request": "true"},
    )
    assert row.content.decode().startswith(f'<tr id="asistencia-{registered.pk}"')
    registered.refresh_from_db()
    assert registered.checked_in_at is None

    outsider = UserFactory()
    response = client.post(
        f"/sesiones/{session.pk}/asistencia/sin-inscripcion/",
        {"email": outsider.email},
        follow=True,
    )
    assert "no pertenece a la dependencia invitada" in response.content.decode()
    client.post(
        f"/sesiones/{session.pk}/asistencia/sin-inscripcion/",
        {"email": dependency_member.email.upper()},
    )
    walk_in = Registration.objects.get(user=dependency_member)
    assert walk_in.walk_in and walk_in.checked_in_at is not None

    early = client.post(f"/sesiones/{session.pk}/realizada/", follow=True)
    assert "La sesión aún no ha empezado." in early.content.decode()
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    client.post(f"/sesiones/{session.pk}/realizada/")
    session.refresh_from_db()
    assert session.status == Session.Status.HELD


def test_attendance_is_taken_on_the_day_only(comunicaciones):
    session = SessionFactory()
    registration = RegistrationFactory(session=session)
    with pytest.raises(ValidationError, match="el día de la sesión"):
        services.set_attendance(
            registration_id=registration.pk, session_id=session.pk, present=True
        )


def test_attendance_rows_carry_a_working_csrf_token_and_follow_each_check_in(
    comunicaciones,
):
    """Each row posts with the request's CSRF token, and a check-in shows at
    once."""
    import re

    from django.test import Client

    from cafe.testing.factories import accept_privacy

    session = SessionFactory(
        starts_at=timezone.now() + timedelta(minutes=30),
        registration_opens_at=timezone.now() - timedelta(days=3),
        registration_closes_at=timezone.now() - timedelta(minutes=5),
    )
    first, second = RegistrationFactory.create_batch(2, session=session)
    accept_privacy(comunicaciones)
    client = Client(enforce_csrf_checks=True)
    client.force_login(comunicaciones)
    page = f"/sesiones/{session.pk}/asistencia/"
    client.get(page)
    html = client.get(page).content.decode()
    assert "csrf-token-of-the-request" not in html
    row = html[html.index(f'<tr id="asistencia-{second.pk}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', row).group(1)
    response = client.post(
        f"/sesiones/{session.pk}/asistencia/{second.pk}/",
        {"presente": "1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.checked_in_at is not None
    html = client.get(page).content.decode()
    rows = {
        pk: html[html.index(f'<tr id="asistencia-{pk}"') :].split("</tr>", 1)[0]
        for pk in (first.pk, second.pk)
    }
    assert "Deshacer" in rows[second.pk] and "Marcar presente" in rows[first.pk]


# --- Pulse survey


def answer(client, session, **overrides):
    data = {"felt_heard": "5", "useful": "4", "trust": "3", "comment": "Bien"}
    data.update(overrides)
    return client.post(f"/sesiones/{session.pk}/encuesta/", data, follow=True)


def test_survey_once_per_attendee(login):
    session = held_session()
    attendee = RegistrationFactory(
        session=session, checked_in_at=session.starts_at
    ).user
    absent = RegistrationFactory(session=session).user
    client = login(attendee)
    assert (
        "Gracias: su respuesta quedó registrada."
        in answer(client, session).content.decode()
    )
    again = answer(client, session, felt_heard="1")
    assert "se responde una sola vez" in again.content.decode()
    refused = answer(login(absent), session)
    assert "se responde una sola vez" in refused.content.decode()
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().felt_heard == 5
    with pytest.raises(ValidationError, match="ya respondió"):
        services.submit_feedback(
            session_id=session.pk,
            user=attendee,
            data={"felt_heard": 1, "useful": 1, "trust": 1, "comment": ""},
        )


def test_survey_rejects_out_of_scale_answers(login):
    session = held_session()
    attendee = RegistrationFactory(
        session=session, checked_in_at=session.starts_at
    ).user
    response = login(attendee).post(
        f"/sesiones/{session.pk}/encuesta/",
        {"felt_heard": "7", "useful": "0", "trust": "3"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Asegúrese de que este valor sea menor o igual a 5." in body
    assert Feedback.objects.count() == 0


def test_survey_aggregates_are_hidden_below_five_answers(login, settings):
    session = held_session()
    attendees = [
        RegistrationFactory(session=session, checked_in_at=session.starts_at).user
        for _ in range(5)
    ]
    for user in attendees[:4]:
        services.submit_feedback(
            session_id=session.pk,
            user=user,
            data={
                "felt_heard": 4,
                "useful": 4,
                "trust": 2,
                "comment": "Comentario único",
            },
        )
    viewer = login(UserFactory())
    page = viewer.get(f"/sesiones/{session.pk}/")
    assert page.context["survey"].shown is False
    body = page.content.decode()
    assert "al menos 5 personas" in body
    assert "Comentario único" not in body
    services.submit_feedback(
        session_id=session.pk,
        user=attendees[4],
        data={"felt_heard": 5, "useful": 3, "trust": 4, "comment": ""},
    )
    survey = viewer.get(f"/sesiones/{session.pk}/").context["survey"]
    assert survey.shown is True
    assert survey.answers == 5
    assert survey.felt_heard == pytest.approx(4.2)
    assert survey.trust == pytest.approx(2.4)
    assert "Comentario único" in viewer.get(f"/sesiones/{session.pk}/").content.decode()
