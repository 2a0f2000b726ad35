"""Fixtures shared by every test: people per role, services (PostgreSQL, Redis, SMTP).

A test that needs a service skips with the reason when it is missing, and fails
instead when ``CAFE_REQUIRE_SERVICES=1`` (CI), so nothing is silently skipped there.
"""

import os

import pytest

from cafe.notify import kept_connection
from cafe.testing import factories
from cafe.testing.smtp import SmtpSink

REQUIRE_SERVICES = os.environ.get("CAFE_REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the dashboard's figures live there)."""
    from django.core.cache import cache

    cache.clear()


def require_service(available: bool, reason: str) -> None:
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CAFE_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture
def redis_url():
    """The broker URL of a reachable Redis, or skip/fail."""
    import redis

    url = os.environ.get("CELERY_BROKER_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if url and worker.startswith("gw"):
        # One Redis database per xdist worker, so parallel workers never share a queue.
        url = f"{url.rsplit('/', 1)[0]}/{int(worker[2:]) + 1}"
    ok = False
    if url:
        try:
            ok = bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
        except Exception:
            ok = False
    require_service(ok, "Redis no disponible: defina CELERY_BROKER_URL")
    return url


@pytest.fixture
def postgres(db):
    from django.db import connection

    require_service(
        connection.vendor == "postgresql",
        "PostgreSQL no disponible: defina DATABASE_URL",
    )
    return connection


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    yield sink
    kept_connection.close()  # this test's SMTP session does not outlive its server
    sink.stop()


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_sink


@pytest.fixture
def dependency(db):
    return factories.DependencyFactory()


@pytest.fixture
def other_dependency(db):
    return factories.DependencyFactory()


@pytest.fixture
def servidor(db, dependency):
    return factories.UserFactory(dependency=dependency)


@pytest.fixture
def comunicaciones(db):
    return factories.UserFactory(role="Comunicaciones")


@pytest.fixture
def despacho(db):
    return factories.UserFactory(role="Despacho")


@pytest.fixture
def enlace(db, dependency):
    return factories.UserFactory(
        role="Enlace de dependencia", dependency=dependency, liaison_of=dependency
    )


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def login(db):
    """Log a person in (privacy notice accepted); returns their own new client."""
    from django.test import Client

    def _login(user, accept_privacy=True):
        if accept_privacy:
            factories.accept_privacy(user)
        client = Client()
        client.force_login(user)
        return client

    return _login
