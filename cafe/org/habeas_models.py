"""Habeas data records: requests of the people, their history, the access log of
personal data and the retention runs (Ley 1581 de 2012; Decreto 1377 de 2013).

Imported at the end of ``models.py``, so the models belong to the ``org`` app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cafe.validators import date_in_range


class DataRequest(models.Model):
    """A consulta or a reclamo of a person about their personal data."""

    class Kind(models.TextChoices):
        CONSULTA = "consulta", _("Consulta")
        RECLAMO = "reclamo", _("Reclamo")

    class Claim(models.TextChoices):
        UPDATE = "actualizacion", _("Actualización")
        RECTIFY = "rectificacion", _("Rectificación")
        ERASE = "supresion", _("Supresión")
        REVOKE = "revocatoria", _("Revocatoria de la autorización")

    class State(models.TextChoices):
        OPEN = "en_tramite", _("En trámite")
        INCOMPLETE = "incompleto", _("Incompleto: esperando información")
        ANSWERED = "respondida", _("Respondida")
        WITHDRAWN = "desistida", _("Desistida")

    OPEN_STATES = (State.OPEN, State.INCOMPLETE)

    number = models.CharField(_("radicado"), max_length=20, unique=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("titular"),
        on_delete=models.PROTECT,
        related_name="data_requests",
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    claim = models.CharField(
        _("tipo de reclamo"), max_length=15, choices=Claim.choices, blank=True
    )
    text = models.TextField(_("solicitud"), max_length=4000)
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.OPEN
    )
    filed_at = models.DateTimeField(_("radicada el"), default=timezone.now)
    # The day the legal term counts from: the filing day, or the day a reclamo was
    # completed after a request for the missing information.
    received_on = models.DateField(
        _("recibida completa el"), validators=[date_in_range]
    )
    due_on = models.DateField(_("vence el"), validators=[date_in_range])
    extended_at = models.DateTimeField(_("prorrogada el"), null=True, blank=True)
    extension_reason = models.TextField(_("motivo de la prórroga"), blank=True)
    missing_requested_at = models.DateTimeField(
        _("información pedida el"), null=True, blank=True
    )
    missing_info = models.TextField(_("información que falta"), blank=True)
    answer = models.TextField(_("respuesta"), blank=True, max_length=8000)
    answered_at = models.DateTimeField(_("respondida el"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("atendida por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalated_at = models.DateTimeField(
        _("escalada a Despacho el"), null=True, blank=True
    )
    carried_out_at = models.DateTimeField(
        _("supresión o revocatoria ejecutada el"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("solicitud sobre datos personales")
        verbose_name_plural = _("solicitudes sobre datos personales")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="consulta", claim="")
                    | (models.Q(kind="reclamo") & ~models.Q(claim=""))
                ),
                name="datarequest_claim_only_for_reclamo",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="datarequest_queue")]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class DataRequestEvent(models.Model):
    """Who did what and when on a request (filing, extension, answer, erasure)."""

    class Action(models.TextChoices):
        FILED = "radicada", _("Radicada")
        EXTENDED = "prorrogada", _("Prorrogada")
        MISSING = "incompleta", _("Se pidió información faltante")
        COMPLETED = "completada", _("La persona completó la información")
        ANSWERED = "respondida", _("Respondida")
        WITHDRAWN = "desistida", _("Desistida por falta de respuesta")
        ESCALATED = "escalada", _("Escalada a Despacho por vencimiento")
        ERASED = "supresion", _("Supresión ejecutada")
        REVOKED = "revocatoria", _("Revocatoria ejecutada")

    request = models.ForeignKey(
        DataRequest,
        verbose_name=_("solicitud"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    at = models.DateTimeField(_("fecha"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quién"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("acción"), max_length=12, choices=Action.choices)
    note = models.TextField(_("nota"), blank=True)
    details = models.JSONField(_("detalle"), default=dict, blank=True)

    class Meta:
        verbose_name = _("actuación sobre una solicitud")
        verbose_name_plural = _("actuaciones sobre solicitudes")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request_id} · {self.action}"


class PersonalDataAccess(models.Model):
    """Someone opened or exported personal data (one row per page view)."""

    class What(models.TextChoices):
        MY_DATA_EXPORT = "mis_datos", _("Descarga de «Mis datos»")
        OUTBOX = "correo", _("Bandeja de correo saliente")
        ADMIN_PERSON = "admin_persona", _("Ficha de la persona en la administración")
        ATTENDANCE = "asistencia", _("Lista de asistencia con necesidades")
        DATA_REQUEST = "solicitud", _("Solicitud de habeas data")

    at = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quién"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("de quién"),
        help_text=_("Vacío cuando la página muestra datos de varias personas."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    what = models.CharField(_("qué"), max_length=15, choices=What.choices)
    path = models.CharField(_("dirección"), max_length=300)

    class Meta:
        verbose_name = _("acceso a datos personales")
        verbose_name_plural = _("accesos a datos personales")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} · {self.what}"


class RetentionRun(models.Model):
    """One pass of the retention rules: what expired and how much was purged."""

    started_at = models.DateTimeField(_("fecha"), default=timezone.now)
    results = models.JSONField(_("resultado"), default=list)
    total = models.PositiveIntegerField(_("registros afectados"), default=0)

    class Meta:
        verbose_name = _("aplicación de la retención")
        verbose_name_plural = _("aplicaciones de la retención")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} · {self.total}"
