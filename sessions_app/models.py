"""Sessions of the Café, registrations, conclusions (minutes) and the pulse survey."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cafe.common.classification import ClassifiedRecord
from cafe.org.models import Dependency
from cafe.validators import date_in_range, visible_text


class Topic(models.Model):
    """A theme, or an internal or external campaign, to put in front of staff."""

    class Kind(models.TextChoices):
        THEME = "tema", _("Tema")
        INTERNAL_CAMPAIGN = "campana_interna", _("Campaña interna")
        EXTERNAL_CAMPAIGN = "campana_externa", _("Campaña externa")

    name = models.CharField(_("nombre"), max_length=150, unique=True)
    kind = models.CharField(
        _("tipo"), max_length=20, choices=Kind.choices, default=Kind.THEME
    )
    description = models.TextField(_("descripción"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        verbose_name = _("tema o campaña")
        verbose_name_plural = _("temas y campañas")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Session(models.Model):
    """One encounter with the leader: for one dependency, or for the whole entity."""

    class Format(models.TextChoices):
        IN_PERSON = "presencial", _("Presencial")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hibrido", _("Híbrido")

    class Status(models.TextChoices):
        DRAFT = "borrador", _("Borrador")
        PUBLISHED = "publicada", _("Publicada")
        HELD = "realizada", _("Realizada")
        CANCELLED = "cancelada", _("Cancelada")

    class Allocation(models.TextChoices):
        FIRST_COME = "orden_llegada", _("Por orden de llegada")
        NEWCOMERS_FIRST = (
            "primera_vez",
            _("Primero quienes nunca han asistido, luego por hora de solicitud"),
        )
        LOTTERY = "sorteo", _("Sorteo con semilla publicada")

    title = models.CharField(_("título"), max_length=200)
    description = models.TextField(_("descripción"), blank=True, max_length=4000)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("tema o campaña"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    dependency = models.ForeignKey(
        Dependency,
        verbose_name=_("dependencia invitada"),
        help_text=_("Déjela vacía para un encuentro con toda la entidad."),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cafe_sessions",
    )
    starts_at = models.DateTimeField(_("inicio"), validators=[date_in_range])
    ends_at = models.DateTimeField(_("fin"), validators=[date_in_range])
    format = models.CharField(
        _("modalidad"), max_length=12, choices=Format.choices, default=Format.IN_PERSON
    )
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    meeting_url = models.URLField(
        _("enlace de la reunión virtual"), blank=True, validators=[visible_text]
    )
    capacity = models.PositiveIntegerField(_("cupos"))
    registration_opens_at = models.DateTimeField(
        _("apertura de inscripciones"), validators=[date_in_range]
    )
    registration_closes_at = models.DateTimeField(
        _("cierre de inscripciones"), validators=[date_in_range]
    )
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    host_name = models.CharField(_("anfitrión"), max_length=150)
    sequence = models.PositiveIntegerField(_("versión del calendario"), default=0)
    cancel_reason = models.TextField(_("motivo de la cancelación"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creada por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)
    published_at = models.DateTimeField(
        _("publicada el"), validators=[date_in_range], null=True, blank=True
    )
    held_at = models.DateTimeField(
        _("marcada como realizada el"),
        validators=[date_in_range],
        null=True,
        blank=True,
    )
    cancelled_at = models.DateTimeField(
        _("cancelada el"), validators=[date_in_range], null=True, blank=True
    )
    # Fair seats: requests made before the window closes are collected, then seats
    # are given by the session's rule (services.allocation); after that, first come.
    allocation = models.CharField(
        _("reparto de cupos"),
        max_length=20,
        choices=Allocation.choices,
        default=Allocation.FIRST_COME,
    )
    allocation_window_closes_at = models.DateTimeField(
        _("cierre de la ventana de solicitudes"),
        validators=[date_in_range],
        null=True,
        blank=True,
    )
    allocation_seed = models.BigIntegerField(
        _("semilla del sorteo"), null=True, blank=True, editable=False
    )
    allocated_at = models.DateTimeField(
        _("cupos repartidos el"), null=True, blank=True, editable=False
    )
    allocation_announced_at = models.DateTimeField(
        _("resultado del reparto enviado el"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("sesión")
        verbose_name_plural = _("sesiones")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="session_capacity_min_1"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__lte=F("starts_at")),
                name="session_registration_closes_before_start",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__lt=F("registration_closes_at")),
                name="session_registration_window_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "starts_at"], name="session_status_start_idx"
            ),
            # The latest or next sessions of several statuses at once (the
            # proposal list's session filter).
            models.Index(fields=["starts_at"], name="session_start_idx"),
            models.Index(
                fields=["dependency", "starts_at"], name="session_dep_start_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        """Spanish messages for each scheduling rule (the database checks them too)."""
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("El fin debe ser posterior al inicio.")
        if self.has_place and not (self.place or "").strip():
            errors["place"] = _("Indique el lugar: la sesión es presencial o híbrida.")
        if self.has_link and not self.meeting_url:
            errors["meeting_url"] = _(
                "Indique el enlace de la reunión: la sesión es virtual o híbrida."
            )
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("Debe haber al menos un cupo.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if closes and self.starts_at and closes > self.starts_at:
            errors["registration_closes_at"] = _(
                "Las inscripciones deben cerrar antes del inicio de la sesión."
            )
        if opens and closes and opens >= closes:
            errors["registration_opens_at"] = _(
                "La apertura de inscripciones debe ser anterior a su cierre."
            )
        errors.update(self._allocation_errors())
        if errors:
            raise ValidationError(errors)

    def _allocation_errors(self) -> dict:
        window = self.allocation_window_closes_at
        if self.allocation == self.Allocation.FIRST_COME:
            return {}
        if window is None:
            return {
                "allocation_window_closes_at": _(
                    "Indique cuándo cierra la ventana de solicitudes: el reparto "
                    "de cupos se hace a esa hora."
                )
            }
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if (opens and window <= opens) or (closes and window > closes):
            return {
                "allocation_window_closes_at": _(
                    "La ventana de solicitudes debe cerrar después de la apertura "
                    "y no después del cierre de inscripciones."
                )
            }
        return {}

    @property
    def is_entity_wide(self) -> bool:
        return self.dependency_id is None

    @property
    def has_place(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def has_link(self) -> bool:
        return self.format in (self.Format.VIRTUAL, self.Format.HYBRID)

    @property
    def uses_request_window(self) -> bool:
        return (
            self.allocation != self.Allocation.FIRST_COME
            and self.allocation_window_closes_at is not None
        )

    def collects_requests(self, now=None) -> bool:
        """Registrations are requests (seats given later) until the window's close."""
        now = now or timezone.now()
        return (
            self.uses_request_window
            and self.allocated_at is None
            and now < self.allocation_window_closes_at
        )

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.registration_opens_at <= now < self.registration_closes_at
        )

    def is_in_audience(self, user) -> bool:
        return self.is_entity_wide or (
            user.dependency_id is not None and user.dependency_id == self.dependency_id
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        # Made while the session's request window is open; a seat or a waitlist
        # place is given when it closes.
        REQUESTED = "solicitada", _("Solicitud recibida")
        CONFIRMED = "confirmada", _("Confirmada")
        WAITLISTED = "en_espera", _("En lista de espera")
        CANCELLED = "cancelada", _("Cancelada")

    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="cafe_registrations",
    )
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices)
    needs = models.TextField(
        _("necesidades de accesibilidad o logística"), blank=True, max_length=1000
    )
    walk_in = models.BooleanField(_("llegó sin inscripción"), default=False)
    created_at = models.DateTimeField(
        _("inscrita el"), validators=[date_in_range], default=timezone.now
    )
    promoted_at = models.DateTimeField(
        _("pasó de la lista de espera el"),
        validators=[date_in_range],
        null=True,
        blank=True,
    )
    cancelled_at = models.DateTimeField(
        _("cancelada el"), validators=[date_in_range], null=True, blank=True
    )
    checked_in_at = models.DateTimeField(
        _("asistencia registrada el"), validators=[date_in_range], null=True, blank=True
    )
    # The waitlist's order is ``Coalesce(waitlist_rank, pk)``: the order of arrival,
    # except for places given by the fair-seat allocation, ranked -n..-1 so they stay
    # ahead of anyone who joined after it.
    waitlist_rank = models.IntegerField(
        _("orden en la lista de espera"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("inscripción")
        verbose_name_plural = _("inscripciones")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelada"),
                name="registration_one_live_per_person",
            ),
        ]
        indexes = [
            models.Index(
                fields=["session", "status", "created_at"],
                name="registration_queue_idx",
            ),
            models.Index(fields=["user", "status"], name="registration_user_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.session_id} · {self.status}"

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


class Minutes(ClassifiedRecord):
    """Conclusions of a held session: Comunicaciones writes them, Despacho approves.

    Their classification decides whether they reach the public transparency
    record, and with which text (``public_summary`` / ``public_agreements``: the
    original with what the law withholds removed; the original stays here)."""

    class Status(models.TextChoices):
        DRAFT = "borrador", _("Borrador")
        IN_REVIEW = "en_revision", _("En revisión")
        PUBLISHED = "publicada", _("Publicada")

    session = models.OneToOneField(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    summary = models.TextField(_("resumen"), max_length=20000)
    agreements = models.TextField(_("acuerdos"), blank=True, max_length=20000)
    video_url = models.URLField(
        _("enlace al video"), blank=True, validators=[visible_text]
    )
    post_url = models.URLField(
        _("enlace a la publicación"), blank=True, validators=[visible_text]
    )
    status = models.CharField(
        _("estado"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    review_comment = models.TextField(_("comentario de la revisión"), blank=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)
    published_at = models.DateTimeField(
        _("publicada el"), validators=[date_in_range], null=True, blank=True
    )
    public_summary = models.TextField(
        _("resumen para el registro público"), blank=True, max_length=20000
    )
    public_agreements = models.TextField(
        _("acuerdos para el registro público"), blank=True, max_length=20000
    )

    class Meta:
        verbose_name = _("conclusiones")
        verbose_name_plural = _("conclusiones")
        permissions = [
            (
                "review_minutes",
                _("Aprueba o devuelve las conclusiones de las sesiones"),
            ),
        ]

    def __str__(self):
        return f"Conclusiones · {self.session}"


class AgendaBlock(models.Model):
    """A time the leader is not available (Comunicaciones keeps the list): the
    monthly planner proposes no session that overlaps one."""

    starts_at = models.DateTimeField(_("desde"))
    ends_at = models.DateTimeField(_("hasta"))
    reason = models.CharField(_("motivo"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrado por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrado el"), auto_now_add=True)

    class Meta:
        verbose_name = _("bloqueo de la agenda")
        verbose_name_plural = _("bloqueos de la agenda")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="agenda_block_ordered"
            )
        ]
        indexes = [models.Index(fields=["ends_at"], name="agenda_block_end_idx")]

    def __str__(self):
        return self.reason


class MinutesVersion(models.Model):
    """Every saved state of the conclusions, kept for the record."""

    minutes = models.ForeignKey(
        Minutes,
        verbose_name=_("conclusiones"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("versión"))
    summary = models.TextField(_("resumen"))
    agreements = models.TextField(_("acuerdos"), blank=True)
    video_url = models.URLField(
        _("enlace al video"), blank=True, validators=[visible_text]
    )
    post_url = models.URLField(
        _("enlace a la publicación"), blank=True, validators=[visible_text]
    )
    status = models.CharField(
        _("estado"), max_length=12, choices=Minutes.Status.choices
    )
    event = models.CharField(_("acción"), max_length=40)
    comment = models.TextField(_("comentario"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guardada por"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(
        _("guardada el"), validators=[date_in_range], default=timezone.now
    )

    class Meta:
        verbose_name = _("versión de las conclusiones")
        verbose_name_plural = _("versiones de las conclusiones")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"], name="minutes_version_unique"
            )
        ]

    def __str__(self):
        return f"v{self.number} · {self.minutes_id}"


SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Feedback(models.Model):
    """The pulse survey of one attendee. Reported only in aggregate."""

    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="cafe_feedback",
    )
    felt_heard = models.PositiveSmallIntegerField(
        _("sentí que me escucharon"), validators=SCALE
    )
    useful = models.PositiveSmallIntegerField(
        _("el espacio fue útil"), validators=SCALE
    )
    trust = models.PositiveSmallIntegerField(
        _("confío más en la dirección"), validators=SCALE
    )
    comment = models.TextField(_("comentario"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("respondida el"), auto_now_add=True)

    class Meta:
        verbose_name = _("respuesta de la encuesta")
        verbose_name_plural = _("respuestas de la encuesta")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="feedback_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(
                    felt_heard__range=(1, 5), useful__range=(1, 5), trust__range=(1, 5)
                ),
                name="feedback_scales_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.session_id} · {self.user_id}"


# Campaigns, their ratings and testimonials live in their own module.
from .voice_models import Campaign, CampaignRating, Testimonial  # noqa: E402, F401
