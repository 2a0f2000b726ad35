"""What proposals adds to other apps' pages: the session page and "Mis datos"."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.branding import absolute_url
from cafe.org.selectors import DataSection

from . import selectors
from .models import Proposal, Support
from .permissions import can_moderate
from .services import live


def proposals_of_session(request, session) -> str:
    """The proposals that came from a session, for its page."""
    proposals = list(
        selectors.session_proposals(session=session, user=request.user)[:10]
    )
    return render_to_string(
        "proposals/_session_section.html",
        {
            "session": session,
            "proposals": proposals,
            "can_capture": can_moderate(request.user),
            "can_send": session.is_in_audience(request.user)
            and session.status in ("publicada", "realizada"),
            "live_open": live.is_live(session),
            "live_participant": _takes_part(session),
        },
    )  # no request: the section needs no context processor (no form, no user)


def _takes_part(session) -> bool:
    """Registered or present, from the registration the session page already
    loaded (``my_registration``): no query of its own."""
    registration = getattr(session, "my_registration", None)
    return registration is not None and (
        registration.status == "confirmada" or registration.checked_in_at is not None
    )


def proposals_section(user) -> DataSection:
    """Only proposals signed with the person's name: anonymous ones are not linked."""
    rows = [
        [
            str(p.pk),
            p.get_kind_display(),
            p.title,
            p.get_status_display(),
            timezone.localtime(p.created_at).strftime("%d/%m/%Y %H:%M"),
        ]
        for p in Proposal.objects.filter(author=user).order_by("created_at")
    ]
    return DataSection(
        "propuestas",
        _("Propuestas firmadas con su nombre"),
        [_("Número"), _("Tipo"), _("Título"), _("Estado"), _("Enviada el")],
        rows,
    )


def supports_section(user) -> DataSection:
    rows = [
        [
            str(s.proposal_id),
            s.proposal.title,
            timezone.localtime(s.created_at).strftime("%d/%m/%Y"),
        ]
        for s in Support.objects.filter(user=user).select_related("proposal")
    ]
    return DataSection(
        "apoyos",
        _("Propuestas que apoya"),
        [_("Número"), _("Título"), _("Fecha")],
        rows,
    )


def followups_of_session(session) -> list[dict]:
    """What came out of a session and where it stands, for the conclusions e-mail."""
    items = []
    proposals = (
        Proposal.objects.filter(session=session, is_hidden=False)
        .select_related("responsible_dependency")
        .order_by("pk")
    )
    for proposal in proposals:
        detail = ""
        if proposal.commitment and proposal.due_date:
            detail = _("compromiso: %(c)s, para el %(d)s") % {
                "c": proposal.commitment,
                "d": proposal.due_date.strftime("%d/%m/%Y"),
            }
        items.append(
            {
                "title": proposal.title,
                "status": proposal.get_status_display(),
                "detail": detail,
                "url": absolute_url(reverse("proposals:detail", args=[proposal.pk])),
            }
        )
    return items
