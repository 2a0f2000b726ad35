"""Commitments: the agreements of a session, and due dates that move only with a
reason.

An agreement of a session's conclusions is a proposal of kind "acuerdo", born
accepted: it has a responsible dependency and a due date counted in Colombian
business days from the session's day, and follows the same flow as an accepted
proposal (progress notes by the dependency's liaisons, the weekly digest, the
escalation, outcome and impact when it is done).

A due date moves only through an extension: the liaison of the responsible
dependency asks for a later date with a reason, Despacho approves or refuses it
once, and both steps are kept in the timeline. ``original_due_date`` never moves.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cafe.common.business_days import add_business_days, is_business_day
from cafe.org.permissions import can_answer_proposals, is_liaison_of
from sessions_app.models import Session

from .. import emails
from ..models import DueDateExtension, Proposal, StatusChange
from ..permissions import can_moderate
from ..text_cleaning import clean_text
from .follow_up import _locked, _record

S = Proposal.Status
COMMITTED = (S.ACCEPTED, S.IN_PROGRESS)
MAX_BUSINESS_DAYS = 250  # about a year
# The row lock that makes a request decided once; switched off only by the
# concurrency test's control run, with ``after_extension_read`` as its pause.
LOCK_EXTENSION_ROW = True


def after_extension_read() -> None:
    """A hook between reading the request and deciding it (a no-op)."""


ALREADY_PENDING = gettext_lazy(
    "Ya hay una solicitud de prórroga esperando la decisión del Despacho."
)


def _day(value: date) -> str:
    return date_format(value, "d/m/Y")


def can_record_agreements(user) -> bool:
    return can_moderate(user) or can_answer_proposals(user)


def agreement_due_date(*, session: Session, business_days: int) -> date:
    """The due date of an agreement: business days counted from the session's day."""
    if not 1 <= business_days <= MAX_BUSINESS_DAYS:
        raise ValidationError(
            _("El plazo debe estar entre 1 y %(n)s días hábiles.")
            % {"n": MAX_BUSINESS_DAYS}
        )
    return add_business_days(timezone.localdate(session.starts_at), business_days)


def record_agreement(
    *,
    session_id: int,
    actor,
    title: str,
    commitment: str,
    dependency,
    business_days: int | None = None,
    now=None,
) -> Proposal:
    """Record one agreement of a held session as a commitment of ``dependency``.

    Comunicaciones (or Despacho) records it from the conclusions page. It is born
    accepted, with no author (it belongs to the session), dated today and due
    ``business_days`` (default PROPOSALS_COMMITMENT_BUSINESS_DAYS) business days
    after the session; a due date already past is refused."""
    if not can_record_agreements(actor):
        raise PermissionDenied(
            _("Solo Comunicaciones o el Despacho registran acuerdos.")
        )
    now = now or timezone.now()
    title = clean_text(title, field=_("El acuerdo"))
    commitment = clean_text(commitment, field=_("Lo que se hará"), min_letters=10)
    if dependency is None or not dependency.is_active:
        raise ValidationError(_("Elija una dependencia responsable activa."))
    if business_days is None:
        business_days = settings.PROPOSALS_COMMITMENT_BUSINESS_DAYS
    with transaction.atomic():
        try:
            session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        except Session.DoesNotExist:
            raise ValidationError(_("La sesión no existe.")) from None
        if session.status != Session.Status.HELD:
            raise ValidationError(
                _("Los acuerdos se registran cuando la sesión está realizada.")
            )
        due = agreement_due_date(session=session, business_days=business_days)
        if due <= timezone.localdate(now):
            raise ValidationError(
                _(
                    "Con ese plazo el acuerdo ya estaría vencido (%(due)s): los días "
                    "hábiles se cuentan desde el día de la sesión."
                )
                % {"due": _day(due)}
            )
        proposal = Proposal(
            kind=Proposal.Kind.AGREEMENT,
            origin=Proposal.Origin.AGREEMENT,
            title=title,
            text=commitment,
            commitment=commitment,
            session=session,
            topic=session.topic,
            responsible_dependency=dependency,
            status=S.ACCEPTED,
            due_date=due,
            original_due_date=due,
            created_at=now,
            accepted_at=now,
        )
        proposal.full_clean()
        proposal.save()
        StatusChange.objects.create(
            proposal=proposal,
            event=StatusChange.Event.CREATED,
            to_status=S.ACCEPTED,
            note=_(
                "Acuerdo de la sesión «%(session)s». Responsable: %(dep)s. "
                "Fecha de cumplimiento: %(due)s (%(n)s días hábiles)."
            )
            % {
                "session": session.title,
                "dep": dependency,
                "due": _day(due),
                "n": business_days,
            },
            actor=actor,
            created_at=now,
        )
    return proposal


def may_request_extension(user, proposal: Proposal) -> bool:
    """Only a liaison of the responsible dependency asks, for a standing commitment."""
    return (
        proposal.status in COMMITTED
        and proposal.due_date is not None
        and is_liaison_of(user, proposal.responsible_dependency_id)
    )


def request_extension(
    *, proposal_id: int, actor, new_due_date: date, reason: str, now=None
) -> DueDateExtension:
    """The liaison asks to move the due date to a later business day, with a reason.

    One request waits at a time; the request is a public timeline entry."""
    now = now or timezone.now()
    reason = clean_text(reason, field=_("El motivo"), min_letters=10)
    with transaction.atomic():
        proposal = _locked(proposal_id)
        if not is_liaison_of(actor, proposal.responsible_dependency_id):
            raise PermissionDenied(
                _("Solo el enlace de la dependencia responsable pide una prórroga.")
            )
        if proposal.status not in COMMITTED or proposal.due_date is None:
            raise ValidationError(
                _(
                    "Solo se pide prórroga de un compromiso aceptado o en "
                    "implementación."
                )
            )
        if new_due_date is None or new_due_date <= proposal.due_date:
            raise ValidationError(
                _("La nueva fecha debe ser posterior a la vigente (%(due)s).")
                % {"due": _day(proposal.due_date)}
            )
        if not is_business_day(new_due_date):
            raise ValidationError(
                _("La nueva fecha debe ser un día hábil (ni fin de semana ni festivo).")
            )
        if proposal.extensions.filter(status=DueDateExtension.Status.PENDING).exists():
            raise ValidationError(ALREADY_PENDING)
        try:
            with transaction.atomic():
                extension = DueDateExtension.objects.create(
                    proposal=proposal,
                    previous_due_date=proposal.due_date,
                    requested_due_date=new_due_date,
                    reason=reason,
                    requested_by=actor,
                    requested_at=now,
                )
        except IntegrityError:  # a twin request committed first
            raise ValidationError(ALREADY_PENDING) from None
        StatusChange.objects.create(
            proposal=proposal,
            event=StatusChange.Event.EXTENSION_REQUESTED,
            from_status=proposal.status,
            to_status=proposal.status,
            note=_("Pide pasar del %(old)s al %(new)s. Motivo: %(reason)s")
            % {
                "old": _day(proposal.due_date),
                "new": _day(new_due_date),
                "reason": reason,
            },
            actor=actor,
            created_at=now,
        )
    return extension


def decide_extension(
    *, extension_id: int, actor, approve: bool, note: str = "", now=None
) -> DueDateExtension:
    """Despacho approves (the due date moves) or refuses (a note says why) a pending
    request. A request is decided once: deciding it again is refused."""
    if not can_answer_proposals(actor):
        raise PermissionDenied(_("Solo el Despacho decide las prórrogas."))
    now = now or timezone.now()
    note = (note or "").strip()
    if not approve:
        note = clean_text(note, field=_("El motivo del rechazo"))
    with transaction.atomic():
        rows = DueDateExtension.objects
        if LOCK_EXTENSION_ROW:
            rows = rows.select_for_update()
        try:
            extension = rows.get(pk=extension_id)
        except DueDateExtension.DoesNotExist:
            raise ValidationError(_("La solicitud de prórroga no existe.")) from None
        after_extension_read()
        if extension.status != DueDateExtension.Status.PENDING:
            raise ValidationError(
                _("Esta solicitud ya fue decidida: %(status)s.")
                % {"status": extension.get_status_display().lower()}
            )
        proposal = _locked(extension.proposal_id)
        if approve and proposal.status not in COMMITTED:
            raise ValidationError(
                _("El compromiso ya está cerrado: no hay fecha que mover.")
            )
        extension.status = (
            DueDateExtension.Status.APPROVED
            if approve
            else DueDateExtension.Status.REFUSED
        )
        extension.decided_by = actor
        extension.decided_at = now
        extension.decision_note = note
        extension.save()
        if approve:
            if proposal.original_due_date is None:
                proposal.original_due_date = extension.previous_due_date
            proposal.due_date = extension.requested_due_date
            proposal.save(update_fields=["due_date", "original_due_date"])
            event = StatusChange.Event.EXTENSION_APPROVED
            text = _("Nueva fecha de cumplimiento: %(new)s (antes %(old)s).") % {
                "new": _day(extension.requested_due_date),
                "old": _day(extension.previous_due_date),
            }
        else:
            event = StatusChange.Event.EXTENSION_REFUSED
            text = _("La fecha sigue siendo el %(due)s.") % {
                "due": _day(proposal.due_date)
            }
        _record(
            proposal,
            actor=actor,
            event=event,
            note=f"{text} {note}".strip(),
            from_status=proposal.status,
            now=now,
        )
        extension.proposal = proposal
        emails.extension_decided(extension)
    return extension
