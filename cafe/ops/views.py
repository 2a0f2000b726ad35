"""The metrics endpoint (Prometheus) and the "Estado del sistema" page."""

import ipaddress
import os

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from cafe.access import role_required

from . import status


def is_administrator(user) -> bool:
    return user.is_authenticated and user.is_superuser


def allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(net, strict=False)
        for net in settings.CAFE_METRICS_ALLOWED_IPS
    )


class StatusCollector:
    """The facts of ``cafe.ops.status`` as gauges, read at each scrape."""

    def collect(self):
        box = status.outbox()
        for name, help_text, value in (
            ("cafe_outbox_pending", "Correos pendientes", box["pending"]),
            ("cafe_outbox_failed", "Correos fallidos", box["failed"]),
            (
                "cafe_outbox_oldest_pending_seconds",
                "Edad del correo pendiente más antiguo",
                box["oldest_pending_seconds"],
            ),
        ):
            yield GaugeMetricFamily(name, help_text, value=value)
        queue = status.queue_length()
        if queue is not None:
            yield GaugeMetricFamily(
                "cafe_celery_queue_length", "Tareas en la cola de Celery", value=queue
            )
        family = GaugeMetricFamily(
            "cafe_job_last_success_timestamp_seconds",
            "Último éxito de cada tarea programada",
            labels=["job"],
        )
        late = GaugeMetricFamily(
            "cafe_job_late",
            "1 si la tarea programada no corrió a tiempo",
            labels=["job"],
        )
        for job in status.jobs():
            stamp = job.last_success_at.timestamp() if job.last_success_at else 0
            family.add_metric([job.name], stamp)
            late.add_metric([job.name], 1 if job.late else 0)
        yield family
        yield late
        backup = status.last_backup()
        yield GaugeMetricFamily(
            "cafe_backup_last_timestamp_seconds",
            "Fecha de la última copia de respaldo",
            value=backup.created_at.timestamp() if backup else 0,
        )


@never_cache
@require_GET
def metrics(request):
    """For Prometheus, from the configured addresses only."""
    if not allowed(request.META.get("REMOTE_ADDR", "")):
        return HttpResponseForbidden("Acceso restringido.", content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        base = CollectorRegistry()
        multiprocess.MultiProcessCollector(base)
    else:
        base = REGISTRY
    own = CollectorRegistry()
    own.register(StatusCollector())
    body = generate_latest(base) + generate_latest(own)
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")


@role_required(is_administrator)
@require_GET
def status_page(request):
    return render(
        request,
        "ops/status.html",
        {
            "outbox": status.outbox(),
            "queue": status.queue_length(),
            "has_broker": bool(settings.CELERY_BROKER_URL),
            "jobs": status.jobs(),
            "backup": status.last_backup(),
            "backup_max_hours": settings.CAFE_BACKUP_MAX_AGE_HOURS,
            "problems": status.problems(),
        },
    )
