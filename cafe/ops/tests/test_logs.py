"""Structured logs: one JSON line per request with its id, the user's id, the status
and the time, nothing else about the person; the same id on the tasks it enqueued."""

import io
import json
import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.test import Client

import cafe.settings as production
from cafe.celery import app
from cafe.notify.tests.conftest import broker  # noqa: F401 (fixture)
from cafe.ops import logs
from sessions_app.tests.factories import SessionFactory


@pytest.fixture
def log_lines():
    """The lines the production LOGGING writes for requests (its JSON formatter and
    its context filter), captured."""
    assert production.LOG_FORMAT == "json"
    handler_conf = production.LOGGING["handlers"]["console"]
    assert handler_conf["formatter"] == "json"
    formatter_conf = dict(production.LOGGING["formatters"]["json"])
    factory = formatter_conf.pop("()")
    module, name = factory.rsplit(".", 1)
    formatter = getattr(__import__(module, fromlist=[name]), name)(**formatter_conf)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(logs.ContextFilter())
    logger = logging.getLogger()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def request_lines(lines):
    return [line for line in lines if line["name"] == "cafe.request"]


@pytest.mark.django_db
def test_one_json_line_per_request_without_personal_data(log_lines, login, servidor):
    client = login(servidor)
    response = client.get(f"/sesiones/?q={servidor.email}&nombre={servidor.full_name}")
    assert response.status_code == 200
    (line,) = request_lines(log_lines())
    assert line["message"] == "request"
    assert line["level"] == "INFO"
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["user_id"] == servidor.pk
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["path"] == "/sesiones/"
    assert isinstance(line["duration_ms"], float)
    assert "time" in line
    text = json.dumps(log_lines(), ensure_ascii=False)
    assert servidor.email not in text
    assert servidor.full_name not in text
    assert servidor.email.split("@")[0] not in text


@pytest.mark.django_db
def test_anonymous_requests_and_errors_are_logged_too(log_lines):
    response = Client().get("/no-existe/")
    assert response.status_code == 404
    lines = log_lines()
    (line,) = request_lines(lines)
    assert line["user_id"] is None
    assert line["status"] == 404
    # Django's own warning about the 404 carries the same request id.
    others = [x for x in lines if x["name"] == "django.request"]
    assert others and all(x["request_id"] == line["request_id"] for x in others)


@pytest.mark.django_db
def test_an_error_line_does_not_carry_the_query_string(log_lines, login, servidor):
    response = login(servidor).get(
        f"/no-existe/?correo={servidor.email}", HTTP_X_REQUEST_ID="error-1"
    )
    assert response.status_code == 404
    lines = log_lines()
    (warning,) = [x for x in lines if x["name"] == "django.request"]
    assert warning["request"] == "GET /no-existe/"
    assert warning["request_id"] == "error-1"
    assert warning["user_id"] == servidor.pk
    assert servidor.email not in json.dumps(lines)


@pytest.mark.django_db
def test_failed_logins_and_a_lockout_log_no_email(log_lines, servidor, settings):
    """django-axes masks the e-mail and the address in its lines (its sensitive
    parameters): a guard that it stays so."""
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(3):
        client.post("/ingresar/", {"username": servidor.email, "password": "mala"})
    lines = log_lines()
    assert any(x["name"] == "axes.handlers.database" for x in lines)
    assert request_lines(lines)[-1]["status"] == 429
    text = json.dumps(lines, ensure_ascii=False)
    assert servidor.email not in text
    assert "127.0.0.1" not in text


@pytest.mark.django_db
def test_the_proxy_request_id_is_kept_when_sane(log_lines):
    client = Client()
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123_DEF")
    assert response["X-Request-ID"] == "abc-123_DEF"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" \n{"user_id": 1}')
    assert forged["X-Request-ID"] != 'x" \n{"user_id": 1}'
    assert forged["X-Request-ID"].isalnum()
    ids = [line["request_id"] for line in request_lines(log_lines())]
    assert ids == ["abc-123_DEF", forged["X-Request-ID"]]


@pytest.mark.django_db(transaction=True)
def test_a_task_run_in_process_keeps_the_request_id(log_lines, login, servidor):
    """Without a broker the confirmation is sent inside the request: the request's
    line still carries its id."""
    session = SessionFactory()
    response = login(servidor).post(f"/sesiones/{session.pk}/inscribirme/")
    assert response.status_code == 302
    lines = log_lines()
    (line,) = request_lines(lines)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["status"] == 302


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_request_id_travels_to_the_task_it_enqueued(
    broker,  # noqa: F811
    smtp_settings,
    login,
    servidor,
):
    session = SessionFactory()
    seen = []

    def record(sender=None, **kwargs):
        if sender.name == "notify.deliver_email":
            seen.append(logs.request_id.get())

    task_postrun.connect(record, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ):
            response = login(servidor).post(f"/sesiones/{session.pk}/inscribirme/")
            assert response.status_code == 302
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not seen:
                time.sleep(0.1)
    finally:
        task_postrun.disconnect(record)
    assert seen == [response["X-Request-ID"]]
    assert len(smtp_settings.messages) == 1
