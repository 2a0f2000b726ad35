from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar

from cafe.notify import services
from cafe.notify.models import Delivery
from cafe.notify.services import Attachment, send_templated
from cafe.notify.tasks import deliver_email, sweep_outbox

pytestmark = pytest.mark.django_db


def queue(key="test:1", to="ana@prueba.gov.co", **kwargs):
    return send_templated(
        key=key,
        template="notify/test",
        context={"sent_on": "23/11/2026 10:00"},
        to=to,
        **kwargs,
    )


def test_same_key_twice_gives_one_row_and_one_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = queue()
    assert first.pk == second.pk
    assert callbacks == []
    assert Delivery.objects.count() == 1
    assert len(mailoutbox) == 1
    # Running the delivery again (a redelivered task) sends nothing more.
    assert services.deliver(delivery_id=first.pk) == "skipped"
    assert len(mailoutbox) == 1


def test_message_is_spanish_html_and_text_with_branding(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = queue()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert delivery.sent_at is not None
    assert delivery.attempts == 1
    mail = mailoutbox[0]
    assert mail.subject == "Correo de prueba de Un Café con el Secretario"
    assert "Este es un correo de prueba" in mail.body
    assert "Secretaría General de la Alcaldía Mayor de Bogotá" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>Este es un correo de prueba" in html
    assert mail.extra_headers["Message-ID"] == services._message_id(delivery)
    assert mail.extra_headers["Message-ID"].startswith(f"<cafe.{delivery.pk}.")


@pytest.mark.parametrize(
    ("configured", "written"),
    [("#00558c", "#00558c"), ("red;} body{display:none", "#8a1538")],
)
def test_the_brand_colour_of_the_deployment_heads_every_email(
    settings, configured, written
):
    settings.CAFE_BRAND_PRIMARY = configured
    _subject, _text, html = services.render_email("notify/test", {"sent_on": "hoy"})
    assert f"background:{written};" in html
    assert "display:none" not in html


def test_plain_text_is_not_html_escaped(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_templated(
            key="test:escape",
            template="notify/test",
            context={"sent_on": "hoy & <mañana>"},
            to="ana@prueba.gov.co",
        )
    mail = mailoutbox[0]
    assert "hoy & <mañana>" in mail.body
    assert "hoy &amp; &lt;mañana&gt;" in mail.alternatives[0][0]


def test_nothing_is_queued_when_the_caller_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the registration failed")
    assert callbacks == []
    assert Delivery.objects.count() == 0
    assert mailoutbox == []


def test_enqueue_happens_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = queue()
        assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.PENDING
    assert len(callbacks) == 1  # the enqueue


def test_a_temporary_smtp_error_is_retried_then_delivered(smtp_settings):
    sink = smtp_settings
    sink.fail_next("451 4.3.0 Intente más tarde", times=2)
    delivery = Delivery.objects.create(
        idempotency_key="test:451",
        kind="test",
        to_email="ana@prueba.gov.co",
        subject="Asunto",
        body_text="Texto",
    )
    result = deliver_email.apply(args=[delivery.pk])
    assert result.get() == "sent"
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert delivery.attempts == 3
    assert len(sink.messages) == 1
    assert sink.messages[0]["Subject"] == "Asunto"


def test_a_temporary_error_leaves_the_row_pending_with_the_reason(smtp_settings):
    smtp_settings.fail_next("421 4.7.0 Servicio no disponible", stage="RCPT")
    delivery = Delivery.objects.create(
        idempotency_key="test:421",
        kind="test",
        to_email="ana@prueba.gov.co",
        subject="Asunto",
        body_text="Texto",
    )
    with pytest.raises(services.TemporaryDeliveryError):
        services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING
    assert delivery.claimed_until is None
    assert "421" in delivery.last_error
    assert services.deliver(delivery_id=delivery.pk) == "sent"
    assert len(smtp_settings.messages) == 1


def test_a_permanent_smtp_error_marks_the_row_failed(smtp_settings):
    smtp_settings.fail_next("550 5.1.1 Usuario desconocido", stage="RCPT")
    delivery = Delivery.objects.create(
        idempotency_key="test:550",
        kind="test",
        to_email="nadie@prueba.gov.co",
        subject="Asunto",
        body_text="Texto",
    )
    assert deliver_email.apply(args=[delivery.pk]).get() == "failed"
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert delivery.attempts == 1
    assert "550" in delivery.last_error
    assert smtp_settings.messages == []


def test_a_permanent_data_error_marks_the_row_failed(smtp_settings):
    smtp_settings.fail_next("554 5.6.0 Mensaje rechazado")
    delivery = Delivery.objects.create(
        idempotency_key="test:554",
        kind="test",
        to_email="ana@prueba.gov.co",
        subject="Asunto",
        body_text="Texto",
    )
    assert services.deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "554" in delivery.last_error


def test_an_unreachable_smtp_server_is_a_temporary_error(settings):
    from cafe.testing.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    delivery = Delivery.objects.create(
        idempotency_key="test:down",
        kind="test",
        to_email="a@b.co",
        subject="S",
        body_text="T",
    )
    with pytest.raises(services.TemporaryDeliveryError):
        services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING
    assert "ConnectionRefusedError" in delivery.last_error


def test_too_many_temporary_failures_end_as_failed(smtp_settings, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    smtp_settings.fail_next("451 4.3.0 Intente más tarde", times=5)
    delivery = Delivery.objects.create(
        idempotency_key="test:many",
        kind="test",
        to_email="a@b.co",
        subject="S",
        body_text="T",
    )
    with pytest.raises(services.TemporaryDeliveryError):
        services.deliver(delivery_id=delivery.pk)
    assert services.deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert delivery.attempts == 2


def test_a_row_claimed_by_another_worker_is_not_sent_twice(mailoutbox):
    delivery = Delivery.objects.create(
        idempotency_key="test:claimed",
        kind="test",
        to_email="a@b.co",
        subject="S",
        body_text="T",
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=5)
    )
    assert services.deliver(delivery_id=delivery.pk) == "skipped"
    assert mailoutbox == []
    # Once the other worker's lease has expired (it crashed), the row is sent.
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert services.deliver(delivery_id=delivery.pk) == "sent"
    assert len(mailoutbox) == 1


def test_a_pending_row_is_delivered_by_the_sweeper(mailoutbox, settings):
    # As if Redis had been down when the row was queued: nobody enqueued it.
    delivery = Delivery.objects.create(
        idempotency_key="test:swept",
        kind="test",
        to_email="a@b.co",
        subject="S",
        body_text="T",
    )
    fresh = Delivery.objects.create(
        idempotency_key="test:fresh",
        kind="test",
        to_email="b@b.co",
        subject="S",
        body_text="T",
    )
    old = timezone.now() - timedelta(seconds=settings.NOTIFY_SWEEP_AFTER_SECONDS + 5)
    Delivery.objects.filter(pk=delivery.pk).update(updated_at=old)
    assert sweep_outbox.apply().result == 1
    delivery.refresh_from_db()
    fresh.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert (
        fresh.state == Delivery.State.PENDING
    )  # too recent: its own task may still run
    assert [m.to for m in mailoutbox] == [["a@b.co"]]
    assert sweep_outbox.apply().result == 0


def test_a_dead_broker_does_not_fail_the_caller(
    settings, django_capture_on_commit_callbacks
):
    from cafe.celery import app
    from cafe.testing.smtp import free_port

    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            delivery = queue(key="test:broker-down")
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = settings.CELERY_BROKER_URL
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING


def test_retry_failed_puts_the_row_back(mailoutbox, django_capture_on_commit_callbacks):
    delivery = Delivery.objects.create(
        idempotency_key="test:retry",
        kind="test",
        to_email="a@b.co",
        subject="S",
        body_text="T",
        state=Delivery.State.FAILED,
        attempts=3,
        last_error="550 buzón lleno",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_failed(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert len(mailoutbox) == 1
    assert not services.retry_failed(delivery_id=delivery.pk)


def test_calendar_attachment_is_sent_as_part_and_file(
    mailoutbox, django_capture_on_commit_callbacks
):
    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        queue(
            key="test:ics",
            attachments=(
                Attachment(
                    "invitacion.ics",
                    ics,
                    "text/calendar; method=REQUEST",
                    alternative=True,
                ),
            ),
        )
    mail = mailoutbox[0]
    assert ("text/calendar; method=REQUEST") in [m for _c, m in mail.alternatives]
    filename, content, mimetype = mail.attachments[0]
    assert filename == "invitacion.ics"
    assert mimetype == "text/calendar"
    assert Calendar.from_ical(content)["METHOD"] == "REQUEST"


def test_binary_attachments_survive_the_outbox(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(
            key="test:bin",
            attachments=(Attachment("a.bin", b"\x00\xff", "application/pdf"),),
        )
    assert mailoutbox[0].attachments[0][1] == b"\x00\xff"
