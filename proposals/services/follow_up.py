"""Follow-up: assignment, answers, the status flow, progress notes.

Only these transitions exist (and from any open status to "no viable"):
recibida → en análisis → aceptada → en implementación → implementada.
Answering moves a question (recibida or en análisis) to "respondida", which closes
it, and a proposal or concern still "recibida" to "en análisis".
Every change records who, when and a required note in a StatusChange row, in the same
transaction, and e-mails the identified author and the supporters.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.common.business_days import add_business_days
from cafe.org.permissions import can_answer_proposals, is_liaison_of

from .. import emails
from ..models import Proposal, StatusChange
from ..text_cleaning import clean_text

S = Proposal.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.IN_ANALYSIS, S.NOT_VIABLE}),
    S.IN_ANALYSIS: frozenset({S.ACCEPTED, S.NOT_VIABLE}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.NOT_VIABLE}),
    S.IN_PROGRESS: frozenset({S.IMPLEMENTED, S.NOT_VIABLE}),
    S.IMPLEMENTED: frozenset(),
    S.NOT_VIABLE: frozenset(),
    S.ANSWERED: frozenset(),
}

# What the liaisons of the responsible dependency may do themselves.
LIAISON_TRANSITIONS = frozenset(
    {(S.ACCEPTED, S.IN_PROGRESS), (S.IN_PROGRESS, S.IMPLEMENTED)}
)


def default_due_date(today: date | None = None) -> date:
    """N business days (setting) from today on the Colombian calendar."""
    today = today or timezone.localdate()
    return add_business_days(today, settings.PROPOSALS_COMMITMENT_BUSINESS_DAYS)


def _locked(proposal_id: int) -> Proposal:
    try:
        return Proposal.objects.select_for_update().get(pk=proposal_id)
    except Proposal.DoesNotExist:
        raise ValidationError(_("La propuesta no existe.")) from None


def _note(note: str) -> str:
    return clean_text(note, field=_("La nota"))


def _record(proposal, *, actor, event, note, from_status, now) -> StatusChange:
    change = StatusChange.objects.create(
        proposal=proposal,
        event=event,
        from_status=from_status,
        to_status=proposal.status,
        note=note,
        actor=actor,
        created_at=now,
    )
    if proposal.first_answered_at is None and event in (
        StatusChange.Event.STATUS,
        StatusChange.Event.ANSWERED,
    ):
        proposal.first_answered_at = now
        proposal.save(update_fields=["first_answered_at"])
    emails.proposal_changed(proposal, change)
    return change


def _check_may_change(proposal: Proposal, actor, old: str, new: str) -> None:
    if can_answer_proposals(actor):
        return
    if (old, new) in LIAISON_TRANSITIONS and is_liaison_of(
        actor, proposal.responsible_dependency_id
    ):
        return
    raise PermissionDenied(_("Su rol no permite este cambio de estado."))


def change_status(
    *,
    proposal_id: int,
    actor,
    new_status: str,
    note: str,
    outcome: str = "",
    impact: str = "",
    now=None,
) -> Proposal:
    """Move a proposal along the flow. "Implementada" needs outcome and impact;
    "no viable" takes the note as its reason."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _locked(proposal_id)
        old = proposal.status
        if new_status in S.values:
            _check_may_change(proposal, actor, old, new_status)
        note = _note(note)
        if new_status not in TRANSITIONS.get(old, ()):
            raise ValidationError(
                _("No se puede pasar de «%(old)s» a «%(new)s».")
                % {
                    "old": S(old).label,
                    "new": S(new_status).label
                    if new_status in S.values
                    else new_status,
                }
            )
        if new_status == S.ACCEPTED:
            raise ValidationError(
                _(
                    "Para aceptar use «Aceptar con compromiso»: requiere compromiso y "
                    "fecha."
                )
            )
        if new_status == S.IMPLEMENTED:
            proposal.outcome = clean_text(outcome, field=_("El resultado"))
            proposal.impact = clean_text(impact, field=_("El impacto"))
            proposal.implemented_at = now
        if new_status == S.NOT_VIABLE:
            proposal.closing_reason = note
            proposal.closed_at = now
        proposal.status = new_status
        proposal.save()
        _record(
            proposal,
            actor=actor,
            event=StatusChange.Event.STATUS,
            note=note,
            from_status=old,
            now=now,
        )
    return proposal


def accept_proposal(
    *,
    proposal_id: int,
    actor,
    commitment: str,
    due_date: date | None,
    note: str,
    dependency=None,
    now=None,
) -> Proposal:
    """Despacho accepts with a commitment, a due date and a responsible dependency."""
    now = now or timezone.now()
    if not can_answer_proposals(actor):
        raise PermissionDenied(_("Solo el Despacho acepta propuestas."))
    note = _note(note)
    commitment = clean_text(commitment, field=_("El compromiso"))
    due_date = due_date or default_due_date(timezone.localdate(now))
    if due_date <= timezone.localdate(now):
        raise ValidationError(_("La fecha de cumplimiento debe ser futura."))
    with transaction.atomic():
        proposal = _locked(proposal_id)
        old = proposal.status
        if S.ACCEPTED not in TRANSITIONS[old]:
            raise ValidationError(
                _("Solo se acepta una propuesta que está en análisis.")
            )
        if dependency is not None:
            proposal.responsible_dependency = dependency
        if proposal.responsible_dependency_id is None:
            raise ValidationError(
                _("Asigne una dependencia responsable antes de aceptar.")
            )
        proposal.status = S.ACCEPTED
        proposal.commitment = commitment
        proposal.due_date = proposal.original_due_date = due_date
        proposal.accepted_at = now
        proposal.save()
        _record(
            proposal,
            actor=actor,
            event=StatusChange.Event.STATUS,
            note=note,
            from_status=old,
            now=now,
        )
    return proposal


def assign_dependency(
    *, proposal_id: int, actor, dependency, note: str = ""
) -> Proposal:
    if not can_answer_proposals(actor):
        raise PermissionDenied(_("Solo el Despacho asigna propuestas."))
    if dependency is None or not dependency.is_active:
        raise ValidationError(_("Elija una dependencia activa."))
    now = timezone.now()
    with transaction.atomic():
        proposal = _locked(proposal_id)
        if not proposal.is_open:
            raise ValidationError(_("La propuesta ya está cerrada."))
        proposal.responsible_dependency = dependency
        proposal.save(update_fields=["responsible_dependency"])
        text = (note or "").strip() or _("Responsable: %(dep)s.") % {"dep": dependency}
        StatusChange.objects.create(
            proposal=proposal,
            event=StatusChange.Event.ASSIGNED,
            from_status=proposal.status,
            to_status=proposal.status,
            note=text,
            actor=actor,
            created_at=now,
        )
    return proposal


def status_after_answer(proposal: Proposal) -> str:
    """Where an answer leaves a proposal: a question waiting for Despacho is
    "respondida" (closed: the answer is its follow-up); a proposal or concern still
    "recibida" was read, so it is "en análisis"; any other status stays."""
    waiting = proposal.status in (S.RECEIVED, S.IN_ANALYSIS)
    if proposal.kind == Proposal.Kind.QUESTION and waiting:
        return S.ANSWERED
    if proposal.status == S.RECEIVED:
        return S.IN_ANALYSIS
    return proposal.status


def answer_proposal(*, proposal_id: int, actor, answer: str) -> Proposal:
    """Despacho's public answer, with its timeline row (from and to status). It
    moves the proposal on as ``status_after_answer`` says, so an answered question
    leaves "Por responder". A closed proposal takes no answer, except a question
    already answered (its answer may be corrected)."""
    if not can_answer_proposals(actor):
        raise PermissionDenied(_("Solo el Despacho responde propuestas."))
    answer = clean_text(answer, field=_("La respuesta"))
    now = timezone.now()
    with transaction.atomic():
        proposal = _locked(proposal_id)
        if not (proposal.is_open or proposal.status == S.ANSWERED):
            raise ValidationError(_("La propuesta ya está cerrada."))
        old = proposal.status
        proposal.answer = answer
        proposal.status = status_after_answer(proposal)
        proposal.save(update_fields=["answer", "status"])
        _record(
            proposal,
            actor=actor,
            event=StatusChange.Event.ANSWERED,
            note=answer,
            from_status=old,
            now=now,
        )
    return proposal


def add_progress_note(*, proposal_id: int, actor, note: str) -> StatusChange:
    """A liaison of the responsible dependency (or Despacho) reports progress."""
    with transaction.atomic():
        proposal = _locked(proposal_id)
        if not (
            can_answer_proposals(actor)
            or is_liaison_of(actor, proposal.responsible_dependency_id)
        ):
            raise PermissionDenied(_("Solo el enlace de la dependencia responsable."))
        note = _note(note)
        if proposal.status not in (S.ACCEPTED, S.IN_PROGRESS):
            raise ValidationError(
                _(
                    "Las notas de avance son para propuestas aceptadas o en "
                    "implementación."
                )
            )
        return _record(
            proposal,
            actor=actor,
            event=StatusChange.Event.PROGRESS,
            note=note,
            from_status=proposal.status,
            now=timezone.now(),
        )
