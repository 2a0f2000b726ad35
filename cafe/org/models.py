"""People, dependencies and proof of consent to the privacy notice."""

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cafe.validators import date_in_range

from .managers import UserManager


class Dependency(models.Model):
    """A unit of the entity (subsecretaría, dirección, oficina)."""

    name = models.CharField(_("nombre"), max_length=200, unique=True)
    acronym = models.CharField(_("sigla"), max_length=20, blank=True)
    code = models.CharField(_("código"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("dependencia superior"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("activa"), default=True)
    head = models.ForeignKey(
        "User",
        verbose_name=_("jefe de la dependencia"),
        help_text=_("Recibe los escalamientos de compromisos vencidos."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="heads",
    )

    class Meta:
        verbose_name = _("dependencia")
        verbose_name_plural = _("dependencias")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DependencyAlias(models.Model):
    """Another name a dependency is known by: a former name in the staff roster, or
    the ``department`` value the identity provider sends."""

    name = models.CharField(_("nombre alterno"), max_length=200, unique=True)
    dependency = models.ForeignKey(
        Dependency,
        verbose_name=_("dependencia"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )

    class Meta:
        verbose_name = _("nombre alterno de dependencia")
        verbose_name_plural = _("nombres alternos de dependencias")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="org_alias_name_ci_unique"),
        ]

    def __str__(self):
        return f"{self.name} → {self.dependency}"


class EmploymentType(models.TextChoices):
    PLANTA = "planta", _("Planta")
    LIBRE_NOMBRAMIENTO = "libre_nombramiento", _("Libre nombramiento y remoción")
    PROVISIONAL = "provisional", _("Provisional")
    CONTRATISTA = "contratista", _("Contratista")


class User(AbstractBaseUser, PermissionsMixin):
    """A staff member or contractor. Logs in with the institutional e-mail."""

    email = models.EmailField(_("correo institucional"), unique=True)
    full_name = models.CharField(_("nombre completo"), max_length=200)
    dependency = models.ForeignKey(
        Dependency,
        verbose_name=_("dependencia"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    position = models.CharField(_("cargo"), max_length=200, blank=True)
    contract_ends_on = models.DateField(
        _("fin del contrato"),
        validators=[date_in_range],
        null=True,
        blank=True,
        help_text=_(
            "Para contratistas, según el directorio de Talento Humano: desde el día "
            "siguiente la persona deja de poder ingresar."
        ),
    )
    employment_type = models.CharField(
        _("tipo de vinculación"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.PLANTA,
    )
    liaison_of = models.ForeignKey(
        Dependency,
        verbose_name=_("enlace de la dependencia"),
        help_text=_(
            "Solo para el rol Enlace de dependencia: la dependencia cuyo seguimiento "
            "de propuestas actualiza."
        ),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaisons",
    )
    is_active = models.BooleanField(
        _("activo"),
        default=True,
        help_text=_("Desmarque en lugar de borrar: la persona deja de poder ingresar."),
    )
    is_staff = models.BooleanField(
        _("acceso a la administración"),
        default=False,
        help_text=_("Puede ingresar al sitio de administración de Django."),
    )
    date_joined = models.DateTimeField(_("fecha de alta"), default=timezone.now)
    wants_invitations = models.BooleanField(
        _("recibir invitaciones mensuales"),
        default=True,
        help_text=_("Correo con las sesiones del mes a las que recibe invitación."),
    )
    wants_reminders = models.BooleanField(
        _("recibir recordatorios"),
        default=True,
        help_text=_("Correo 24 horas antes de una sesión en la que tiene cupo."),
    )
    privacy_notice_version = models.CharField(
        _("versión del aviso de privacidad aceptada"), max_length=40, blank=True
    )
    privacy_accepted_at = models.DateTimeField(
        _("fecha de aceptación del aviso"), null=True, blank=True
    )

    data_use_revoked_at = models.DateTimeField(
        _("autorización revocada el"),
        null=True,
        blank=True,
        help_text=_(
            "Tras una revocatoria: no recibe invitaciones ni boletín hasta que vuelva "
            "a aceptar el aviso de privacidad."
        ),
    )
    erased_at = models.DateTimeField(
        _("datos suprimidos el"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="org_user_email_ci_unique"),
        ]
        indexes = [
            # The active staff of each dependency (the rotation counts them for every
            # dependency), counted from the index alone.
            models.Index(
                fields=["dependency"],
                condition=models.Q(is_active=True),
                name="user_active_dependency_idx",
            ),
        ]
        permissions = [
            (
                "manage_sessions",
                _("Programa sesiones, asistencia, conclusiones y boletín"),
            ),
            ("follow_up_proposals", _("Actualiza el seguimiento de su dependencia")),
            (
                "answer_proposals",
                _("Asigna, responde y cambia el estado de propuestas"),
            ),
            ("view_dashboard", _("Consulta el tablero de propuestas")),
            ("view_outbox", _("Consulta la bandeja de correo saliente")),
            (
                "handle_data_requests",
                _("Atiende consultas y reclamos de habeas data y ve los accesos"),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class PrivacyConsent(models.Model):
    """Proof of authorisation (Ley 1581 de 2012, Decreto 1377 de 2013 art. 8).

    One row per acceptance; rows are never edited or deleted by the application.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="privacy_consents",
    )
    version = models.CharField(_("versión del aviso"), max_length=40)
    text_sha256 = models.CharField(
        _("huella del texto aceptado (SHA-256)"), max_length=64
    )
    accepted_at = models.DateTimeField(_("aceptado el"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    user_agent = models.CharField(_("navegador"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("aceptación del aviso de privacidad")
        verbose_name_plural = _("aceptaciones del aviso de privacidad")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="org_consent_one_per_version"
            )
        ]

    def __str__(self):
        return f"{self.user_id} · {self.version}"


class RoleChange(models.Model):
    """A grant or removal of a role, kept for the record (who, whom, what, when)."""

    class Action(models.TextChoices):
        GRANT = "grant", _("Otorgado")
        REMOVE = "remove", _("Retirado")

    at = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("quién"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="role_changes_made",
    )
    person = models.ForeignKey(
        User,
        verbose_name=_("a quién"),
        on_delete=models.CASCADE,
        related_name="role_changes",
    )
    role = models.CharField(_("rol"), max_length=80)
    dependency = models.ForeignKey(
        Dependency,
        verbose_name=_("dependencia"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("acción"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cambio de rol")
        verbose_name_plural = _("cambios de rol")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.role} · {self.person_id}"


class DirectoryImport(models.Model):
    """One staff roster from Talento Humano: checked (dry run), then applied."""

    class State(models.TextChoices):
        CHECKED = "checked", _("Revisado")
        APPLIED = "applied", _("Aplicado")

    created_at = models.DateTimeField(_("cargado el"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("cargado por"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file_name = models.CharField(_("archivo"), max_length=200)
    file_sha256 = models.CharField(_("huella del archivo (SHA-256)"), max_length=64)
    full_roster = models.BooleanField(
        _("nómina completa"),
        default=True,
        help_text=_("Quien no figure en el archivo se desactiva."),
    )
    rows = models.JSONField(_("filas leídas"), default=list)
    state = models.CharField(
        _("estado"), max_length=10, choices=State.choices, default=State.CHECKED
    )
    applied_at = models.DateTimeField(_("aplicado el"), null=True, blank=True)
    applied_by = models.ForeignKey(
        User,
        verbose_name=_("aplicado por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.JSONField(_("resumen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("carga del directorio de personal")
        verbose_name_plural = _("cargas del directorio de personal")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} · {self.created_at:%Y-%m-%d %H:%M}"


from .habeas_models import (  # noqa: E402, F401  (models of this app, split for size)
    DataRequest,
    DataRequestEvent,
    PersonalDataAccess,
    RetentionRun,
)
