"""What each kind of outbox message is called on the outbox page and in the admin.

A delivery's ``kind`` is a short code chosen by the app that queues the message
(``invitation``, ``proposal_changed``...). People read the label instead; a code
without a label (a kind added later) is shown as it is.
"""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "bulletin": _("Boletín"),
    "commitment_escalation": _("Compromiso vencido escalado a la jefatura"),
    "extension_decided": _("Decisión sobre una prórroga"),
    "habeas_answered": _("Habeas data: respuesta"),
    "habeas_escalated": _("Habeas data: solicitud vencida escalada"),
    "habeas_extended": _("Habeas data: prórroga del término"),
    "habeas_filed": _("Habeas data: solicitud radicada"),
    "habeas_missing": _("Habeas data: información faltante"),
    "invitation": _("Invitación mensual"),
    "minutes_published": _("Conclusiones publicadas"),
    "monthly_report": _("Informe mensual"),
    "ops_alert": _("Alerta de operación"),
    "overdue_digest": _("Resumen de compromisos vencidos"),
    "password_reset": _("Restablecer la contraseña"),
    "proposal_changed": _("Novedad en una propuesta"),
    "registration_confirmed": _("Inscripción confirmada"),
    "registration_promoted": _("Cupo liberado: inscripción confirmada"),
    "registration_requested": _("Solicitud de cupo recibida"),
    "registration_waitlisted": _("Lista de espera"),
    "reminder": _("Recordatorio de la sesión"),
    "seat_allocated": _("Resultado del reparto de cupos"),
    "session_cancelled": _("Sesión cancelada"),
    "session_changed": _("Cambio en la sesión"),
    "survey": _("Encuesta después de la sesión"),
    "test": _("Correo de prueba"),
}


def kind_label(kind: str) -> str:
    """The Spanish name of a message kind (the code itself if it has none)."""
    return str(KIND_LABELS.get(kind, kind))


def kind_choices(kinds) -> list[tuple[str, str]]:
    """(code, label) pairs for a filter, sorted by label."""
    return sorted(((k, kind_label(k)) for k in kinds), key=lambda pair: pair[1])
