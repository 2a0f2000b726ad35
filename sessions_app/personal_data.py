"""What the sessions app holds on a person, for "Mis datos"."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.org.selectors import DataSection

from .models import Feedback, Registration
from .voice_selectors import own_testimonials


def _when(value):
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def registrations_section(user) -> DataSection:
    rows = [
        [
            r.session.title,
            _when(r.session.starts_at),
            r.get_status_display(),
            _when(r.created_at),
            _("Sí") if r.checked_in_at else _("No"),
            r.needs,
        ]
        for r in Registration.objects.filter(user=user)
        .select_related("session")
        .order_by("created_at")
    ]
    return DataSection(
        "inscripciones",
        _("Inscripciones a sesiones"),
        [
            _("Sesión"),
            _("Fecha"),
            _("Estado"),
            _("Fecha de inscripción"),
            _("Asistió"),
            _("Necesidades"),
        ],
        rows,
    )


def survey_section(user) -> DataSection:
    rows = [
        [f.session.title, str(f.felt_heard), str(f.useful), str(f.trust), f.comment]
        for f in Feedback.objects.filter(user=user).select_related("session")
    ]
    return DataSection(
        "encuestas",
        _("Respuestas a la encuesta de percepción"),
        [_("Sesión"), _("Escucha"), _("Utilidad"), _("Confianza"), _("Comentario")],
        rows,
    )


def testimonials_section(user) -> DataSection:
    """The person's quotes, with a button to withdraw a consent still standing."""
    rows, actions = [], []
    for t in own_testimonials(user):
        rows.append(
            [
                t.session.title,
                t.quote,
                t.channels_display(),
                t.get_consent_method_display(),
                _when(t.consented_at),
                _when(t.withdrawn_at) if t.withdrawn_at else _("Vigente"),
            ]
        )
        actions.append(
            None
            if t.withdrawn_at
            else (
                reverse("sessions:my_testimonial_withdraw", args=[t.pk]),
                _("Retirar mi autorización"),
            )
        )
    return DataSection(
        "testimonios",
        _("Testimonios con autorización de publicación"),
        [
            _("Sesión"),
            _("Cita"),
            _("Canales autorizados"),
            _("Cómo se autorizó"),
            _("Fecha de la autorización"),
            _("Autorización retirada"),
        ],
        rows,
        actions=actions,
        note=_(
            "Si retira su autorización, la cita no aparecerá en ninguna edición ni "
            "exportación futura. Las ediciones del boletín ya enviadas no se "
            "modifican."
        ),
    )
