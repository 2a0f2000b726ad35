"""The e-mail outbox: one row per message and recipient."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .kinds import kind_label


class MessageContent(models.Model):
    """A message body shared by many deliveries (a bulletin to all staff)."""

    key = models.CharField(_("clave"), max_length=200, unique=True)
    subject = models.CharField(_("asunto"), max_length=250)
    body_text = models.TextField(_("texto plano"))
    body_html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("contenido compartido")
        verbose_name_plural = _("contenidos compartidos")

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """A message to one recipient, sent at most once per idempotency key.

    The message is rendered when the row is created, so a retry or the sweeper sends
    exactly what was decided at the time, without needing the objects it talks about.
    """

    class State(models.TextChoices):
        PENDING = "pendiente", _("Pendiente")
        SENT = "enviado", _("Enviado")
        FAILED = "fallido", _("Fallido")

    idempotency_key = models.CharField(
        _("clave de idempotencia"), max_length=200, unique=True
    )
    kind = models.CharField(_("tipo"), max_length=60, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    to_email = models.EmailField(_("destinatario"))
    # Either the message is stored on the row, or it points at a shared content.
    content = models.ForeignKey(
        MessageContent,
        verbose_name=_("contenido compartido"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    subject = models.CharField(_("asunto"), max_length=250)
    body_text = models.TextField(_("texto plano"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(_("adjuntos"), default=list, blank=True)
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    last_error = models.TextField(_("último error"), blank=True)
    claimed_until = models.DateTimeField(_("reservado hasta"), null=True, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)
    sent_at = models.DateTimeField(_("enviado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("envío de correo")
        verbose_name_plural = _("envíos de correo")
        ordering = ["-created_at", "-pk"]
        # Each pending index covers exactly one reader, and neither matches a claim by
        # primary key (which names no content): with the usual statistics (almost
        # nothing pending) PostgreSQL would otherwise claim each batch through a
        # pending index, reading every pending row of a fan-out for each batch.
        indexes = [
            # The sweeper: standalone rows waiting for a worker, oldest first.
            models.Index(
                fields=["state", "updated_at"],
                name="notify_pending_sweep_idx",
                condition=Q(state="pendiente", content__isnull=True),
            ),
            # The pump: shared-content rows (bulletins, invitations), in order.
            models.Index(
                fields=["id"],
                name="notify_pending_shared_idx",
                condition=Q(state="pendiente", content__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.kind_label} → {self.to_email} ({self.get_state_display()})"

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)
