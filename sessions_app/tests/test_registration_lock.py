"""Registration holds the session's lock for the seat decision only: the outbox row
is written in the same transaction, but the e-mail and its .ics are rendered after
commit (or by the worker, if the process died in between)."""

import pytest
from django.test.signals import template_rendered

from cafe.notify import services as notify
from cafe.notify.models import Delivery
from cafe.testing.factories import UserFactory
from sessions_app import services
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered():
    names = []

    def record(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def test_nothing_is_rendered_before_commit(
    servidor, rendered, mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory(title="Café con Talento Humano")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration, _created = services.register_attendee(
            session_id=session.pk, user=servidor
        )
    delivery = Delivery.objects.get(
        idempotency_key=f"registration:{registration.pk}:confirmed"
    )
    assert rendered == []
    assert (delivery.subject, delivery.body_text, delivery.attachments) == ("", "", [])

    for callback in callbacks:  # the commit
        callback()
    delivery.refresh_from_db()
    assert delivery.subject == "Inscripción confirmada: Café con Talento Humano"
    assert "emails/sessions/registration_confirmed.txt" in rendered
    assert [a["filename"] for a in delivery.attachments] == [
        "invitacion.ics",
        "codigo-asistencia.png",
    ]
    assert delivery.state == Delivery.State.SENT
    assert [m.subject for m in mailoutbox] == [delivery.subject]


def test_the_worker_builds_a_row_left_unbuilt(servidor, mailoutbox):
    """The process died after commit, before building: the worker builds it."""
    session = SessionFactory(title="Café con Planeación", capacity=1)
    services.register_attendee(session_id=session.pk, user=UserFactory())
    registration, _created = services.register_attendee(
        session_id=session.pk, user=servidor
    )  # no commit callbacks run here
    delivery = Delivery.objects.get(
        idempotency_key=f"registration:{registration.pk}:waitlisted"
    )
    assert delivery.body_text == ""
    assert notify.deliver(delivery_id=delivery.pk) == "sent"
    delivery.refresh_from_db()
    assert delivery.subject and delivery.body_text
    assert delivery.attachments == []  # a waitlist notice has no invitation
    [mail] = mailoutbox
    assert mail.subject == delivery.subject
    assert "Café con Planeación" in mail.body
