"""What operators watch: the scheduled jobs' last runs and the backups made."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """The last run of each scheduled job (one row per Celery task name)."""

    name = models.CharField(_("tarea"), max_length=100, unique=True)
    last_success_at = models.DateTimeField(_("último éxito"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("último fallo"), null=True, blank=True)
    last_error = models.CharField(_("último error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ejecución de tarea programada")
        verbose_name_plural = _("ejecuciones de tareas programadas")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Backup(models.Model):
    """A backup made by ``manage.py backup``: where it is and what it holds."""

    created_at = models.DateTimeField(_("fecha"), default=timezone.now)
    path = models.CharField(_("carpeta"), max_length=500)
    size_bytes = models.BigIntegerField(_("tamaño (bytes)"), default=0)
    tables = models.PositiveIntegerField(_("tablas"), default=0)
    rows = models.BigIntegerField(_("filas"), default=0)
    seconds = models.FloatField(_("segundos"), default=0)

    class Meta:
        verbose_name = _("copia de respaldo")
        verbose_name_plural = _("copias de respaldo")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.path}"
