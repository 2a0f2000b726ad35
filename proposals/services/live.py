"""Live questions: sent from phones during a session, moderated by Comunicaciones,
projected with their supports, and marked answered in the room.

Every question is a proposal (kind "pregunta") of the session, with its timeline,
supports and follow-up; ``LiveQuestion`` only says where it stands in the room.

Sending and supporting are short transactions that lock nothing of the session: a
named question is ``submit_proposal`` plus one row; a support is
``support_proposal`` (one ``Support`` row, unique per person, and an F() update of
the stored count). A hundred phones at once add up instead of waiting on each other.

Anonymous live questions are written at once (the room sees them on the screen
within seconds anyway), but without author, with the day only as their date, with a
tracking code stored as its hash, and only when the session has at least
``PROPOSALS_MIN_ANONYMOUS_AUDIENCE`` people registered or present (see
docs/privacidad.md, "Preguntas en vivo").
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from sessions_app.models import Session

from ..live_selectors import is_participant
from ..models import LiveQuestion, Proposal, StatusChange
from ..permissions import can_moderate
from ..text_cleaning import clean_text
from .anonymous import batch_day, hash_tracking_code, new_tracking_code
from .capture import (
    _check_session,
    session_participants,
    submit_proposal,
    support_proposal,
)
from .follow_up import _record, status_after_answer
from .moderation import hide_proposal, mark_duplicate

# Phones may send from a little before the start until a while after the planned end
# (sessions run over).
OPENS_BEFORE = timedelta(minutes=15)
CLOSES_AFTER = timedelta(minutes=30)
# A question is read aloud and projected: short.
TEXT_MAX_LENGTH = 500
TITLE_LENGTH = 80


def live_window(session: Session) -> tuple:
    """From when to when phones may send and support questions."""
    return session.starts_at - OPENS_BEFORE, session.ends_at + CLOSES_AFTER


def is_live(session: Session, now=None) -> bool:
    """The session takes questions now: published or held, inside its window."""
    now = now or timezone.now()
    opens, closes = live_window(session)
    return (
        session.status in (Session.Status.PUBLISHED, Session.Status.HELD)
        and opens <= now < closes
    )


def _check_may_send(session: Session, user, now) -> None:
    if not is_participant(session=session, user=user):
        raise PermissionDenied(
            _(
                "Solo las personas inscritas o presentes en esta sesión pueden "
                "enviar y apoyar preguntas."
            )
        )
    if not is_live(session, now):
        raise ValidationError(
            _("Las preguntas en vivo de esta sesión no están abiertas en este momento.")
        )


def _clean_question(text: str) -> tuple[str, str]:
    text = clean_text(text, field=_("La pregunta"), min_letters=10)
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            _("La pregunta es demasiado larga: máximo %(n)s caracteres.")
            % {"n": TEXT_MAX_LENGTH}
        )
    title = Truncator(" ".join(text.split())).chars(TITLE_LENGTH)
    return title, text


def send_live_question(
    *, session: Session, user, text: str, anonymous: bool = False, now=None
) -> tuple[Proposal, str | None]:
    """Send a question from a phone. Returns ``(proposal, tracking_code)``; the code
    (anonymous only) is shown once and stored only as its hash.

    It enters the moderation queue at once, as a proposal "pregunta" of the session.
    Named: through ``submit_proposal`` (signed, with its exact time). Anonymous:
    no author, dated the day only, no e-mail, and refused below the session's
    threshold of people registered or present."""
    now = now or timezone.now()
    _check_may_send(session, user, now)
    title, text = _clean_question(text)
    if not anonymous:
        with transaction.atomic():
            proposal, _code = submit_proposal(
                user=user,
                kind=Proposal.Kind.QUESTION,
                title=title,
                text=text,
                topic=session.topic,
                session=session,
                now=now,
            )
            LiveQuestion.objects.create(proposal=proposal, session=session)
        return proposal, None
    _check_session(session, user, anonymous=True)
    code = new_tracking_code()
    day = batch_day(now)
    with transaction.atomic():
        proposal = Proposal(
            kind=Proposal.Kind.QUESTION,
            title=title,
            text=text,
            topic=session.topic,
            session=session,
            origin=Proposal.Origin.ONLINE,
            is_anonymous=True,
            created_at=day,
            tracking_code_hash=hash_tracking_code(code),
        )
        proposal.full_clean()
        proposal.save()
        StatusChange.objects.create(
            proposal=proposal,
            event=StatusChange.Event.CREATED,
            to_status=Proposal.Status.RECEIVED,
            note=_("Recibida."),
            actor=None,
            created_at=day,
        )
        LiveQuestion.objects.create(proposal=proposal, session=session)
    return proposal, code


def support_live_question(
    *, session: Session, proposal_id: int, user, now=None
) -> bool:
    """Support a question on the screen, once per person. Returns False when the
    person had already supported it."""
    _check_may_send(session, user, now or timezone.now())
    question = (
        LiveQuestion.objects.select_related("proposal")
        .filter(session=session, proposal_id=proposal_id)
        .first()
    )
    if (
        question is None
        or question.state == LiveQuestion.State.PENDING
        or question.proposal.is_hidden
    ):
        raise ValidationError(_("Esa pregunta no está en la pantalla de la sala."))
    return support_proposal(proposal=question.proposal, user=user)


# --- Moderation (Comunicaciones) ----------------------------------------------------


def _check_moderator(actor) -> None:
    if not can_moderate(actor):
        raise PermissionDenied(_("Solo Comunicaciones modera las preguntas en vivo."))


def _locked_question(session: Session, proposal_id: int) -> LiveQuestion:
    question = (
        LiveQuestion.objects.select_for_update()
        .select_related("proposal")
        .filter(session=session, proposal_id=proposal_id)
        .first()
    )
    if question is None:
        raise ValidationError(_("Esa pregunta no es de esta sesión."))
    return question


def _log(proposal: Proposal, actor, note: str, now) -> None:
    StatusChange.objects.create(
        proposal=proposal,
        event=StatusChange.Event.MODERATED,
        from_status=proposal.status,
        to_status=proposal.status,
        note=note,
        actor=actor,
        created_at=now,
        is_public=False,
    )


def approve_live_question(*, session: Session, proposal_id: int, actor, now=None):
    """Put a question waiting for moderation on the room's screen."""
    _check_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        question = _locked_question(session, proposal_id)
        if question.proposal.is_hidden:
            raise ValidationError(_("Esa pregunta está oculta."))
        if question.state != LiveQuestion.State.PENDING:
            raise ValidationError(_("Esa pregunta ya estaba aprobada."))
        question.state = LiveQuestion.State.APPROVED
        question.approved_at = now
        question.save(update_fields=["state", "approved_at"])
        _log(question.proposal, actor, _("Aprobada para la pantalla de la sala."), now)
    return question


def hide_live_question(*, session: Session, proposal_id: int, actor, reason: str):
    """Take a question off the queue and the screen (hidden with a reason, kept)."""
    _check_moderator(actor)
    with transaction.atomic():
        question = _locked_question(session, proposal_id)
        if question.proposal.is_hidden:
            raise ValidationError(_("Esa pregunta ya está oculta."))
        return hide_proposal(proposal_id=proposal_id, actor=actor, reason=reason)


def merge_live_question(
    *, session: Session, proposal_id: int, original_id: int, actor, now=None
):
    """Merge a question into another of the same session: it is hidden as a
    duplicate and its supports move over (``mark_duplicate``). If the original was
    still waiting and the duplicate was on the screen, the original takes its place
    on the screen."""
    _check_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        duplicate = _locked_question(session, proposal_id)
        original = LiveQuestion.objects.select_for_update().filter(
            session=session, proposal_id=original_id
        )
        original = original.first()
        if original is None:
            raise ValidationError(
                _("La pregunta n.º %(n)s no es de esta sesión.") % {"n": original_id}
            )
        mark_duplicate(proposal_id=proposal_id, original_id=original_id, actor=actor)
        shown = duplicate.state != LiveQuestion.State.PENDING
        if shown and original.state == LiveQuestion.State.PENDING:
            original.state = LiveQuestion.State.APPROVED
            original.approved_at = now
            original.save(update_fields=["state", "approved_at"])
    return original


def mark_answered_in_room(*, session: Session, proposal_id: int, actor, now=None):
    """The question was answered aloud in the session: it leaves the screen's list,
    and the proposal records it in its timeline (and, if still waiting for an
    answer, becomes "respondida"), telling its author and supporters."""
    _check_moderator(actor)
    now = now or timezone.now()
    with transaction.atomic():
        question = _locked_question(session, proposal_id)
        proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
        if proposal.is_hidden:
            raise ValidationError(_("Esa pregunta está oculta."))
        if question.state == LiveQuestion.State.ANSWERED:
            raise ValidationError(_("Esa pregunta ya estaba respondida en la sala."))
        question.state = LiveQuestion.State.ANSWERED
        question.answered_at = now
        question.save(update_fields=["state", "answered_at"])
        old = proposal.status
        proposal.status = status_after_answer(proposal)
        proposal.save(update_fields=["status"])
        _record(
            proposal,
            actor=actor,
            event=StatusChange.Event.ANSWERED,
            note=_("Respondida en la sala durante la sesión «%(title)s».")
            % {"title": session.title},
            from_status=old,
            now=now,
        )
    return question


def minimum_anonymous_audience_met(session: Session) -> bool:
    """Whether the phone page may offer to send anonymously."""
    return session_participants(session) >= settings.PROPOSALS_MIN_ANONYMOUS_AUDIENCE
