"""Proposals, questions and concerns, their follow-up timeline and supports."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cafe.common.classification import ClassifiedRecord
from cafe.org.models import Dependency
from cafe.validators import date_in_range
from sessions_app.models import Session, Topic

from . import bulletin_digest
from .theme_models import Theme, ThemeMember  # noqa: F401 (registered with the app)


class Proposal(ClassifiedRecord):
    """A proposal, concern or question. Once accepted it is a commitment, whose
    classification decides whether it reaches the public transparency record, and
    with which text (``public_commitment`` / ``public_outcome``)."""

    class Kind(models.TextChoices):
        PROPOSAL = "propuesta", _("Propuesta")
        CONCERN = "inquietud", _("Inquietud")
        QUESTION = "pregunta", _("Pregunta")
        # An agreement of a session's conclusions, followed as a commitment
        # (services.commitments.record_agreement); never sent by staff.
        AGREEMENT = "acuerdo", _("Acuerdo de la sesión")

    class Status(models.TextChoices):
        RECEIVED = "recibida", _("Recibida")
        IN_ANALYSIS = "en_analisis", _("En análisis")
        ACCEPTED = "aceptada", _("Aceptada")
        IN_PROGRESS = "en_implementacion", _("En implementación")
        IMPLEMENTED = "implementada", _("Implementada")
        NOT_VIABLE = "no_viable", _("No viable")
        # A question Despacho has answered: its answer is the whole follow-up.
        ANSWERED = "respondida", _("Respondida")

    class Origin(models.TextChoices):
        ONLINE = "en_linea", _("Enviada en la plataforma")
        ROOM = "en_sesion", _("Planteada en la sesión")
        AGREEMENT = "acuerdo", _("Acuerdo de la sesión")

    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("título"), max_length=150)
    text = models.TextField(_("texto"), max_length=4000)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("tema"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    # Empty when anonymous (nothing links the author to the proposal) or when
    # Comunicaciones captured it in the room without a name.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    is_anonymous = models.BooleanField(_("anónima"), default=False)
    origin = models.CharField(
        _("origen"), max_length=10, choices=Origin.choices, default=Origin.ONLINE
    )
    # Anonymous proposals keep the day only (midnight in Bogotá).
    created_at = models.DateTimeField(_("recibida el"), validators=[date_in_range])
    tracking_code_hash = models.CharField(
        _("huella del código de seguimiento"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
    )
    responsible_dependency = models.ForeignKey(
        Dependency,
        verbose_name=_("dependencia responsable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    status = models.CharField(
        _("estado"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    answer = models.TextField(_("respuesta"), blank=True, max_length=4000)
    commitment = models.TextField(_("compromiso"), blank=True, max_length=2000)
    due_date = models.DateField(
        _("fecha de cumplimiento"), validators=[date_in_range], null=True, blank=True
    )
    # The due date set when the commitment was made. ``due_date`` moves only by an
    # approved extension (services.commitments), this one never does.
    original_due_date = models.DateField(
        _("fecha de cumplimiento original"),
        validators=[date_in_range],
        null=True,
        blank=True,
    )
    outcome = models.TextField(_("resultado"), blank=True, max_length=4000)
    impact = models.TextField(
        _("impacto: qué cambió y para quién"), blank=True, max_length=4000
    )
    closing_reason = models.TextField(
        _("motivo de no viabilidad"), blank=True, max_length=4000
    )
    public_commitment = models.TextField(
        _("compromiso para el registro público"), blank=True, max_length=2000
    )
    public_outcome = models.TextField(
        _("resultado para el registro público"), blank=True, max_length=4000
    )
    first_answered_at = models.DateTimeField(
        _("primera respuesta"), validators=[date_in_range], null=True, blank=True
    )
    accepted_at = models.DateTimeField(
        _("aceptada el"), validators=[date_in_range], null=True, blank=True
    )
    implemented_at = models.DateTimeField(
        _("implementada el"), validators=[date_in_range], null=True, blank=True
    )
    closed_at = models.DateTimeField(
        _("cerrada el"), validators=[date_in_range], null=True, blank=True
    )
    is_hidden = models.BooleanField(_("oculta"), default=False)
    hidden_reason = models.TextField(_("motivo de la moderación"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicada de"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # Denormalised: how many Support rows the proposal has. Kept exact in the same
    # transaction by every write that adds, removes or moves supports (see
    # services.capture.support_proposal, withdraw_support, recount_supports), so the
    # list shows and sorts by it without a GROUP BY over every proposal.
    support_count = models.PositiveIntegerField(_("apoyos"), default=0, editable=False)
    # The Spanish full-text document of title and text, written by a PostgreSQL
    # trigger on every INSERT and UPDATE (migration 0004) and GIN-indexed there.
    # Stays empty on other databases, which use the simple search fallback.
    search_document = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("propuesta")
        verbose_name_plural = _("propuestas")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("moderate_proposals", _("Captura propuestas de la sala y las modera")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(author__isnull=True),
                name="proposal_anonymous_has_no_author",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("pk"))
                | Q(duplicate_of__isnull=True),
                name="proposal_not_duplicate_of_itself",
            ),
        ]
        # The GIN index on search_document and its trigger exist on PostgreSQL only
        # (migration 0004).
        indexes = [
            # The list's orders: "recientes" (the default) and "apoyos".
            models.Index(fields=["-created_at", "-id"], name="proposal_recent_idx"),
            models.Index(
                fields=["-support_count", "-created_at", "-id"],
                name="proposal_supported_idx",
            ),
            models.Index(fields=["status", "due_date"], name="proposal_status_due_idx"),
            models.Index(
                fields=["is_hidden", "created_at"], name="proposal_visible_idx"
            ),
            models.Index(
                fields=["responsible_dependency", "status"],
                name="proposal_dep_status_idx",
            ),
        ]

    def __str__(self):
        return self.title

    # What staff send or Comunicaciones captures; agreements come from the minutes.
    SUBMITTED_KINDS = (Kind.PROPOSAL, Kind.CONCERN, Kind.QUESTION)

    OPEN_STATUSES = (
        Status.RECEIVED,
        Status.IN_ANALYSIS,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
    )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """An accepted commitment whose due date has passed."""
        return (
            self.status in (self.Status.ACCEPTED, self.Status.IN_PROGRESS)
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class AnonymousSubmission(models.Model):
    """An anonymous proposal waiting for the next batch (services.anonymous).

    It holds only what the proposal will show: no author, no time of any kind, and a
    random primary key (no sequence to compare with the rows written around it). The
    periodic job turns the waiting ones into proposals, in random order and dated
    the batch's day, and deletes them here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("tipo"), max_length=12, choices=Proposal.Kind.choices)
    title = models.CharField(_("título"), max_length=150)
    text = models.TextField(_("texto"), max_length=4000)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("tema"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tracking_code_hash = models.CharField(
        _("huella del código de seguimiento"), max_length=64, unique=True
    )

    class Meta:
        verbose_name = _("propuesta anónima en cola de publicación")
        verbose_name_plural = _("propuestas anónimas en cola de publicación")

    def __str__(self):
        return self.title


class StatusChange(models.Model):
    """One entry of the follow-up timeline: a status change, answer or progress note."""

    class Event(models.TextChoices):
        CREATED = "creada", _("Recibida")
        STATUS = "estado", _("Cambio de estado")
        ASSIGNED = "asignada", _("Asignada a una dependencia")
        ANSWERED = "respuesta", _("Respuesta")
        PROGRESS = "avance", _("Nota de avance")
        MODERATED = "moderacion", _("Moderación")
        EXTENSION_REQUESTED = "prorroga", _("Solicitud de prórroga")
        EXTENSION_APPROVED = "prorroga_si", _("Prórroga aprobada")
        EXTENSION_REFUSED = "prorroga_no", _("Prórroga rechazada")
        ESCALATED = "escalada", _("Escalada a la jefatura")

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("propuesta"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    event = models.CharField(_("evento"), max_length=12, choices=Event.choices)
    from_status = models.CharField(
        _("estado anterior"), max_length=20, choices=Proposal.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("estado nuevo"), max_length=20, choices=Proposal.Status.choices
    )
    note = models.TextField(_("nota"), max_length=4000)
    # Empty for the creation entry of an anonymous proposal.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quién"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("cuándo"), validators=[date_in_range])
    is_public = models.BooleanField(_("visible para el personal"), default=True)

    class Meta:
        verbose_name = _("seguimiento")
        verbose_name_plural = _("seguimiento")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["proposal", "created_at"], name="change_timeline_idx")
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class Support(models.Model):
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("propuesta"),
        on_delete=models.CASCADE,
        related_name="supports",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="proposal_supports",
    )
    created_at = models.DateTimeField(_("apoyada el"), auto_now_add=True)

    class Meta:
        verbose_name = _("apoyo")
        verbose_name_plural = _("apoyos")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"], name="support_once_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user_id} → {self.proposal_id}"


class Bulletin(models.Model):
    """An edition of the internal bulletin (Soy 10) digest of one month."""

    class Status(models.TextChoices):
        DRAFT = "borrador", _("Borrador")
        APPROVED = "aprobado", _("Aprobado")

    period_start = models.DateField(_("desde"), validators=[date_in_range], unique=True)
    period_end = models.DateField(_("hasta"), validators=[date_in_range])
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    editorial_note = models.TextField(_("nota editorial"), blank=True, max_length=4000)
    # What the edition says, frozen when composed (plain values, not live objects).
    data = models.JSONField(_("contenido"), default=dict)
    # What the e-mail tells of it (``bulletin_digest.digest``), written with ``data``:
    # the preview reads this, not a month of a large entity (megabytes).
    digest = models.JSONField(_("resumen del correo"), default=dict, editable=False)
    data_version = models.PositiveIntegerField(
        _("versión del contenido"),
        default=1,
        editable=False,
        help_text=_("Aumenta cada vez que el contenido se vuelve a componer."),
    )
    content = models.OneToOneField(
        "notify.MessageContent",
        verbose_name=_("correo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bulletin",
    )
    recipients = models.PositiveIntegerField(_("destinatarios"), default=0)
    created_at = models.DateTimeField(_("compuesto el"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aprobado por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(
        _("aprobado el"), validators=[date_in_range], null=True, blank=True
    )
    # Four eyes: whoever drafted or last edited the edition may not approve it.
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redactado por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editado por última vez por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("edición del boletín")
        verbose_name_plural = _("ediciones del boletín")
        ordering = ["-period_start"]

    def __str__(self):
        return f"{self.period_start:%Y-%m}"

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is None or "data" in update_fields:
            self.digest = bulletin_digest.digest(self.data)
            if update_fields is not None:
                update_fields = [*update_fields, "digest"]
        super().save(*args, update_fields=update_fields, **kwargs)


class LiveQuestion(models.Model):
    """A question sent from a phone during a session, on its way to the room's
    screen (services.live). The proposal carries the text, the author (or none),
    the supports and the follow-up; this row carries only where it stands in the
    room. Hidden and merged questions are the proposal's ``is_hidden``."""

    class State(models.TextChoices):
        PENDING = "por_moderar", _("Por moderar")
        APPROVED = "aprobada", _("En pantalla")
        ANSWERED = "respondida", _("Respondida en la sala")

    # The proposal's own key: no second sequence to place a question by.
    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("propuesta"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="live",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("sesión"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("estado en la sala"),
        max_length=12,
        choices=State.choices,
        default=State.PENDING,
    )
    # Moments of the moderators' actions (never of the sender's).
    approved_at = models.DateTimeField(_("aprobada el"), null=True, blank=True)
    answered_at = models.DateTimeField(
        _("respondida en la sala el"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("pregunta en vivo")
        verbose_name_plural = _("preguntas en vivo")
        indexes = [
            models.Index(fields=["session", "state"], name="live_session_state_idx")
        ]

    def __str__(self):
        return f"{self.session_id} · {self.proposal_id} · {self.state}"


class DueDateExtension(models.Model):
    """A liaison's request to move a commitment's due date, and Despacho's decision.

    Requests and decisions are also entries of the proposal's timeline; the row keeps
    the dates involved. At most one request per commitment waits for a decision."""

    class Status(models.TextChoices):
        PENDING = "pendiente", _("Pendiente")
        APPROVED = "aprobada", _("Aprobada")
        REFUSED = "rechazada", _("Rechazada")

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("compromiso"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    previous_due_date = models.DateField(
        _("fecha vigente al solicitar"), validators=[date_in_range]
    )
    requested_due_date = models.DateField(
        _("fecha solicitada"), validators=[date_in_range]
    )
    reason = models.TextField(_("motivo"), max_length=4000)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitada por"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("solicitada el"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decidida por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decidida el"), null=True, blank=True)
    decision_note = models.TextField(_("nota de la decisión"), blank=True)

    class Meta:
        verbose_name = _("solicitud de prórroga")
        verbose_name_plural = _("solicitudes de prórroga")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(status="pendiente"),
                name="extension_one_pending_per_commitment",
            ),
            models.CheckConstraint(
                condition=Q(requested_due_date__gt=models.F("previous_due_date")),
                name="extension_moves_the_date_later",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="extension_queue_idx")
        ]

    def __str__(self):
        old, new = self.previous_due_date, self.requested_due_date
        return f"{self.proposal_id}: {old} → {new}"


class MonthlyReport(models.Model):
    """The monthly report of one month for the whole entity, as sent to Despacho.

    Generated once (the first working day of the next month) and kept as sent; the
    dashboard renders any other period on request."""

    period_start = models.DateField(_("mes"), validators=[date_in_range], unique=True)
    period_end = models.DateField(_("hasta"), validators=[date_in_range])
    pdf = models.BinaryField(_("PDF"))
    figures = models.JSONField(_("cifras"), default=dict)
    generated_at = models.DateTimeField(_("generado el"), auto_now_add=True)

    class Meta:
        verbose_name = _("informe mensual")
        verbose_name_plural = _("informes mensuales")
        ordering = ["-period_start"]

    def __str__(self):
        return f"{self.period_start:%Y-%m}"


# Photos and video links of a bulletin edition live in their own module.
from .bulletin_models import BulletinPhoto, BulletinVideo  # noqa: E402, F401
