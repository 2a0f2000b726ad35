"""The sessions app's panels on the home page: what is waiting, per role.

Each panel reads its total and its first rows: two queries, whatever the data.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cafe.access import authenticated
from cafe.org.home import HomeEntry, HomePanel, HomePanelSource, panel_from

from .models import Feedback, Minutes, Registration, Session
from .permissions import can_manage_sessions, can_review_minutes
from .selectors import month_bounds
from .services.attendance import CHECK_IN_OPENS_BEFORE

# A survey is offered on the home page this long after the session.
SURVEY_DAYS = 30


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i")


def _session_entry(url_name: str):
    def entry(session: Session) -> HomeEntry:
        return HomeEntry(
            text=session.title,
            url=reverse(url_name, args=[session.pk]),
            note=_when(session.starts_at),
        )

    return entry


def months_sessions(user) -> HomePanel:
    start, end = month_bounds(f"{timezone.localdate():%Y-%m}")
    sessions = (
        Session.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )

    def entry(session):
        return HomeEntry(
            text=session.title,
            url=reverse("sessions:detail", args=[session.pk]),
            note=f"{_when(session.starts_at)} · {session.get_status_display()}",
        )

    return panel_from(
        sessions,
        entry,
        title=_("Sesiones de este mes"),
        more_url=reverse("sessions:manage") + f"?mes={start:%Y-%m}",
        more_label=_("Ver las sesiones del mes"),
        empty=_("No hay sesiones este mes. Planee el ciclo mensual."),
    )


def attendance_to_take(user) -> HomePanel:
    """Published sessions whose check-in is open (or past) and not marked held."""
    sessions = Session.objects.filter(
        status=Session.Status.PUBLISHED,
        starts_at__lte=timezone.now() + CHECK_IN_OPENS_BEFORE,
    ).order_by("starts_at", "pk")
    return panel_from(
        sessions,
        _session_entry("sessions:attendance"),
        title=_("Asistencia por tomar"),
        empty=_("No hay asistencia pendiente."),
    )


def minutes_to_write(user) -> HomePanel:
    """Held sessions without conclusions, or with a draft (also a returned one)."""
    sessions = (
        Session.objects.filter(status=Session.Status.HELD)
        .filter(Q(minutes__isnull=True) | Q(minutes__status=Minutes.Status.DRAFT))
        .order_by("starts_at", "pk")
    )
    return panel_from(
        sessions,
        _session_entry("sessions:minutes_edit"),
        title=_("Conclusiones por escribir"),
        empty=_("Todas las sesiones realizadas tienen sus conclusiones."),
    )


def minutes_to_approve(user) -> HomePanel:
    pending = (
        Minutes.objects.filter(status=Minutes.Status.IN_REVIEW)
        .select_related("session")
        .order_by("updated_at", "pk")
    )
    return panel_from(
        pending,
        lambda minutes: HomeEntry(
            text=minutes.session.title,
            url=reverse("sessions:review", args=[minutes.session_id]),
            note=_("Enviadas el %(date)s") % {"date": _when(minutes.updated_at)},
        ),
        title=_("Conclusiones por aprobar"),
        more_url=reverse("sessions:review_list"),
        more_label=_("Ver todas"),
        empty=_("No hay conclusiones esperando su aprobación."),
    )


def my_next_session(user) -> HomePanel:
    upcoming = (
        Registration.objects.filter(
            user=user,
            session__ends_at__gte=timezone.now(),
            status__in=[
                Registration.Status.REQUESTED,
                Registration.Status.CONFIRMED,
                Registration.Status.WAITLISTED,
            ],
        )
        .exclude(session__status=Session.Status.CANCELLED)
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )
    return panel_from(
        upcoming,
        lambda registration: HomeEntry(
            text=registration.session.title,
            url=reverse("sessions:detail", args=[registration.session_id]),
            note=f"{_when(registration.session.starts_at)} · "
            f"{registration.get_status_display()}",
        ),
        title=_("Mi próxima sesión"),
        more_url=reverse("sessions:mine"),
        more_label=_("Ver mis sesiones"),
        empty=_("No tiene sesiones próximas. Vea las sesiones abiertas."),
    )


def surveys_to_answer(user) -> HomePanel:
    """Held sessions of the last month the person attended and did not rate."""
    answered = Feedback.objects.filter(session=OuterRef("pk"), user=user)
    sessions = (
        Session.objects.filter(
            status=Session.Status.HELD,
            ends_at__gte=timezone.now() - timedelta(days=SURVEY_DAYS),
            registrations__user=user,
            registrations__checked_in_at__isnull=False,
        )
        .exclude(Exists(answered))
        .order_by("-starts_at", "-pk")
    )
    return panel_from(
        sessions,
        _session_entry("sessions:survey"),
        title=_("Encuesta por responder"),
        empty=_("No tiene encuestas pendientes."),
    )


PANELS = [
    HomePanelSource(
        "sessions-minutes-review",
        "despacho",
        can_review_minutes,
        minutes_to_approve,
        order=10,
    ),
    HomePanelSource(
        "sessions-month",
        "comunicaciones",
        can_manage_sessions,
        months_sessions,
        order=10,
    ),
    HomePanelSource(
        "sessions-attendance",
        "comunicaciones",
        can_manage_sessions,
        attendance_to_take,
        order=20,
    ),
    HomePanelSource(
        "sessions-minutes-write",
        "comunicaciones",
        can_manage_sessions,
        minutes_to_write,
        order=30,
    ),
    HomePanelSource(
        "sessions-next", "servidor", authenticated, my_next_session, order=10
    ),
    HomePanelSource(
        "sessions-survey", "servidor", authenticated, surveys_to_answer, order=30
    ),
]
