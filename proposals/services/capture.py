"""Sending proposals (named or anonymous), capturing them in the room, supports.

Anonymous means un-linkable: no author in the proposal or its timeline, no e-mail, no
log line with the person, a tracking code shown once and stored only as a hash, and
no time: an anonymous proposal waits in a queue without any and is published with
others in a shuffled batch dated the batch's day (see ``anonymous``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions_app.models import Registration, Session

from ..models import Proposal, StatusChange, Support
from ..text_cleaning import clean_text
from .anonymous import hash_tracking_code, queue_anonymous_proposal


def session_participants(session: Session) -> int:
    """The people who could have sent something about a session: those with a
    confirmed registration or marked present (walk-ins too), not its whole audience.
    An anonymous question about a session one person attends is theirs, whatever the
    size of the dependency."""
    return (
        Registration.objects.filter(session=session)
        .filter(
            Q(status=Registration.Status.CONFIRMED) | Q(checked_in_at__isnull=False)
        )
        .values("user_id")
        .distinct()
        .count()
    )


def _check_session(session: Session | None, user, anonymous: bool) -> None:
    if session is None:
        return
    if session.status not in (Session.Status.PUBLISHED, Session.Status.HELD):
        raise ValidationError(_("Esa sesión no recibe propuestas."))
    if not session.is_in_audience(user):
        raise ValidationError(
            _("Solo el personal invitado a esa sesión puede enviarle propuestas.")
        )
    minimum = settings.PROPOSALS_MIN_ANONYMOUS_AUDIENCE
    if anonymous and session_participants(session) < minimum:
        raise ValidationError(
            _(
                "No es posible enviar una propuesta anónima a esta sesión: tiene "
                "menos de %(n)s personas inscritas o presentes y podrían "
                "identificarle. Envíela con su nombre o sin asociarla a la sesión."
            )
            % {"n": minimum}
        )


def _check_kind(kind: str) -> None:
    # Agreements are recorded from the conclusions (services.commitments).
    if kind not in Proposal.SUBMITTED_KINDS:
        raise ValidationError(
            _("Elija si es una propuesta, una inquietud o una pregunta.")
        )


def submit_proposal(
    *,
    user,
    kind: str,
    title: str,
    text: str,
    topic=None,
    session: Session | None = None,
    anonymous: bool = False,
    now=None,
):
    """Send a proposal. Returns ``(proposal, tracking_code)``.

    Named: the proposal, signed and timed, and no code. Anonymous: ``(None, code)``;
    it waits in the queue (``queue_anonymous_proposal``) until the next batch
    publishes it, and the code, never stored in clear, finds it meanwhile too."""
    title = clean_text(title, field=_("El título"))
    text = clean_text(text, field=_("El texto"), min_letters=10)
    _check_kind(kind)
    _check_session(session, user, anonymous)
    if anonymous:
        _row, code = queue_anonymous_proposal(
            kind=kind, title=title, text=text, topic=topic, session=session
        )
        return None, code
    now = now or timezone.now()
    with transaction.atomic():
        proposal = Proposal(
            kind=kind,
            title=title,
            text=text,
            topic=topic,
            session=session,
            origin=Proposal.Origin.ONLINE,
            author=user,
            created_at=now,
        )
        proposal.full_clean()
        proposal.save()
        StatusChange.objects.create(
            proposal=proposal,
            event=StatusChange.Event.CREATED,
            to_status=Proposal.Status.RECEIVED,
            note=_("Recibida."),
            actor=user,
            created_at=now,
        )
    return proposal, None


def capture_in_room(
    *,
    actor,
    session: Session,
    kind: str,
    title: str,
    text: str,
    author=None,
    topic=None,
):
    """Comunicaciones records a proposal raised during a session (author optional)."""
    title = clean_text(title, field=_("El título"))
    text = clean_text(text, field=_("El texto"), min_letters=10)
    _check_kind(kind)
    if session.status not in (Session.Status.PUBLISHED, Session.Status.HELD):
        raise ValidationError(
            _("Solo se capturan propuestas de sesiones realizadas o en curso.")
        )
    now = timezone.now()
    with transaction.atomic():
        proposal = Proposal(
            kind=kind,
            title=title,
            text=text,
            topic=topic or session.topic,
            session=session,
            author=author,
            origin=Proposal.Origin.ROOM,
            created_at=now,
        )
        proposal.full_clean()
        proposal.save()
        StatusChange.objects.create(
            proposal=proposal,
            event=StatusChange.Event.CREATED,
            to_status=Proposal.Status.RECEIVED,
            note=_("Planteada en la sesión y registrada por Comunicaciones."),
            actor=actor,
            created_at=now,
        )
    return proposal


def find_by_tracking_code(code: str) -> Proposal | None:
    if not code or len(code) > 40:
        return None
    return Proposal.objects.filter(tracking_code_hash=hash_tracking_code(code)).first()


def _add_to_support_count(proposal_id: int, delta: int) -> None:
    """Move the stored counter with the row it counts, in the caller's transaction
    (an F() update: concurrent supports add up instead of overwriting each other)."""
    Proposal.objects.filter(pk=proposal_id).update(
        support_count=F("support_count") + delta
    )


def support_proposal(*, proposal: Proposal, user) -> bool:
    """Support once. Returns False if the person already supported it."""
    if proposal.is_hidden:
        raise ValidationError(_("Esta propuesta no está disponible."))
    if proposal.author_id == user.pk:
        raise ValidationError(_("No puede apoyar su propia propuesta."))
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=user)
            _add_to_support_count(proposal.pk, 1)
    except IntegrityError:
        return False
    return True


def withdraw_support(*, proposal: Proposal, user) -> bool:
    with transaction.atomic():
        deleted, _count = Support.objects.filter(proposal=proposal, user=user).delete()
        if deleted:
            _add_to_support_count(proposal.pk, -deleted)
    return bool(deleted)


def recount_supports(proposal_ids) -> None:
    """Set the stored counter of these proposals from the Support table (one UPDATE),
    for writes that move or remove supports in bulk. Call it inside the transaction
    of that write."""
    counts = (
        Support.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Proposal.objects.filter(pk__in=list(proposal_ids)).update(
        support_count=Coalesce(Subquery(counts), Value(0))
    )


def forget_supports_of(*, user) -> None:
    """Before a person is deleted (their supports go with them, CASCADE): take their
    supports off the counters, in the transaction of the deletion."""
    Proposal.objects.filter(supports__user=user).update(
        support_count=F("support_count") - 1
    )
