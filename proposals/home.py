"""The proposals app's panels on the home page: what is waiting, per role."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cafe.access import authenticated
from cafe.common.business_days import add_business_days
from cafe.org.home import HomeEntry, HomePanel, HomePanelSource, panel_from
from cafe.org.permissions import is_liaison

from . import selectors
from .bulletin import previous_month
from .models import Bulletin, Proposal, StatusChange
from .permissions import can_answer, can_moderate

# "Due soon" for a liaison: within this many business days.
DUE_SOON_BUSINESS_DAYS = 5
# News on one's own proposals: changes of the last this many days.
NEWS_DAYS = 30


def _day(value) -> str:
    return date_format(value, "d/m/Y")


def _proposal_entry(proposal: Proposal) -> HomeEntry:
    note = proposal.get_status_display()
    if proposal.due_date:
        note = _("%(status)s · vence el %(date)s") % {
            "status": note,
            "date": _day(proposal.due_date),
        }
    return HomeEntry(
        text=proposal.title,
        url=reverse("proposals:detail", args=[proposal.pk]),
        note=note,
        urgent=proposal.is_overdue,
    )


def _open_commitments():
    return Proposal.objects.filter(
        status__in=[Proposal.Status.ACCEPTED, Proposal.Status.IN_PROGRESS],
        is_hidden=False,
    ).only("pk", "title", "status", "due_date")


def to_answer(user) -> HomePanel:
    return panel_from(
        selectors.despacho_inbox(user=user)
        .select_related(None)
        .only("pk", "title", "status", "due_date"),
        _proposal_entry,
        title=_("Propuestas por responder"),
        more_url=reverse("proposals:inbox"),
        more_label=_("Ir a la bandeja"),
        empty=_("No hay propuestas esperando respuesta."),
    )


def overdue_commitments(user) -> HomePanel:
    return panel_from(
        selectors.overdue(_open_commitments()).order_by("due_date", "pk"),
        _proposal_entry,
        title=_("Compromisos vencidos"),
        more_url=reverse("proposals:list") + "?vencidas=on",
        more_label=_("Ver todos los vencidos"),
        empty=_("No hay compromisos vencidos."),
    )


def bulletin_state(user) -> HomePanel:
    """The state of last month's edition (the one being prepared now)."""
    period = previous_month(timezone.localdate())
    edition = Bulletin.objects.filter(period_start=period.start).first()
    month = date_format(period.start, r"F \d\e Y").lower()
    if edition is None:
        status = _("La edición de %(month)s aún no está compuesta.")
    elif edition.status == Bulletin.Status.DRAFT:
        status = _("La edición de %(month)s está en borrador: revísela y apruébela.")
    else:
        status = _("La edición de %(month)s está aprobada y enviada.")
    return HomePanel(
        title=settings.CAFE_BULLETIN_NAME,
        status=status % {"month": month},
        more_url=reverse("proposals:bulletin", args=[edition.pk])
        if edition
        else reverse("proposals:bulletins"),
        more_label=_("Abrir el boletín"),
    )


def _liaison_commitments(user):
    return _open_commitments().filter(responsible_dependency_id=user.liaison_of_id)


def assigned(user) -> HomePanel:
    return panel_from(
        selectors.liaison_queue(user=user)
        .select_related(None)
        .only("pk", "title", "status", "due_date"),
        _proposal_entry,
        title=_("Asignadas a mi dependencia"),
        more_url=reverse("proposals:queue"),
        more_label=_("Ir al seguimiento"),
        empty=_("No hay propuestas abiertas asignadas a su dependencia."),
    )


def due_soon(user) -> HomePanel:
    today = timezone.localdate()
    limit = add_business_days(today, DUE_SOON_BUSINESS_DAYS)
    return panel_from(
        _liaison_commitments(user)
        .filter(due_date__gte=today, due_date__lte=limit)
        .order_by("due_date", "pk"),
        _proposal_entry,
        title=_("Vencen pronto"),
        empty=_("Ningún compromiso vence en los próximos días."),
    )


def liaison_overdue(user) -> HomePanel:
    return panel_from(
        selectors.overdue(_liaison_commitments(user)).order_by("due_date", "pk"),
        _proposal_entry,
        title=_("Vencidas"),
        empty=_("Su dependencia no tiene compromisos vencidos."),
    )


def news_on_mine(user) -> HomePanel:
    """What others did on the person's proposals lately (public entries only)."""
    changes = (
        StatusChange.objects.filter(
            proposal__author=user,
            is_public=True,
            created_at__gte=timezone.now() - timedelta(days=NEWS_DAYS),
        )
        .exclude(actor=user)
        .select_related("proposal")
        .only("pk", "event", "to_status", "created_at", "proposal__title")
        .order_by("-created_at", "-pk")
    )
    return panel_from(
        changes,
        lambda change: HomeEntry(
            text=change.proposal.title,
            url=reverse("proposals:detail", args=[change.proposal_id]),
            note=f"{change.get_event_display()} · {_day(change.created_at)}",
        ),
        title=_("Novedades de mis propuestas"),
        more_url=reverse("proposals:mine"),
        more_label=_("Ver mis propuestas"),
        empty=_("No hay novedades recientes en sus propuestas."),
    )


PANELS = [
    HomePanelSource("proposals-answer", "despacho", can_answer, to_answer, order=20),
    HomePanelSource(
        "proposals-overdue", "despacho", can_answer, overdue_commitments, order=30
    ),
    HomePanelSource(
        "proposals-bulletin", "comunicaciones", can_moderate, bulletin_state, order=40
    ),
    HomePanelSource("proposals-assigned", "enlace", is_liaison, assigned, order=10),
    HomePanelSource("proposals-due-soon", "enlace", is_liaison, due_soon, order=20),
    HomePanelSource(
        "proposals-liaison-overdue", "enlace", is_liaison, liaison_overdue, order=30
    ),
    HomePanelSource(
        "proposals-news", "servidor", authenticated, news_on_mine, order=20
    ),
]
