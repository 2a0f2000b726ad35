"""The benchmark is not product: it stays out of production settings and URLs, its
floor page works under its own URLconf, and its figures are computed as documented."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import Resolver404, resolve

from bench.load import percentile, summarize
from bench.services import WORKER_NICE
from cafe.testing.factories import UserFactory, accept_privacy


def test_production_does_not_install_or_route_the_benchmark():
    assert not [app for app in settings.INSTALLED_APPS if "bench" in app]
    assert settings.ROOT_URLCONF == "cafe.urls"
    with pytest.raises(Resolver404):
        resolve("/_bench/piso/")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_floor_page_is_the_base_template_for_a_logged_in_person(client):
    assert client.get("/_bench/piso/").status_code == 302  # to the login page
    user = UserFactory()
    accept_privacy(user)
    client.force_login(user)
    response = client.get("/_bench/piso/")
    assert response.status_code == 200
    assert "base.html" in {t.name for t in response.templates}
    assert client.get("/_bench/piso-post/").status_code == 405  # POST only


def test_the_benchmark_worker_runs_at_the_production_units_priority():
    unit = (settings.BASE_DIR / "deploy/systemd/cafe-worker.service").read_text()
    [nice] = [line for line in unit.splitlines() if line.startswith("Nice=")]
    assert nice == f"Nice={WORKER_NICE}"


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([], 95) == 0.0


def test_summary_counts_every_error_and_windows_by_start_time():
    # (end time, page, milliseconds, error)
    samples = [
        (100.0, "Inicio", 10.0, ""),
        # In the warm-up: left out of the timings, still an error.
        (100.5, "Inicio", 10.0, "HTTP 500"),
        (110.0, "Inicio", 20.0, ""),
        (112.0, "Propuestas", 30.0, ""),
        # Started at 104 (inside the window), waited 10 s, ended after it.
        (114.0, "Propuestas", 10_000.0, ""),
        (120.0, "Inicio", 40.0, "HTTP 502"),
    ]
    summary = summarize(samples, warmup=5)
    assert summary["errors"] == 2
    assert summary["requests"] == 4
    assert summary["pages"]["Inicio"] == {
        "requests": 2,
        "errors": 1,
        "p50": 20.0,
        "p95": 40.0,
        "p99": 40.0,
    }
    assert summary["throughput"] == pytest.approx(4 / 15)

    during = summarize(samples, window=(103.0, 111.0))
    assert during["requests"] == 2  # the one ending at 110 and the one started at 104
    assert during["p95"] == 10_000.0
    assert during["errors"] == 0
