"""The facts operators watch, read from the database and the broker: the outbox,
the Celery queue, each scheduled job's last success, the last backup. The metrics
endpoint and the "Estado del sistema" page both show these; the alert job e-mails
the operators when one of them is a problem."""

from dataclasses import dataclass
from datetime import timedelta

import redis
from celery.schedules import crontab
from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.notify.models import Delivery

from .models import Backup, JobRun


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    max_age: timedelta
    last_success_at: object
    late: bool


def outbox() -> dict:
    now = timezone.now()
    figures = Delivery.objects.aggregate(
        pending=Count("pk", filter=Q(state=Delivery.State.PENDING)),
        failed=Count("pk", filter=Q(state=Delivery.State.FAILED)),
        oldest=Min("created_at", filter=Q(state=Delivery.State.PENDING)),
    )
    oldest = figures.pop("oldest")
    figures["oldest_pending_seconds"] = (now - oldest).total_seconds() if oldest else 0
    return figures


def queue_length() -> int | None:
    """Messages waiting in the broker's default queue; None without a broker or
    when it does not answer (a second at most)."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return None
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return int(client.llen("celery"))
    except redis.RedisError:
        return None


def max_age(schedule) -> timedelta:
    """How long after its last success a job counts as late: three periods for an
    interval; for a crontab, a day and two hours, or eight days when it runs on one
    weekday, or two hours when it runs every hour."""
    if isinstance(schedule, timedelta):
        return max(schedule * 3, timedelta(minutes=10))
    if isinstance(schedule, crontab):
        if len(schedule.day_of_week) == 1:
            return timedelta(days=8)
        if len(schedule.hour) == 24:
            return timedelta(hours=2)
    return timedelta(hours=26)


def jobs(now=None) -> list[Job]:
    now = now or timezone.now()
    runs = dict(JobRun.objects.values_list("name", "last_success_at"))
    started = runs_expected_since(now)
    result = []
    for name, entry in sorted(settings.CELERY_BEAT_SCHEDULE.items()):
        limit = max_age(entry["schedule"])
        last = runs.get(entry["task"])
        reference = last or started
        result.append(Job(name, entry["task"], limit, last, now - reference > limit))
    return result


def runs_expected_since(now):
    """A job that never ran is late only once the installation is older than its
    period (the first migration's date stands for it)."""
    from django.db.migrations.recorder import MigrationRecorder

    first = MigrationRecorder.Migration.objects.order_by("applied").first()
    return first.applied if first else now


def last_backup():
    return Backup.objects.first()


def problems(now=None) -> list[tuple[str, str]]:
    """(key, Spanish description) of each thing an operator must look at."""
    now = now or timezone.now()
    found = []
    box = outbox()
    if box["failed"]:
        found.append(
            (
                "outbox-failed",
                _("Hay %(n)s correos fallidos en el correo saliente.")
                % {"n": box["failed"]},
            )
        )
    if box["oldest_pending_seconds"] > settings.CAFE_OUTBOX_PENDING_ALERT_MINUTES * 60:
        found.append(
            (
                "outbox-stuck",
                _("Un correo lleva más de %(m)s minutos pendiente.")
                % {"m": settings.CAFE_OUTBOX_PENDING_ALERT_MINUTES},
            )
        )
    for job in jobs(now):
        if job.late:
            found.append(
                (
                    f"job-{job.name}",
                    _("La tarea programada «%(name)s» no ha corrido a tiempo.")
                    % {"name": job.name},
                )
            )
    backup = last_backup()
    limit = timedelta(hours=settings.CAFE_BACKUP_MAX_AGE_HOURS)
    if settings.CAFE_BACKUP_MAX_AGE_HOURS and (
        backup is None or now - backup.created_at > limit
    ):
        found.append(
            (
                "backup-old",
                _("La última copia de respaldo tiene más de %(h)s horas.")
                % {"h": settings.CAFE_BACKUP_MAX_AGE_HOURS},
            )
        )
    return found
