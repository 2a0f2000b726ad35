"""The first run (`make run`): loading the demo data is quiet and ends with the address
and the demo logins; no broker means no broker warning; `PORT` moves the links."""

import os
import shutil
import subprocess
import sys

import pytest
from django.core.management import call_command

from cafe.notify.models import Delivery
from tests.test_settings import ROOT, run_python

PRINT_SITE_URL = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.CAFE_SITE_URL)"
)


def test_the_links_follow_port_unless_the_site_url_is_set():
    assert run_python(PRINT_SITE_URL) == "http://127.0.0.1:8000"
    assert run_python(PRINT_SITE_URL, PORT="8123") == "http://127.0.0.1:8123"
    assert (
        run_python(PRINT_SITE_URL, PORT="8123", CAFE_SITE_URL="https://cafe.gov.co/")
        == "https://cafe.gov.co"
    )


PUBLISH_IN_PROCESS = """
import django; django.setup()
from cafe.celery import app
with app.producer_or_acquire():  # what every task.delay() does, also in-process
    pass
print(app.conf.broker_url)
"""


def publish(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CAFE_", "CELERY_"))
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "cafe.settings", "DJANGO_DEBUG": "1"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PUBLISH_IN_PROCESS],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_no_broker_configured_gives_no_broker_warning():
    result = publish()
    assert "No hostname was supplied" not in result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert result.stdout.strip() == "memory://localhost/"
    # A configured broker is used as it is.
    configured = publish(CELERY_BROKER_URL="redis://127.0.0.1:6399/3")
    assert configured.stdout.strip() == "redis://127.0.0.1:6399/3"


@pytest.mark.django_db(transaction=True)
def test_seed_demo_prints_no_email_and_ends_with_the_address_and_logins(
    settings, capsys
):
    # The console backend, as in `make run`: the demo's e-mails must not reach it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.CAFE_SITE_URL = "http://127.0.0.1:8123"
    call_command("seed_demo")
    out = capsys.readouterr().out
    for mime in ("MIME-Version", "Content-Type:", "Subject:", "-----"):
        assert mime not in out
    lines = out.strip().splitlines()
    assert len(lines) <= 12, out
    assert "Abra http://127.0.0.1:8123/" in lines[-7]
    assert "cafe-demo-2026" in lines[-6]
    assert [line.split()[0] for line in lines[-5:]] == [
        f"{local}@demo.secretariageneral.gov.co"
        for local in ("servidora", "comunicaciones", "enlace", "despacho", "admin")
    ]
    # The e-mails were composed and are in the outbox, marked as handled.
    deliveries = Delivery.objects.all()
    assert deliveries.exists()
    assert not deliveries.exclude(state=Delivery.State.SENT).exists()


def make_dry_run(*args: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make no disponible")
    result = subprocess.run(
        ["make", "-n", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.splitlines()


def test_make_run_serves_on_port_and_passes_it_to_the_links():
    lines = make_dry_run("run", "PORT=8123")
    assert any(line.endswith("runserver 127.0.0.1:8123") for line in lines), lines
    assert any("PORT=8123" in line and "seed_demo" in line for line in lines), lines


def test_make_test_runs_in_parallel_when_there_is_more_than_one_core():
    [parallel] = [
        line for line in make_dry_run("test", "TEST_WORKERS=2") if "pytest" in line
    ]
    assert "-n 2" in parallel and "--dist loadfile" in parallel
    [serial] = [
        line for line in make_dry_run("test", "TEST_WORKERS=1") if "pytest" in line
    ]
    assert "-n" not in serial.split()
