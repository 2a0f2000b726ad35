"""Reads of the live questions: the room's screen, the phones' list, the moderation
queue. Each is a fixed number of queries whatever the number of questions."""

from django.db.models import Count, Q

from sessions_app.models import Registration, Session

from .models import LiveQuestion, Support

# How many questions the screen shows: what can be read from the back of a room.
BOARD_SIZE = 8
# How many the phones list (the most supported first).
PHONE_LIST_SIZE = 50

S = LiveQuestion.State


def session_for_live(*, session_id: int) -> Session:
    """A session that can have live questions: published or held. DoesNotExist
    otherwise (drafts and cancelled sessions have no room)."""
    return Session.objects.select_related("topic").get(
        pk=session_id, status__in=(Session.Status.PUBLISHED, Session.Status.HELD)
    )


def is_participant(*, session: Session, user) -> bool:
    """Registered (confirmed) in the session or marked present in it (walk-ins too).
    One indexed lookup."""
    return (
        Registration.objects.filter(session=session, user_id=user.pk)
        .filter(
            Q(status=Registration.Status.CONFIRMED) | Q(checked_in_at__isnull=False)
        )
        .exists()
    )


def _shown(session: Session):
    """Questions of the session that are not hidden (nor merged into another),
    with what a row shows: text, count, name when signed."""
    return (
        LiveQuestion.objects.filter(session=session, proposal__is_hidden=False)
        .select_related("proposal__author")
        .only(
            "state",
            "approved_at",
            "answered_at",
            "proposal__id",
            "proposal__text",
            "proposal__support_count",
            "proposal__is_anonymous",
            "proposal__author",
            "proposal__author__full_name",
        )
    )


def _by_supports(queryset):
    return queryset.order_by("-proposal__support_count", "proposal_id")


def room_counts(*, session: Session) -> dict:
    """How many questions wait, are on the screen, were answered (one query)."""
    return LiveQuestion.objects.filter(
        session=session, proposal__is_hidden=False
    ).aggregate(
        pending=Count("pk", filter=Q(state=S.PENDING)),
        approved=Count("pk", filter=Q(state=S.APPROVED)),
        answered=Count("pk", filter=Q(state=S.ANSWERED)),
    )


def board(*, session: Session) -> dict:
    """The room's screen: the approved questions most supported first (the first
    ``BOARD_SIZE``), and the counts. Two queries."""
    questions = list(
        _by_supports(_shown(session).filter(state=S.APPROVED))[:BOARD_SIZE]
    )
    return {"questions": questions, "counts": room_counts(session=session)}


def phone_list(*, session: Session, user) -> dict:
    """What a phone lists: the questions on the screen, most supported first, then
    those answered in the room, each with whether this person supports it. Two
    queries."""
    questions = list(
        _by_supports(_shown(session).exclude(state=S.PENDING))[:PHONE_LIST_SIZE]
    )
    supported = set(
        Support.objects.filter(
            user=user, proposal_id__in=[q.proposal_id for q in questions]
        ).values_list("proposal_id", flat=True)
    )
    for question in questions:
        question.supported = question.proposal_id in supported
        question.is_mine = question.proposal.author_id == user.pk
    return {
        "approved": [q for q in questions if q.state == S.APPROVED],
        "answered": [q for q in questions if q.state == S.ANSWERED],
    }


def moderation_queue(*, session: Session) -> dict:
    """Comunicaciones' queue: waiting (in order of arrival), on the screen (most
    supported first) and answered. One query."""
    rows = list(_by_supports(_shown(session)))
    return {
        "pending": sorted(
            (q for q in rows if q.state == S.PENDING), key=lambda q: q.proposal_id
        ),
        "approved": [q for q in rows if q.state == S.APPROVED],
        "answered": [q for q in rows if q.state == S.ANSWERED],
    }
