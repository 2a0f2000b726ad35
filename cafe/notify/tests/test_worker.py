"""A real Celery worker over the real Redis broker delivers to a real SMTP sink."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from cafe.celery import app
from cafe.notify.models import Delivery
from cafe.notify.services import send_templated


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_through_redis(broker, smtp_settings):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        delivery = send_templated(
            key="worker:1",
            template="notify/test",
            context={"sent_on": "23/11/2026"},
            to="ana@prueba.gov.co",
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not smtp_settings.messages:
            time.sleep(0.1)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert len(smtp_settings.messages) == 1
    assert smtp_settings.messages[0]["To"] == "ana@prueba.gov.co"
