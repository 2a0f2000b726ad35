"""What operators watch: the problems found, the alerts e-mailed, the jobs' last
runs, the metrics endpoint and the "Estado del sistema" page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.notify.services import send_templated
from cafe.ops import status
from cafe.ops.models import Backup, JobRun
from cafe.ops.tasks import alert_operators, check_and_alert

pytestmark = pytest.mark.django_db

OPERATORS = ["otic@prueba.gov.co", "guardia@prueba.gov.co"]


def keys(found):
    return {key for key, _text in found}


def queue_email(key, **fields):
    delivery = send_templated(
        key=key,
        template="notify/test",
        context={"sent_on": "06/12/2026"},
        to="ana@prueba.gov.co",
    )
    if fields:
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
    return delivery


@pytest.fixture
def healthy(settings):
    """Every scheduled job ran just now and a backup was made: nothing to report."""
    now = timezone.now()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        JobRun.objects.update_or_create(
            name=entry["task"], defaults={"last_success_at": now}
        )
    Backup.objects.create(path="/respaldo/hoy")
    settings.CAFE_OPERATOR_EMAILS = OPERATORS
    mail.outbox.clear()
    return now


def test_nothing_to_report_when_all_is_well(healthy):
    assert status.problems() == []
    assert alert_operators() == 0
    assert Delivery.objects.filter(kind="ops_alert").count() == 0


def test_a_failed_email_is_a_problem(healthy):
    queue_email("fallido:1", state=Delivery.State.FAILED)
    assert keys(status.problems()) == {"outbox-failed"}


def test_an_email_pending_too_long_is_a_problem(healthy, settings):
    delivery = queue_email("viejo:1")
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.PENDING,
        created_at=timezone.now() - timedelta(minutes=45),
    )
    settings.CAFE_OUTBOX_PENDING_ALERT_MINUTES = 30
    assert keys(status.problems()) == {"outbox-stuck"}
    settings.CAFE_OUTBOX_PENDING_ALERT_MINUTES = 60
    assert status.problems() == []


def test_a_late_job_is_a_problem(healthy):
    JobRun.objects.filter(name="notify.sweep_outbox").update(
        last_success_at=healthy - timedelta(hours=1)
    )
    assert keys(status.problems()) == {"job-notify-sweep-outbox"}
    # A daily job is late after a day and two hours, not before.
    JobRun.objects.filter(name="notify.sweep_outbox").update(last_success_at=healthy)
    JobRun.objects.filter(name="proposals.compose_bulletin").update(
        last_success_at=healthy - timedelta(hours=25)
    )
    assert status.problems() == []
    assert keys(status.problems(healthy + timedelta(hours=2))) >= {
        "job-proposals-compose-bulletin"
    }


def test_a_job_that_never_ran_is_late_only_after_its_period(healthy):
    JobRun.objects.filter(name="ops.check_and_alert").delete()
    # The installation is new (its migrations were applied just now).
    assert status.problems() == []
    later = healthy + timedelta(hours=1)
    assert "job-ops-check-and-alert" in keys(status.problems(later))


def test_an_old_or_missing_backup_is_a_problem(healthy, settings):
    settings.CAFE_BACKUP_MAX_AGE_HOURS = 26
    Backup.objects.update(created_at=healthy - timedelta(hours=27))
    assert keys(status.problems()) == {"backup-old"}
    Backup.objects.all().delete()
    assert keys(status.problems()) == {"backup-old"}
    settings.CAFE_BACKUP_MAX_AGE_HOURS = 0  # backups watched elsewhere
    assert status.problems() == []


def test_alerts_are_emailed_once_a_day_per_set_of_problems(healthy):
    queue_email("fallido:1", state=Delivery.State.FAILED)
    assert alert_operators() == 1
    alerts = Delivery.objects.filter(kind="ops_alert")
    assert sorted(alerts.values_list("to_email", flat=True)) == sorted(OPERATORS)
    first = alerts.first()
    assert "1 asunto de operación requiere atención" in first.subject
    assert "correos fallidos" in first.body_text
    assert "/sistema/estado/" in first.body_text
    # The job runs every 15 minutes: the same problems are not e-mailed again today.
    assert check_and_alert.apply().result == 1
    assert alerts.count() == 2
    # A new problem is a new set: e-mailed at once.
    Backup.objects.all().delete()
    assert alert_operators() == 2
    assert alerts.count() == 4
    # The next day (the jobs still running), the same set again.
    tomorrow = healthy + timedelta(days=1)
    JobRun.objects.update(last_success_at=tomorrow)
    assert alert_operators(tomorrow) == 2
    assert alerts.count() == 6


def test_no_operators_configured_no_alert(healthy, settings):
    settings.CAFE_OPERATOR_EMAILS = []
    queue_email("fallido:1", state=Delivery.State.FAILED)
    assert alert_operators() == 1
    assert not Delivery.objects.filter(kind="ops_alert").exists()


def test_a_scheduled_job_records_its_last_success_and_failure(settings, monkeypatch):
    before = timezone.now()
    check_and_alert.delay()
    run = JobRun.objects.get(name="ops.check_and_alert")
    assert run.last_success_at >= before
    assert run.last_failure_at is None
    # A failing scheduled job: its failure and the error's class, not its message.
    settings.CAFE_OPERATOR_EMAILS = OPERATORS
    settings.CAFE_BACKUP_MAX_AGE_HOURS = 1  # no backup: a problem to e-mail
    from cafe.ops import tasks

    def refuse(**kwargs):
        raise RuntimeError("base de datos caída: ana@prueba.gov.co")

    monkeypatch.setattr(tasks, "send_templated", refuse)
    check_and_alert.delay()
    run.refresh_from_db()
    assert run.last_failure_at >= before
    assert run.last_error == "RuntimeError"
    # A task that is not scheduled leaves no row.
    from cafe.notify.tasks import deliver_email

    deliver_email.delay(0)
    assert not JobRun.objects.filter(name=deliver_email.name).exists()


# --- The metrics endpoint ---------------------------------------------------------


def test_metrics_refuse_other_addresses(settings):
    settings.CAFE_METRICS_ALLOWED_IPS = ["10.0.0.0/8", "127.0.0.1"]
    for address in ("192.168.1.20", "11.0.0.1", "::1", "desconocida"):
        response = Client(REMOTE_ADDR=address).get("/metrics")
        assert response.status_code == 403, address
        assert b"cafe_outbox" not in response.content
    # A proxy's forwarded header does not open it.
    response = Client(REMOTE_ADDR="192.168.1.20").get(
        "/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )
    assert response.status_code == 403


def test_metrics_serve_the_gauges_to_allowed_addresses(settings, healthy):
    settings.CAFE_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    queue_email("fallido:1", state=Delivery.State.FAILED)
    queue_email("pendiente:1")
    Delivery.objects.filter(idempotency_key="pendiente:1").update(
        state=Delivery.State.PENDING
    )
    response = Client(REMOTE_ADDR="10.1.2.3").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "cafe_outbox_failed 1.0" in text
    assert "cafe_outbox_pending 1.0" in text
    assert "cafe_outbox_oldest_pending_seconds" in text
    assert 'cafe_job_late{job="notify-sweep-outbox"} 0.0' in text
    assert 'cafe_job_last_success_timestamp_seconds{job="ops-check-and-alert"}' in text
    assert "cafe_backup_last_timestamp_seconds" in text
    # django-prometheus: request latency and responses by status.
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "django_http_responses_total_by_status_total" in text


# --- The "Estado del sistema" page ------------------------------------------------


def test_status_page_is_for_superusers_only(login, superuser, despacho, comunicaciones):
    assert Client().get("/sistema/estado/").status_code == 302
    for person in (despacho, comunicaciones):
        assert login(person).get("/sistema/estado/").status_code == 403
    assert login(superuser).get("/sistema/estado/").status_code == 200


def test_status_page_tells_the_problems_in_words(login, superuser, healthy):
    page = login(superuser).get("/sistema/estado/").content.decode()
    assert "Todo en orden" in page
    queue_email("fallido:1", state=Delivery.State.FAILED)
    JobRun.objects.filter(name="notify.sweep_outbox").update(
        last_success_at=healthy - timedelta(hours=1)
    )
    page = login(superuser).get("/sistema/estado/").content.decode()
    assert "Requiere atención" in page
    assert "Hay 1 correos fallidos" in page
    assert "«notify-sweep-outbox» no ha corrido a tiempo" in page
    assert "Atrasada" in page
