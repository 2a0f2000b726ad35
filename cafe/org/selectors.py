"""Reads for people: the personal data the system holds on someone.

Apps above ``org`` (sessions, proposals) register a provider with
``register_personal_data`` in their ``AppConfig.ready``, so "Mis datos" lists everything
without ``org`` importing them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EmploymentType, PrivacyConsent
from .roles import ROLE_LABELS


@dataclass
class DataSection:
    """One block of personal data: a title, column headers and rows of plain values."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # Optional, one per row: ``(url, label)`` of a POST button the person may use on
    # that row (e.g. withdraw a consent), or None. Not part of the exported data.
    actions: list[tuple[str, str] | None] = field(default_factory=list)
    note: str = ""

    @property
    def lines(self) -> list[tuple[list[str], tuple[str, str] | None]]:
        """Each row with its action (None when it has none), for the page."""
        actions = self.actions or [None] * len(self.rows)
        return list(zip(self.rows, actions, strict=True))


_providers: list[Callable] = []


def register_personal_data(provider: Callable) -> None:
    """Register ``provider(user) -> DataSection`` for "Mis datos"."""
    if provider not in _providers:
        _providers.append(provider)


def _fmt(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return str(value)


def _profile_section(user) -> DataSection:
    dependency = user.dependency.name if user.dependency_id else ""
    liaison = user.liaison_of.name if user.liaison_of_id else ""
    roles = ", ".join(str(ROLE_LABELS.get(g.name, g.name)) for g in user.groups.all())
    rows = [
        [_("Correo institucional"), user.email],
        [_("Nombre completo"), user.full_name],
        [_("Dependencia"), dependency],
        [_("Cargo"), user.position],
        [_("Tipo de vinculación"), str(EmploymentType(user.employment_type).label)],
        [_("Roles"), roles],
        [_("Enlace de la dependencia"), liaison],
        [_("Cuenta activa"), _("Sí") if user.is_active else _("No")],
        [_("Fecha de alta"), _fmt(user.date_joined)],
        [_("Último ingreso"), _fmt(user.last_login)],
    ]
    from .habeas_selectors import habeas_legend

    legend = habeas_legend(user)
    if legend:
        rows.insert(0, [_("Leyenda"), legend])
    return DataSection("perfil", _("Perfil"), [_("Dato"), _("Valor")], rows)


def _consent_section(user) -> DataSection:
    rows = [
        [c.version, _fmt(c.accepted_at), c.ip_address or "", c.text_sha256]
        for c in PrivacyConsent.objects.filter(user=user).order_by("accepted_at")
    ]
    return DataSection(
        "autorizaciones",
        _("Aceptaciones del aviso de privacidad"),
        [_("Versión"), _("Fecha"), _("Dirección IP"), _("Huella del texto (SHA-256)")],
        rows,
    )


def _requests_section(user) -> DataSection:
    from .models import DataRequest

    rows = [
        [
            r.number,
            r.get_kind_display(),
            r.get_claim_display() if r.claim else "",
            _fmt(r.filed_at),
            r.get_state_display(),
            r.due_on.strftime("%d/%m/%Y"),
        ]
        for r in DataRequest.objects.filter(person=user).order_by("filed_at", "pk")
    ]
    return DataSection(
        "habeas",
        _("Consultas y reclamos sobre sus datos"),
        [
            _("Radicado"),
            _("Tipo"),
            _("Reclamo"),
            _("Radicada"),
            _("Estado"),
            _("Vence"),
        ],
        rows,
    )


def personal_data_for(user) -> list[DataSection]:
    """Every section of personal data held on ``user``, and only on ``user``."""
    sections = [_profile_section(user), _consent_section(user), _requests_section(user)]
    sections.extend(provider(user) for provider in _providers)
    return sections
