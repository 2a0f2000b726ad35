"""What proposals puts in the slots of other apps: the session page
(``sessions_app/slots.py``) and "Mis datos"."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.branding import absolute_url
from cafe.org.selectors import DataSection
from sessions_app.models import Session

from . import selectors
from .models import Proposal, Support
from .permissions import can_moderate
from .services import live
from .services.commitments import can_record_agreements


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
    """What came out of a session and where it stands, for the conclusions e-mail
    ("lo que dijimos y lo que sigue"): its agreements first, each with its
    responsible dependency, due date and current state, then its proposals."""
    proposals = (
        Proposal.objects.filter(session=session, is_hidden=False)
        .select_related("responsible_dependency")
        .defer("search_document")
        .order_by("pk")
    )
    agreements = [p for p in proposals if p.kind == Proposal.Kind.AGREEMENT]
    others = [p for p in proposals if p.kind != Proposal.Kind.AGREEMENT]
    return [_followup(p) for p in agreements + others]


def _followup(proposal) -> dict:
    is_agreement = proposal.kind == Proposal.Kind.AGREEMENT
    detail = ""
    if is_agreement:
        detail = _("a cargo de %(dep)s, para el %(d)s") % {
            "dep": proposal.responsible_dependency,
            "d": proposal.due_date.strftime("%d/%m/%Y"),
        }
        original = proposal.original_due_date
        if original and original != proposal.due_date:
            detail += _("; fecha original: %(d)s") % {
                "d": original.strftime("%d/%m/%Y")
            }
    elif proposal.commitment and proposal.due_date:
        detail = _("compromiso: %(c)s, para el %(d)s") % {
            "c": proposal.commitment,
            "d": proposal.due_date.strftime("%d/%m/%Y"),
        }
    status = proposal.get_status_display()
    if proposal.is_overdue:
        status = _("%(status)s, vencido") % {"status": status}
    return {
        "title": proposal.title,
        "status": status,
        "detail": detail,
        "is_agreement": is_agreement,
        "url": absolute_url(reverse("proposals:detail", args=[proposal.pk])),
    }


def agreements_of_session(request, session) -> str:
    """The agreements of a session as commitments with their state, for the session
    page and the conclusions pages; a link to record them for Comunicaciones."""
    can_record = can_record_agreements(request.user)
    agreements = list(selectors.session_agreements(session=session))
    if not agreements and not (can_record and session.status == Session.Status.HELD):
        return ""
    return render_to_string(
        "proposals/_session_agreements.html",
        {"session": session, "agreements": agreements, "can_record": can_record},
    )
