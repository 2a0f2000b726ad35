"""The sessions app's home panels: each shows exactly what waits for the person."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cafe.testing.factories import UserFactory
from sessions_app import home
from sessions_app.models import Feedback, Minutes, Registration, Session
from sessions_app.tests.factories import SessionFactory, held_session

pytestmark = pytest.mark.django_db


def titles(panel):
    return [entry.text for entry in panel.entries]


@time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 9, 12, 0)))
def test_this_months_sessions_leave_out_cancelled_and_other_months(comunicaciones):
    now = timezone.now()
    SessionFactory(title="Este mes", starts_at=now + timedelta(days=2))
    SessionFactory(
        title="Cancelada", starts_at=now + timedelta(days=3), status="cancelada"
    )
    SessionFactory(title="Enero", starts_at=now + timedelta(days=40))
    panel = home.months_sessions(comunicaciones)
    assert titles(panel) == ["Este mes"]
    assert panel.total == 1
    assert panel.entries[0].note.endswith("Publicada")


def test_attendance_to_take_once_check_in_opens_until_marked_held(comunicaciones):
    now = timezone.now()
    SessionFactory(
        title="Empieza en una hora",
        starts_at=now + timedelta(hours=1),
        registration_closes_at=now,
    )
    SessionFactory(title="Dentro de diez días")
    held_session(title="Ya realizada")
    panel = home.attendance_to_take(comunicaciones)
    assert titles(panel) == ["Empieza en una hora"]
    assert panel.entries[0].url.endswith("/asistencia/")


def test_minutes_to_write_and_to_approve(comunicaciones, despacho):
    without = held_session(title="Sin conclusiones")
    draft = held_session(title="Con borrador")
    review = held_session(title="En revisión")
    published = held_session(title="Publicadas")
    Minutes.objects.create(session=draft, summary="x", status=Minutes.Status.DRAFT)
    Minutes.objects.create(session=review, summary="x", status=Minutes.Status.IN_REVIEW)
    Minutes.objects.create(
        session=published, summary="x", status=Minutes.Status.PUBLISHED
    )
    assert sorted(titles(home.minutes_to_write(comunicaciones))) == [
        "Con borrador",
        "Sin conclusiones",
    ]
    to_approve = home.minutes_to_approve(despacho)
    assert titles(to_approve) == ["En revisión"]
    assert to_approve.entries[0].url == f"/sesiones/{review.pk}/conclusiones/revision/"
    assert without


def test_my_next_session_and_the_survey_to_answer(servidor):
    soon = SessionFactory(title="Pronto", starts_at=timezone.now() + timedelta(days=2))
    later = SessionFactory(title="Después")
    gone = SessionFactory(title="Cancelada mía")
    Registration.objects.create(session=later, user=servidor, status="confirmada")
    Registration.objects.create(session=soon, user=servidor, status="en_espera")
    Registration.objects.create(session=gone, user=servidor, status="cancelada")
    panel = home.my_next_session(servidor)
    assert titles(panel) == ["Pronto", "Después"]
    assert panel.entries[0].note.endswith("En lista de espera")

    attended, answered, absent = (
        held_session(title="Asistí"),
        held_session(title="Ya respondí"),
        held_session(title="No fui"),
    )
    for session in (attended, answered):
        Registration.objects.create(
            session=session,
            user=servidor,
            status="confirmada",
            checked_in_at=session.starts_at,
        )
    Registration.objects.create(session=absent, user=servidor, status="confirmada")
    Feedback.objects.create(
        session=answered, user=servidor, felt_heard=5, useful=5, trust=5
    )
    survey = home.surveys_to_answer(servidor)
    assert titles(survey) == ["Asistí"]
    assert survey.entries[0].url == f"/sesiones/{attended.pk}/encuesta/"
    assert titles(home.surveys_to_answer(UserFactory())) == []


def test_a_panel_shows_five_and_counts_all(comunicaciones):
    for i in range(7):
        held_session(title=f"Sesión {i}")
    panel = home.minutes_to_write(comunicaciones)
    assert len(panel.entries) == 5
    assert panel.total == 7
    assert Session.objects.count() == 7
