"""What participants say about the entity beyond the pulse survey: campaigns brought
to a session and rated by its attendees, and quotes (testimonials) published only
with the person's recorded consent. Imported by ``models`` (one models module)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cafe.validators import date_in_range

QUOTE_MAX_LENGTH = 500


class Campaign(models.Model):
    """An internal or external campaign of the entity, taken to the sessions to hear
    how it works."""

    class Scope(models.TextChoices):
        INTERNAL = "interna", _("Interna")
        EXTERNAL = "externa", _("Externa")

    name = models.CharField(_("nombre"), max_length=150, unique=True)
    scope = models.CharField(
        _("alcance"), max_length=10, choices=Scope.choices, default=Scope.INTERNAL
    )
    description = models.TextField(_("descripción"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("activa"), default=True)
    sessions = models.ManyToManyField(
        "sessions_app.Session",
        verbose_name=_("sesiones"),
        blank=True,
        related_name="campaigns",
    )

    class Meta:
        verbose_name = _("campaña")
        verbose_name_plural = _("campañas")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CampaignRating(models.Model):
    """One attendee's rating of one campaign of the session, given with the survey
    (and erased with it). Reported only in aggregate."""

    feedback = models.ForeignKey(
        "sessions_app.Feedback",
        verbose_name=_("respuesta de la encuesta"),
        on_delete=models.CASCADE,
        related_name="campaign_ratings",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaña"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    score = models.PositiveSmallIntegerField(
        _("calificación"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comentario"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("calificación de una campaña")
        verbose_name_plural = _("calificaciones de campañas")
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "campaign"], name="campaign_rating_once"
            ),
            models.CheckConstraint(
                condition=Q(score__range=(1, 5)), name="campaign_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id} · {self.score}"


class Testimonial(models.Model):
    """A short quote of a participant, publishable only on the channels the person
    consented to, and never again once the consent is withdrawn."""

    class ConsentMethod(models.TextChoices):
        SIGNED = "firmado", _("Firmado en la sala")
        EMAIL = "correo", _("Por correo electrónico")
        RECORDED = "grabado", _("De viva voz, grabado")
        PLATFORM = "plataforma", _("En la plataforma")

    session = models.ForeignKey(
        "sessions_app.Session",
        verbose_name=_("sesión"),
        on_delete=models.PROTECT,
        related_name="testimonials",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="cafe_testimonials",
    )
    quote = models.TextField(_("cita"), max_length=QUOTE_MAX_LENGTH)
    for_social = models.BooleanField(_("autoriza redes sociales"), default=False)
    for_bulletin = models.BooleanField(_("autoriza el boletín"), default=False)
    consent_method = models.CharField(
        _("cómo se obtuvo la autorización"),
        max_length=12,
        choices=ConsentMethod.choices,
    )
    consent_note = models.CharField(
        _("detalle de la autorización"), max_length=300, blank=True
    )
    consented_at = models.DateTimeField(_("autorizada el"), validators=[date_in_range])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrada por"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrada el"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(
        _("autorización retirada el"), validators=[date_in_range], null=True, blank=True
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retirada por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("testimonio")
        verbose_name_plural = _("testimonios")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_social=True) | Q(for_bulletin=True),
                name="testimonial_has_a_channel",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "withdrawn_at"], name="testimonial_idx"),
        ]

    def __str__(self):
        return f"{self.person_id} · {self.session_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def channels_display(self) -> str:
        names = []
        if self.for_social:
            names.append(str(_("redes sociales")))
        if self.for_bulletin:
            names.append(str(_("boletín")))
        return ", ".join(names)
