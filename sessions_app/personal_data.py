"""What the sessions app holds on a person, for "Mis datos"."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.org.selectors import DataSection

from .models import Feedback, Registration


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
