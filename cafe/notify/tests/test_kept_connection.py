"""Single deliveries share one SMTP session per worker, and survive losing it."""

import pytest

from cafe.notify import services
from cafe.notify.models import Delivery

pytestmark = pytest.mark.django_db


def row(n: int) -> Delivery:
    return Delivery.objects.create(
        idempotency_key=f"test:kept:{n}",
        kind="test",
        to_email=f"persona{n}@prueba.gov.co",
        subject=f"Asunto {n}",
        body_text="Texto",
    )


def test_consecutive_deliveries_share_one_smtp_session(smtp_settings):
    for n in range(3):
        assert services.deliver(delivery_id=row(n).pk) == "sent"
    assert [m["To"] for m in smtp_settings.messages] == [
        "persona0@prueba.gov.co",
        "persona1@prueba.gov.co",
        "persona2@prueba.gov.co",
    ]
    assert smtp_settings.sessions == 1


def test_a_session_the_server_dropped_is_replaced_and_nothing_is_lost(smtp_settings):
    assert services.deliver(delivery_id=row(1).pk) == "sent"
    smtp_settings.restart()  # the server drops its idle clients
    second = row(2)
    assert services.deliver(delivery_id=second.pk) == "sent"
    second.refresh_from_db()
    assert second.state == Delivery.State.SENT
    assert second.attempts == 1
    assert [m["Subject"] for m in smtp_settings.messages] == ["Asunto 1", "Asunto 2"]
    assert smtp_settings.sessions == 2


def test_a_session_idle_too_long_is_not_reused(smtp_settings, settings):
    settings.NOTIFY_SMTP_KEEP_SECONDS = 0
    assert services.deliver(delivery_id=row(1).pk) == "sent"
    assert services.deliver(delivery_id=row(2).pk) == "sent"
    assert len(smtp_settings.messages) == 2
    assert smtp_settings.sessions == 2


def test_after_an_smtp_error_the_next_message_opens_a_new_session(smtp_settings):
    smtp_settings.fail_next("451 4.3.0 Intente más tarde")
    failing = row(1)
    with pytest.raises(services.TemporaryDeliveryError):
        services.deliver(delivery_id=failing.pk)
    assert services.deliver(delivery_id=failing.pk) == "sent"
    assert smtp_settings.sessions == 2
    assert [m["Subject"] for m in smtp_settings.messages] == ["Asunto 1"]
