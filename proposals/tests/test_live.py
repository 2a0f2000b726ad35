"""Live questions at the service level: sending (named and anonymous, the threshold,
who and when), supports once per person, and the moderation (approve, hide, merge,
answered in the room)."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.testing.factories import UserFactory
from proposals import live_selectors as selectors
from proposals.models import LiveQuestion, Proposal, StatusChange, Support
from proposals.services import live
from proposals.services.anonymous import batch_day, hash_tracking_code
from proposals.tests.live_helpers import ask, room, running_session
from proposals.tests.test_anonymous_queue import changes, snapshot
from sessions_app.models import Registration
from sessions_app.tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

S = LiveQuestion.State


@pytest.fixture
def session():
    return running_session()


@pytest.fixture
def people(session):
    return room(session, 5)


def board_texts(session) -> list[tuple[str, int]]:
    return [
        (q.proposal.text, q.proposal.support_count)
        for q in selectors.board(session=session)["questions"]
    ]


# --- Sending ----------------------------------------------------------------------


def test_a_named_question_is_a_signed_proposal_of_the_session_waiting(session, people):
    proposal = ask(session, people[0], text="¿Habrá más cupos en el comedor?")
    proposal.refresh_from_db()
    assert proposal.kind == Proposal.Kind.QUESTION
    assert proposal.session == session
    assert proposal.author == people[0] and not proposal.is_anonymous
    assert proposal.status == Proposal.Status.RECEIVED
    assert proposal.title == "¿Habrá más cupos en el comedor?"
    assert proposal.live.state == S.PENDING
    assert list(proposal.changes.values_list("event", "actor")) == [
        (StatusChange.Event.CREATED, people[0].pk)
    ]
    # Waiting for moderation: not on the screen yet.
    assert board_texts(session) == []


def test_an_anonymous_question_has_no_author_and_only_its_day(session, people):
    before = snapshot()
    now = timezone.now()
    proposal, code = live.send_live_question(
        session=session,
        user=people[0],
        text="¿Por qué se cambió el horario sin consultarnos?",
        anonymous=True,
        now=now,
    )
    after = snapshot()
    # Only the proposal, its creation entry and its place in the room are written:
    # no row of the person (login session, registration, supports) is touched.
    found = changes(before, after)
    assert set(found) == {
        Proposal._meta.label,
        StatusChange._meta.label,
        LiveQuestion._meta.label,
    }
    assert all(not c["changed"] and not c["removed"] for c in found.values())
    proposal.refresh_from_db()
    assert proposal.author is None and proposal.is_anonymous
    assert proposal.created_at == batch_day(now)
    assert proposal.tracking_code_hash == hash_tracking_code(code)
    entry = proposal.changes.get()
    assert (entry.actor, entry.created_at) == (None, batch_day(now))
    values = LiveQuestion.objects.values().get(pk=proposal.pk)
    assert [v for v in values.values() if isinstance(v, date | datetime)] == []


def test_anonymous_questions_need_the_threshold_of_people_in_the_room(
    session, settings
):
    settings.PROPOSALS_MIN_ANONYMOUS_AUDIENCE = 5
    people = room(session, 4)
    # Waitlisted and cancelled registrations do not count.
    RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    with pytest.raises(ValidationError, match="menos de 5 personas"):
        live.send_live_question(
            session=session,
            user=people[0],
            text="¿Quién decide los turnos de vacaciones?",
            anonymous=True,
        )
    assert not Proposal.objects.exists()
    assert not live.minimum_anonymous_audience_met(session)
    # A walk-in marked present makes five.
    RegistrationFactory(session=session, walk_in=True, checked_in_at=timezone.now())
    assert live.minimum_anonymous_audience_met(session)
    proposal, code = live.send_live_question(
        session=session,
        user=people[0],
        text="¿Quién decide los turnos de vacaciones?",
        anonymous=True,
    )
    assert proposal.is_anonymous and code


def test_only_people_registered_or_present_may_send(session, people):
    outsider = UserFactory()
    waiting = UserFactory()
    RegistrationFactory(
        session=session, user=waiting, status=Registration.Status.WAITLISTED
    )
    for person in (outsider, waiting):
        with pytest.raises(PermissionDenied):
            ask(session, person)
    present = UserFactory()
    RegistrationFactory(
        session=session,
        user=present,
        status=Registration.Status.CANCELLED,
        checked_in_at=timezone.now(),
    )
    ask(session, present)
    assert Proposal.objects.count() == 1


def test_questions_are_taken_only_while_the_session_runs(people):
    start = timezone.now() + timedelta(hours=2)
    later = running_session(
        starts_at=start,
        ends_at=start + timedelta(minutes=60),
        registration_closes_at=start - timedelta(hours=1),
    )
    RegistrationFactory(session=later, user=people[0])
    with pytest.raises(ValidationError, match="no están abiertas"):
        ask(later, people[0])
    # From a quarter of an hour before the start to half an hour after the end.
    ask(later, people[0], now=start - timedelta(minutes=14))
    ask(later, people[0], now=later.ends_at + timedelta(minutes=29))
    with pytest.raises(ValidationError, match="no están abiertas"):
        ask(later, people[0], now=later.ends_at + timedelta(minutes=31))
    assert Proposal.objects.count() == 2


def test_bad_text_gets_a_spanish_message_and_writes_nothing(session, people):
    for text, message in [
        ("", "falta el texto"),
        ("¿y?", "falta el texto"),
        ("Pregunta larga " * 40, "demasiado larga"),
    ]:
        with pytest.raises(ValidationError, match=message):
            ask(session, people[0], text=text)
    assert not Proposal.objects.exists() and not LiveQuestion.objects.exists()


# --- Supports -----------------------------------------------------------------------


def test_one_support_per_person_on_approved_questions_only(
    session, people, comunicaciones
):
    author, first, second = people[:3]
    proposal = ask(session, author)
    with pytest.raises(ValidationError, match="no está en la pantalla"):
        live.support_live_question(session=session, proposal_id=proposal.pk, user=first)
    live.approve_live_question(
        session=session, proposal_id=proposal.pk, actor=comunicaciones
    )
    assert live.support_live_question(
        session=session, proposal_id=proposal.pk, user=first
    )
    assert not live.support_live_question(
        session=session, proposal_id=proposal.pk, user=first
    )
    assert live.support_live_question(
        session=session, proposal_id=proposal.pk, user=second
    )
    with pytest.raises(ValidationError, match="propia"):
        live.support_live_question(
            session=session, proposal_id=proposal.pk, user=author
        )
    with pytest.raises(PermissionDenied):
        live.support_live_question(
            session=session, proposal_id=proposal.pk, user=UserFactory()
        )
    proposal.refresh_from_db()
    assert proposal.support_count == 2 == Support.objects.count()


def test_the_board_orders_by_supports(session, people, comunicaciones):
    few = ask(session, people[0], text="Pregunta con pocos apoyos de la sala")
    many = ask(session, people[1], text="Pregunta con muchos apoyos de la sala")
    for proposal in (few, many):
        live.approve_live_question(
            session=session, proposal_id=proposal.pk, actor=comunicaciones
        )
    for person in people[2:]:
        live.support_live_question(session=session, proposal_id=many.pk, user=person)
    live.support_live_question(session=session, proposal_id=few.pk, user=people[2])
    assert board_texts(session) == [
        ("Pregunta con muchos apoyos de la sala", 3),
        ("Pregunta con pocos apoyos de la sala", 1),
    ]


# --- Moderation ---------------------------------------------------------------------


def test_approve_puts_it_on_the_board_with_an_internal_timeline_row(
    session, people, comunicaciones
):
    proposal = ask(session, people[0])
    live.approve_live_question(
        session=session, proposal_id=proposal.pk, actor=comunicaciones
    )
    question = LiveQuestion.objects.get(pk=proposal.pk)
    assert question.state == S.APPROVED and question.approved_at is not None
    entry = proposal.changes.get(event=StatusChange.Event.MODERATED)
    assert (entry.actor, entry.is_public) == (comunicaciones, False)
    assert len(board_texts(session)) == 1
    with pytest.raises(ValidationError, match="ya estaba aprobada"):
        live.approve_live_question(
            session=session, proposal_id=proposal.pk, actor=comunicaciones
        )


def test_only_comunicaciones_moderates(session, people, despacho):
    proposal = ask(session, people[0])
    for action in (live.approve_live_question, live.mark_answered_in_room):
        with pytest.raises(PermissionDenied):
            action(session=session, proposal_id=proposal.pk, actor=despacho)
    with pytest.raises(PermissionDenied):
        live.hide_live_question(
            session=session, proposal_id=proposal.pk, actor=people[1], reason="No."
        )
    assert LiveQuestion.objects.get(pk=proposal.pk).state == S.PENDING


def test_hide_takes_it_off_the_queue_and_the_board(session, people, comunicaciones):
    proposal = ask(session, people[0])
    live.approve_live_question(
        session=session, proposal_id=proposal.pk, actor=comunicaciones
    )
    with pytest.raises(ValidationError, match="motivo"):
        live.hide_live_question(
            session=session, proposal_id=proposal.pk, actor=comunicaciones, reason=""
        )
    live.hide_live_question(
        session=session,
        proposal_id=proposal.pk,
        actor=comunicaciones,
        reason="Nombra a una persona.",
    )
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.hidden_reason == "Nombra a una persona."
    assert board_texts(session) == []
    queue = selectors.moderation_queue(session=session)
    assert queue == {"pending": [], "approved": [], "answered": []}
    with pytest.raises(ValidationError, match="no está en la pantalla"):
        live.support_live_question(
            session=session, proposal_id=proposal.pk, user=people[1]
        )


def test_merge_moves_supports_and_puts_the_original_on_the_board(
    session, people, comunicaciones
):
    original = ask(session, people[0], text="¿Habrá teletrabajo el próximo año?")
    copy = ask(session, people[1], text="¿Seguirá el teletrabajo en el próximo año?")
    live.approve_live_question(
        session=session, proposal_id=copy.pk, actor=comunicaciones
    )
    for person in people[2:]:
        live.support_live_question(session=session, proposal_id=copy.pk, user=person)
    live.merge_live_question(
        session=session,
        proposal_id=copy.pk,
        original_id=original.pk,
        actor=comunicaciones,
    )
    copy.refresh_from_db()
    assert copy.is_hidden and copy.duplicate_of_id == original.pk
    # The copy was on the screen: the original, still waiting, takes its place.
    assert board_texts(session) == [("¿Habrá teletrabajo el próximo año?", 3)]
    assert Support.objects.filter(proposal=original).count() == 3


def test_merge_refuses_a_question_of_another_session(session, people, comunicaciones):
    other = running_session()
    stranger = room(other, 1)[0]
    mine = ask(session, people[0])
    theirs = ask(other, stranger)
    with pytest.raises(ValidationError, match="no es de esta sesión"):
        live.merge_live_question(
            session=session,
            proposal_id=mine.pk,
            original_id=theirs.pk,
            actor=comunicaciones,
        )
    with pytest.raises(ValidationError, match="no es de esta sesión"):
        live.approve_live_question(
            session=session, proposal_id=theirs.pk, actor=comunicaciones
        )
    assert not Proposal.objects.filter(is_hidden=True).exists()


def test_answered_in_the_room_leaves_the_board_and_records_it(
    session, people, comunicaciones
):
    proposal = ask(session, people[0])
    live.approve_live_question(
        session=session, proposal_id=proposal.pk, actor=comunicaciones
    )
    live.support_live_question(session=session, proposal_id=proposal.pk, user=people[1])
    live.mark_answered_in_room(
        session=session, proposal_id=proposal.pk, actor=comunicaciones
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ANSWERED
    assert proposal.first_answered_at is not None
    entry = proposal.changes.get(event=StatusChange.Event.ANSWERED)
    assert entry.from_status == Proposal.Status.RECEIVED
    assert entry.to_status == Proposal.Status.ANSWERED
    assert entry.note == f"Respondida en la sala durante la sesión «{session.title}»."
    assert entry.is_public and entry.actor == comunicaciones
    assert board_texts(session) == []
    assert selectors.room_counts(session=session) == {
        "pending": 0,
        "approved": 0,
        "answered": 1,
    }
    # The author and the supporter are told (through the outbox).
    told = Delivery.objects.filter(kind="proposal_changed").values_list(
        "recipient_id", flat=True
    )
    assert sorted(told) == sorted([people[0].pk, people[1].pk])
    with pytest.raises(ValidationError, match="ya estaba respondida"):
        live.mark_answered_in_room(
            session=session, proposal_id=proposal.pk, actor=comunicaciones
        )
