"""Redis is optional for serving: under a real gunicorn, with the Redis that is both
its cache and its broker frozen (SIGSTOP) and then killed, logins, pages and
registrations answer at once from PostgreSQL, e-mails wait in the outbox, and
/readyz says what is degraded."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

from cafe.notify.models import Delivery
from cafe.testing.factories import TEST_PASSWORD, UserFactory, accept_privacy
from conftest import require_service
from sessions_app.models import Registration
from sessions_app.tests.factories import SessionFactory

ROOT = Path(__file__).resolve().parent.parent
FAST = 5  # seconds: what "at once" means here (a hung Redis client waits longer)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start in {seconds} s")


@contextmanager
def redis_server():
    port = free_port()
    process = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def answers():
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")

        wait_for(answers, "redis-server")
        yield port, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
        process.wait()


def database_url() -> str:
    db = django_settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@contextmanager
def gunicorn(redis_port: int):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cafe.settings",
        DJANGO_DEBUG="1",  # static files without collectstatic; errors stay 500s
        DJANGO_SECRET_KEY="outage-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_CONN_MAX_AGE="60",
        DATABASE_URL=database_url(),
        CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    command = [
        *(sys.executable, "-m", "gunicorn", "cafe.wsgi"),
        *("--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60"),
        "--no-control-socket",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(
                lambda: (
                    process.poll() is None
                    and requests.get(f"{base}/healthz", timeout=2).ok
                ),
                "gunicorn",
            )
            yield base, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def timed(method, url, **kwargs):
    started = time.monotonic()
    response = method(url, allow_redirects=False, timeout=30, **kwargs)
    return response, time.monotonic() - started


def login(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    page, _elapsed = timed(browser.get, f"{base}/ingresar/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    response, elapsed = timed(
        browser.post,
        f"{base}/ingresar/",
        data={
            "username": email,
            "password": TEST_PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        },
        headers={"Referer": f"{base}/ingresar/"},
    )
    assert response.status_code == 302, response.text[-2000:]
    assert elapsed < FAST, f"login took {elapsed:.1f} s"
    return browser


def visit_and_register(base: str, person, session) -> None:
    browser = login(base, person.email)
    for path in ("/", "/sesiones/", f"/sesiones/{session.pk}/"):
        response, elapsed = timed(browser.get, f"{base}{path}")
        assert response.status_code == 200, (path, response.status_code)
        assert elapsed < FAST, f"{path} took {elapsed:.1f} s"
    response, elapsed = timed(
        browser.post,
        f"{base}/sesiones/{session.pk}/inscribirme/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": f"{base}/sesiones/{session.pk}/"},
    )
    assert response.status_code == 302, response.status_code
    assert elapsed < FAST, f"registration took {elapsed:.1f} s"
    registration = Registration.objects.get(session=session, user=person)
    assert registration.status == Registration.Status.CONFIRMED
    delivery = Delivery.objects.get(
        idempotency_key=f"registration:{registration.pk}:confirmed"
    )
    assert delivery.state == Delivery.State.PENDING  # waits for the broker


def assert_degraded(base: str) -> None:
    response, elapsed = timed(requests.get, f"{base}/readyz")
    assert elapsed < FAST, f"/readyz took {elapsed:.1f} s"
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["degraded"] == ["broker", "cache"]
    assert body["checks"]["database"] is True


def test_pages_logins_and_registrations_survive_a_frozen_then_dead_redis(
    postgres, settings
):
    require_service(bool(shutil.which("redis-server")), "redis-server no instalado")
    # Passwords hashed as production checks them (the tests' MD5 is not there).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    people = UserFactory.create_batch(3)
    for person in people:
        person.set_password(TEST_PASSWORD)
        person.save()
        accept_privacy(person)
    session = SessionFactory(capacity=10)

    with redis_server() as (redis_port, redis), gunicorn(redis_port) as (base, log):
        login(base, people[0].email)  # with Redis up
        assert requests.get(f"{base}/readyz", timeout=10).json()["status"] == "ok"

        redis.send_signal(signal.SIGSTOP)
        try:
            visit_and_register(base, people[1], session)
            assert_degraded(base)
        finally:
            redis.kill()
            redis.wait()
        visit_and_register(base, people[2], session)
        assert_degraded(base)

        log.seek(0)
        assert b"Internal Server Error" not in log.read()
