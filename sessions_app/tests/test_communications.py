"""Scheduled messages of the sessions app, each with a frozen clock: who receives
what, and a second run sends nothing more."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from cafe.notify.models import Delivery
from cafe.notify.services import pump_shared
from cafe.testing.factories import DependencyFactory, UserFactory
from proposals.tests.factories import ProposalFactory
from sessions_app import services
from sessions_app.models import Registration
from sessions_app.services import communications
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db
BOGOTA = ZoneInfo("America/Bogota")


def at(*args):
    return datetime(*args, tzinfo=BOGOTA)


def sent_to(kind):
    return sorted(Delivery.objects.filter(kind=kind).values_list("to_email", flat=True))


@pytest.fixture
def december_cycle():
    dep_a, dep_b = DependencyFactory(), DependencyFactory()
    a1, a2 = UserFactory(dependency=dep_a), UserFactory(dependency=dep_a)
    quiet = UserFactory(dependency=dep_a, wants_invitations=False)
    b1 = UserFactory(dependency=dep_b)
    gone = UserFactory(dependency=dep_a, is_active=False)
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        own = SessionFactory(
            dependency=dep_a,
            starts_at=at(2026, 12, 10, 9, 0),
            registration_opens_at=at(2026, 11, 20, 8, 0),
            registration_closes_at=at(2026, 12, 10, 7, 0),
        )
        everyone = SessionFactory(
            starts_at=at(2026, 12, 15, 15, 0),
            registration_opens_at=at(2026, 11, 20, 8, 0),
            registration_closes_at=at(2026, 12, 15, 13, 0),
        )
        SessionFactory(
            dependency=dep_b, status="borrador", starts_at=at(2026, 12, 11, 9)
        )
        SessionFactory(dependency=dep_b, starts_at=at(2027, 1, 12, 9, 0))
    return {
        "own": own,
        "everyone": everyone,
        "a": [a1, a2],
        "b": [b1],
        "quiet": quiet,
        "gone": gone,
    }


def test_invitations_on_the_first_working_day_only(december_cycle):
    with time_machine.travel(at(2026, 12, 1, 7, 0), tick=False):  # Tuesday 1 December
        communications.send_monthly_invitations()
        first = Delivery.objects.count()
        communications.send_monthly_invitations()
    with time_machine.travel(at(2026, 12, 2, 7, 0), tick=False):  # the next day
        assert communications.send_monthly_invitations() == 0
    a1, a2 = december_cycle["a"]
    [b1] = december_cycle["b"]
    own, everyone = december_cycle["own"], december_cycle["everyone"]
    keys = set(Delivery.objects.values_list("idempotency_key", flat=True))
    assert keys == {
        f"invitation:{own.pk}:{a1.pk}",
        f"invitation:{own.pk}:{a2.pk}",
        f"invitation:{everyone.pk}:{a1.pk}",
        f"invitation:{everyone.pk}:{a2.pk}",
        f"invitation:{everyone.pk}:{b1.pk}",
    }
    assert Delivery.objects.count() == first == 5  # the second run added nothing
    pump_shared(limit=0)
    assert len(mail.outbox) == 5
    invitation = next(m for m in mail.outbox if m.to == [b1.email])
    assert invitation.subject == f"Invitación: {everyone.title}"
    assert "Inscríbase aquí" in invitation.body
    assert f"/sesiones/{everyone.pk}/" in invitation.body
    pump_shared(limit=0)
    assert len(mail.outbox) == 5


def test_a_missed_first_working_day_is_caught_up_once(december_cycle):
    # The scheduler was down on Tuesday 1 December: Thursday's run sends them.
    with time_machine.travel(at(2026, 12, 3, 7, 0), tick=False):
        assert communications.send_monthly_invitations() == 5
    with time_machine.travel(at(2026, 12, 4, 7, 0), tick=False):
        assert communications.send_monthly_invitations() == 0
    assert Delivery.objects.filter(kind="invitation").count() == 5


def test_nothing_before_the_first_working_day(december_cycle):
    # January 2027: Friday 1 is a holiday, then a weekend; Monday 4 is the first day.
    january = SessionFactory(
        dependency=december_cycle["own"].dependency,
        starts_at=at(2027, 1, 20, 9, 0),
        registration_opens_at=at(2026, 12, 20, 8, 0),
        registration_closes_at=at(2027, 1, 20, 7, 0),
    )
    for day in (1, 2, 3):
        with time_machine.travel(at(2027, 1, day, 7, 0), tick=False):
            assert communications.send_monthly_invitations() == 0
    with time_machine.travel(at(2027, 1, 4, 7, 0), tick=False):
        communications.send_monthly_invitations()
    keys = set(Delivery.objects.values_list("idempotency_key", flat=True))
    a1, _a2 = december_cycle["a"]
    assert f"invitation:{january.pk}:{a1.pk}" in keys


def test_invitations_can_be_forced_by_hand(december_cycle, capsys):
    with time_machine.travel(at(2026, 12, 2, 7, 0), tick=False):
        call_command("send_invitations", "--force")
    assert Delivery.objects.filter(kind="invitation").count() == 5
    assert "Invitaciones en la bandeja de salida: 5" in capsys.readouterr().out


def test_invitation_opt_out_is_respected(december_cycle):
    with time_machine.travel(at(2026, 12, 1, 7, 0), tick=False):
        communications.send_monthly_invitations()
    emails = set(Delivery.objects.values_list("to_email", flat=True))
    assert december_cycle["quiet"].email not in emails
    assert december_cycle["gone"].email not in emails


@pytest.fixture
def tomorrow_session():
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        session = SessionFactory(
            format="virtual",
            place="",
            meeting_url="https://reuniones.gov.co/cafe",
            starts_at=at(2026, 12, 9, 10, 0),
            registration_opens_at=at(2026, 12, 1, 8, 0),
            registration_closes_at=at(2026, 12, 9, 8, 0),
        )
        confirmed = RegistrationFactory(session=session)
        opted_out = RegistrationFactory(
            session=session, user=UserFactory(wants_reminders=False)
        )
        waiting = RegistrationFactory(session=session, status="en_espera")
    return session, confirmed, opted_out, waiting


def test_reminders_24_hours_before_once_with_ics_and_link(
    tomorrow_session, django_capture_on_commit_callbacks
):
    _session, confirmed, opted_out, waiting = tomorrow_session
    with time_machine.travel(at(2026, 12, 8, 8, 0), tick=False):  # 26 h before
        assert communications.send_reminders() == 0
    with (
        time_machine.travel(at(2026, 12, 8, 10, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        communications.send_reminders()
        communications.send_reminders()
    assert sent_to("reminder") == [confirmed.user.email]
    [reminder] = [m for m in mail.outbox if m.subject.startswith("Mañana")]
    assert "https://reuniones.gov.co/cafe" in reminder.body
    ics = next(c for name, c, _m in reminder.attachments if name == "invitacion.ics")
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == at(2026, 12, 9, 10, 0)
    assert opted_out.user.email not in [m.to[0] for m in mail.outbox]
    assert waiting.user.email not in [m.to[0] for m in mail.outbox]


def test_post_session_survey_then_conclusions_with_what_follows(
    comunicaciones, despacho, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 12, 3, 9, 0), tick=False):
        session = SessionFactory(
            starts_at=at(2026, 12, 3, 10, 0),
            registration_opens_at=at(2026, 12, 1, 8, 0),
            registration_closes_at=at(2026, 12, 3, 8, 0),
        )
        came = RegistrationFactory(session=session)
        absent = RegistrationFactory(session=session)
    with time_machine.travel(at(2026, 12, 3, 10, 5), tick=False):
        services.set_attendance(
            registration_id=came.pk, session_id=session.pk, present=True
        )
    with time_machine.travel(at(2026, 12, 3, 12, 0), tick=False):
        services.mark_session_held(session_id=session.pk, actor=comunicaciones)
        ProposalFactory(
            session=session,
            title="Pausas activas",
            status="aceptada",
            commitment="Pausas diarias",
            due_date=datetime(2027, 1, 15).date(),
        )
        with django_capture_on_commit_callbacks(execute=True):
            first = communications.send_post_session()
            second = communications.send_post_session()
    assert first == {"surveys": 1, "conclusions": 0}
    assert second == first
    assert sent_to("survey") == [came.user.email]
    survey = next(m for m in mail.outbox if "1 minuto" in m.subject)
    assert f"/sesiones/{session.pk}/encuesta/" in survey.body

    with time_machine.travel(at(2026, 12, 5, 9, 0), tick=False):
        services.save_minutes(
            session_id=session.pk, actor=comunicaciones, data={"summary": "Acordamos."}
        )
        services.submit_minutes(session_id=session.pk, actor=comunicaciones)
        with django_capture_on_commit_callbacks(execute=True):
            services.approve_minutes(session_id=session.pk, actor=despacho)
            communications.send_post_session()
    minutes_mails = [m for m in mail.outbox if m.subject.startswith("Conclusiones")]
    assert sorted(m.to[0] for m in minutes_mails) == sorted(
        [came.user.email, absent.user.email]
    )
    body = minutes_mails[0].body
    assert "Lo que dijimos y lo que sigue" in body
    assert "Pausas activas: Aceptada" in body
    assert "compromiso: Pausas diarias, para el 15/01/2027" in body
    assert Delivery.objects.filter(kind="survey").count() == 1


def test_registration_survives_a_dead_broker_and_the_sweeper_sends_later(
    login, servidor, settings, django_capture_on_commit_callbacks
):
    from cafe.celery import app
    from cafe.testing.smtp import free_port

    session = SessionFactory()
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    try:
        started = timezone.now()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = login(servidor).post(f"/sesiones/{session.pk}/inscribirme/")
        elapsed = (timezone.now() - started).total_seconds()
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = settings.CELERY_BROKER_URL
    enqueues = [c for c in callbacks if "enqueue" in repr(c)]
    assert len(enqueues) == 1  # the enqueue was attempted, and failed quietly
    assert response.status_code == 302
    assert Registration.objects.get().status == "confirmada"
    delivery = Delivery.objects.get(kind="registration_confirmed")
    assert delivery.state == Delivery.State.PENDING
    assert elapsed < 10
    Delivery.objects.filter(pk=delivery.pk).update(
        updated_at=timezone.now() - timedelta(minutes=5)
    )
    call_command("pump_outbox")
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert [m.to for m in mail.outbox] == [[servidor.email]]


def test_preferences_page_switches_optional_mail_off(login, servidor):
    client = login(servidor)
    page = client.get("/mis-datos/preferencias/")
    assert "El boletín Soy 10" in page.content.decode()
    client.post("/mis-datos/preferencias/", {"wants_reminders": "on"})
    servidor.refresh_from_db()
    assert (servidor.wants_invitations, servidor.wants_reminders) == (False, True)


def test_a_frozen_broker_does_not_hang_registration(
    login, servidor, settings, django_capture_on_commit_callbacks
):
    """A Redis that accepts the connection but never answers (frozen) must not hang
    the request: the broker timeouts make the enqueue give up and the row waits."""
    import socket

    from cafe.celery import app

    black_hole = socket.socket()
    black_hole.bind(("127.0.0.1", 0))
    black_hole.listen(16)  # the kernel completes handshakes; nobody ever answers
    port = black_hole.getsockname()[1]
    session = SessionFactory()
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    try:
        started = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            response = login(servidor).post(f"/sesiones/{session.pk}/inscribirme/")
        elapsed = (timezone.now() - started).total_seconds()
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = settings.CELERY_BROKER_URL
        black_hole.close()
    assert response.status_code == 302
    assert Registration.objects.get().status == "confirmada"
    assert Delivery.objects.get().state == Delivery.State.PENDING
    assert elapsed < 15, elapsed
