"""Live questions under real concurrency, on PostgreSQL: many phones send and
support at the same instant, and every count ends exact. The control run replaces
the F() update of the stored count with a read-then-write to prove the harness
sees lost updates."""

import time

import pytest

from proposals.models import LiveQuestion, Proposal, Support
from proposals.services import capture, live
from proposals.tests.live_helpers import ask, room, running_session
from sessions_app.tests.test_registration_concurrency import run_concurrently

PHONES = 40


def _room_with_two_questions_on_screen(comunicaciones):
    session = running_session()
    authors = room(session, 2)
    phones = room(session, PHONES)
    shown = []
    for n, author in enumerate(authors):
        proposal = ask(session, author, text=f"Pregunta en pantalla número {n}.")
        live.approve_live_question(
            session=session, proposal_id=proposal.pk, actor=comunicaciones
        )
        shown.append(proposal)
    return session, phones, shown


def _phone(session, person, index, shown):
    def act():
        live.send_live_question(
            session=session,
            user=person,
            text=f"Pregunta enviada desde el teléfono {index}.",
            anonymous=index % 4 == 0,
        )
        return [
            live.support_live_question(
                session=session, proposal_id=proposal.pk, user=person
            )
            for proposal in shown
        ]

    return act


@pytest.mark.django_db(transaction=True)
def test_forty_phones_sending_and_supporting_at_once_keep_exact_counts(
    postgres, comunicaciones
):
    session, phones, shown = _room_with_two_questions_on_screen(comunicaciones)

    results, errors = run_concurrently(
        [_phone(session, person, i, shown) for i, person in enumerate(phones)]
    )

    assert errors == []
    assert all(result == [True, True] for result in results)
    states = list(
        LiveQuestion.objects.filter(session=session).values_list("state", flat=True)
    )
    assert sorted(states) == sorted(["aprobada"] * 2 + ["por_moderar"] * PHONES)
    assert Proposal.objects.filter(is_anonymous=True).count() == PHONES // 4
    for proposal in shown:
        proposal.refresh_from_db()
        assert proposal.support_count == PHONES
        assert Support.objects.filter(proposal=proposal).count() == PHONES


@pytest.mark.django_db(transaction=True)
def test_control_a_read_then_write_count_loses_supports(
    postgres, comunicaciones, monkeypatch
):
    """If this ever stops losing supports, the harness no longer makes the supports
    overlap and the test above would pass without proving anything."""

    def read_then_write(proposal_id, delta):
        current = Proposal.objects.values_list("support_count", flat=True).get(
            pk=proposal_id
        )
        time.sleep(0.05)
        Proposal.objects.filter(pk=proposal_id).update(support_count=current + delta)

    monkeypatch.setattr(capture, "_add_to_support_count", read_then_write)
    session, phones, shown = _room_with_two_questions_on_screen(comunicaciones)

    _results, errors = run_concurrently(
        [_phone(session, person, i, shown) for i, person in enumerate(phones)]
    )

    assert errors == []
    proposal = Proposal.objects.get(pk=shown[0].pk)
    assert Support.objects.filter(proposal=proposal).count() == PHONES
    assert proposal.support_count < PHONES
