"""Real Celery workers (separate processes) over the real Redis and PostgreSQL: a
reminder goes from the beat dispatch to the SMTP sink exactly once, even when the
worker sending it is killed mid-message and a second worker takes over; the bulletin,
sent in several batches, reaches every person with at most one duplicate per killed
worker; and a registration made while the broker is down is delivered once it is
back."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.utils import timezone

from cafe.celery import app
from cafe.notify.models import Delivery
from cafe.notify.tests.conftest import use_broker
from cafe.testing.factories import UserFactory
from cafe.testing.smtp import free_port
from proposals import bulletin
from sessions_app.models import Registration
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

ROOT = Path(settings.BASE_DIR)
CLAIM_SECONDS = 3  # the workers' lease on a row, short so the test need not wait
BATCH_SIZE = 5  # bulletin rows per batch task, small so an edition takes several


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """``celery -A cafe worker`` in its own process, on the test database."""

    def __init__(self, name: str, *, broker_url: str, smtp_port: int, log: Path):
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "EMAIL_", "NOTIFY_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="cafe.settings",
            DJANGO_DEBUG="1",
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=broker_url,
            CELERY_TASK_ALWAYS_EAGER="0",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            EMAIL_TIMEOUT="30",
            NOTIFY_CLAIM_SECONDS=str(CLAIM_SECONDS),
            NOTIFY_SWEEP_AFTER_SECONDS="1",
            NOTIFY_BULK_BATCH_SIZE=str(BATCH_SIZE),
        )
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "celery", "-A", "cafe", "worker", "--pool", "solo"),
                *("--loglevel", "INFO", "--hostname", f"{name}@%h"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: "ready." in self.output(), what=f"{name} listo", seconds=30)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, no clean-up."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(condition, *, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"no ocurrió a tiempo: {what}")


def beat_sends(entry_name: str) -> None:
    """What celery beat does when an entry of the schedule is due."""
    scheduler = Scheduler(app, lazy=True)
    entry = scheduler.Entry(
        name=entry_name, app=app, **settings.CELERY_BEAT_SCHEDULE[entry_name]
    )
    scheduler.apply_async(entry)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_reminder_survives_a_killed_worker_and_arrives_exactly_once(
    postgres, broker, smtp_sink, tmp_path
):
    start = timezone.now() + timedelta(hours=12)
    session = SessionFactory(
        starts_at=start, registration_closes_at=start - timedelta(hours=2)
    )
    registration = RegistrationFactory(session=session, user=UserFactory())
    assert registration.status == Registration.Status.CONFIRMED
    smtp_sink.hold_next_recipient()

    workers = []
    try:
        first = Worker(
            "w1", broker_url=broker, smtp_port=smtp_sink.port, log=tmp_path / "w1"
        )
        workers.append(first)
        beat_sends("sessions-reminders")
        # The first worker dispatched the reminder and is in the middle of sending it.
        assert smtp_sink.holding.wait(30), first.output()
        delivery = Delivery.objects.get(
            idempotency_key=f"reminder:{session.pk}:{registration.user_id}"
        )
        assert delivery.state == Delivery.State.PENDING
        assert delivery.claimed_until is not None  # the first worker holds it
        first.kill()
        smtp_sink.release()
        assert smtp_sink.messages == []

        second = Worker(
            "w2", broker_url=broker, smtp_port=smtp_sink.port, log=tmp_path / "w2"
        )
        workers.append(second)
        time.sleep(CLAIM_SECONDS + 1)  # the dead worker's lease runs out
        beat_sends("notify-sweep-outbox")
        wait_for(lambda: len(smtp_sink.messages) == 1, what="el recordatorio")
        # Beat runs again: the dispatcher and the sweeper find nothing new to send.
        beat_sends("sessions-reminders")
        beat_sends("notify-sweep-outbox")
        time.sleep(CLAIM_SECONDS + 1)
        beat_sends("notify-sweep-outbox")
        time.sleep(2)
    finally:
        smtp_sink.release()
        for worker in workers:
            worker.stop()

    assert len(smtp_sink.messages) == 1, second.output()
    [message] = smtp_sink.messages
    assert message["To"] == registration.user.email
    assert message["Subject"].startswith("Mañana")
    assert any(part.get_filename() == "invitacion.ics" for part in message.walk())
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert delivery.attempts == 2  # the killed try and the one that went through
    assert Delivery.objects.filter(kind="reminder").count() == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_bulletin_survives_killed_workers_with_at_most_one_duplicate_each(
    postgres, broker, smtp_sink, tmp_path, settings
):
    """The guarantee: every active person receives the edition, and each worker killed
    mid-batch repeats at most the one message it had in flight (each accepted message
    is recorded as sent before the next one starts). Here each kill lands while the
    server holds a message's recipient, before accepting it, so nobody gets it twice.
    """
    settings.NOTIFY_BULK_BATCH_SIZE = BATCH_SIZE
    settings.NOTIFY_BULK_RATE_PER_MINUTE = 100
    people = UserFactory.create_batch(23)
    edition, _created = bulletin.compose_bulletin()
    # The first worker sends batch 1 (5) and two of batch 2, and is killed on the 8th
    # message; the second sends batch 3 and one of batch 4, and is killed on the next.
    smtp_sink.hold_next_recipient(after=7)
    kills = 0
    workers = []
    try:
        for name, next_hold in (("w1", 6), ("w2", None)):
            worker = Worker(
                name, broker_url=broker, smtp_port=smtp_sink.port, log=tmp_path / name
            )
            workers.append(worker)
            if name == "w1":
                bulletin.approve_bulletin(bulletin_id=edition.pk, actor=people[0])
            assert smtp_sink.holding.wait(30), worker.output()
            worker.kill()
            kills += 1
            smtp_sink.release()
            if next_hold is not None:
                smtp_sink.hold_next_recipient(after=next_hold)
        assert kills == 2
        assert 0 < len(smtp_sink.messages) < len(people)

        last = Worker(
            "w3", broker_url=broker, smtp_port=smtp_sink.port, log=tmp_path / "w3"
        )
        workers.append(last)
        time.sleep(CLAIM_SECONDS + 1)  # the dead workers' leases run out
        beat_sends("notify-pump-shared")
        rows = Delivery.objects.filter(kind="bulletin")
        wait_for(
            lambda: not rows.exclude(state=Delivery.State.SENT).exists(),
            what="el boletín a todas las personas",
            seconds=40,
        )
        # Beat goes on: the pump and the sweeper find nothing left to send.
        beat_sends("notify-pump-shared")
        beat_sends("notify-sweep-outbox")
        time.sleep(2)
    finally:
        smtp_sink.release()
        for worker in workers:
            worker.stop()

    received = Counter(message["To"] for message in smtp_sink.messages)
    assert set(received) == {person.email for person in people}, last.output()
    duplicates = sum(count - 1 for count in received.values())
    assert duplicates <= kills  # the stated bound: one message in flight per kill
    assert duplicates == 0  # and these kills caught no message already accepted
    assert rows.count() == len(people)
    assert set(rows.values_list("state", flat=True)) == {Delivery.State.SENT}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_registration_while_the_broker_is_down_is_sent_when_it_is_back(
    postgres, broker, smtp_settings, login, servidor, settings
):
    settings.NOTIFY_SWEEP_AFTER_SECONDS = 0
    session = SessionFactory()
    use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    started = time.monotonic()
    response = login(servidor).post(f"/sesiones/{session.pk}/inscribirme/")
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 5
    assert Registration.objects.get(session=session, user=servidor).status == (
        Registration.Status.CONFIRMED
    )
    delivery = Delivery.objects.get(kind="registration_confirmed")
    assert delivery.state == Delivery.State.PENDING
    assert smtp_settings.messages == []

    use_broker(broker)  # Redis is back
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        beat_sends("notify-sweep-outbox")
        wait_for(lambda: len(smtp_settings.messages) == 1, what="la confirmación")
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    assert smtp_settings.messages[0]["To"] == servidor.email
