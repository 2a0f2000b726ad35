"""Registration and cancellation under real concurrency, on PostgreSQL.

Every test starts real threads that wait on a ``threading.Barrier`` so their requests
hit the database together; each thread uses (and closes) its own connection. The
control run switches the session row lock off to prove the harness can see a race.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.testing.factories import UserFactory
from sessions_app import services
from sessions_app.models import Registration, Session
from sessions_app.services import registration as registration_module

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED

# Upper bound for one concurrent run (barrier wait plus every call); the tests
# finish in a few seconds, this only keeps a hang from blocking the suite.
RUN_TIMEOUT = 30


def run_concurrently(calls, *, timeout=RUN_TIMEOUT):
    """Run each zero-argument callable in its own thread, all released together.

    Returns ``(results, errors)``: ``results[i]`` is what ``calls[i]`` returned (or
    ``None``), ``errors`` lists ``(i, exception)`` for every call that raised,
    including a broken barrier. Fails the test if a thread is still running after
    ``timeout`` seconds.
    """
    barrier = threading.Barrier(len(calls), timeout=timeout / 2)
    results = [None] * len(calls)
    errors = []
    lock = threading.Lock()

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as exc:
            with lock:
                errors.append((index, exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, call), daemon=True)
        for i, call in enumerate(calls)
    ]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    alive = [thread.name for thread in threads if thread.is_alive()]
    assert not alive, f"{len(alive)} threads still running after {timeout}s"
    return results, errors


def open_session(**kwargs) -> Session:
    """A published session for the whole entity, registration open now."""
    now = timezone.now()
    starts_at = (now + timedelta(days=10)).replace(second=0, microsecond=0)
    fields = {
        "title": "Un Café con el Secretario",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=90),
        "place": "Sala de juntas del Despacho",
        "capacity": 10,
        "registration_opens_at": now - timedelta(days=1),
        "registration_closes_at": starts_at - timedelta(hours=2),
        "status": Session.Status.PUBLISHED,
        "host_name": "Secretario General",
        "dependency": None,
    }
    fields.update(kwargs)
    return Session.objects.create(**fields)


def statuses(session) -> dict[str, int]:
    rows = Registration.objects.filter(session=session).values_list("status", flat=True)
    counts = {CONFIRMED: 0, WAITLISTED: 0, CANCELLED: 0}
    for status in rows:
        counts[status] += 1
    return counts


def register_everyone_at_once(session, users):
    calls = [
        (lambda user=user: services.register_attendee(session_id=session.pk, user=user))
        for user in users
    ]
    return run_concurrently(calls)


@pytest.mark.django_db(transaction=True)
def test_sixty_people_racing_for_ten_seats_never_overbook(postgres, mailoutbox):
    session = open_session(capacity=10)
    users = UserFactory.create_batch(60)

    started = time.monotonic()
    results, errors = register_everyone_at_once(session, users)
    elapsed = time.monotonic() - started

    assert errors == []
    assert elapsed < RUN_TIMEOUT
    assert all(created for _registration, created in results)
    counts = statuses(session)
    assert counts[CONFIRMED] == 10
    assert counts[WAITLISTED] == 50
    assert Registration.objects.filter(session=session).count() == 60
    # One registration per person, and what each call returned is what was stored.
    assert sorted(
        Registration.objects.filter(session=session).values_list("user_id", flat=True)
    ) == sorted(user.pk for user in users)
    stored = dict(
        Registration.objects.filter(session=session).values_list("pk", "status")
    )
    assert {reg.pk: reg.status for reg, _created in results} == stored
    # The e-mail each person got matches the status they ended up with.
    kinds = Delivery.objects.filter(recipient__in=users).values_list("kind", flat=True)
    assert sorted(kinds) == sorted(
        ["registration_confirmed"] * 10 + ["registration_waitlisted"] * 50
    )
    subjects = [message.subject for message in mailoutbox]
    assert len(subjects) == 60
    assert subjects.count(f"Inscripción confirmada: {session.title}") == 10
    assert subjects.count(f"Está en la lista de espera: {session.title}") == 50


@pytest.mark.django_db(transaction=True)
def test_control_without_the_row_lock_the_harness_sees_overbooking(
    postgres, monkeypatch
):
    """Same race with the lock off and a pause after counting: it must overbook.

    If this ever stops overbooking, the harness no longer makes the requests overlap
    and the race test above would pass without proving anything.
    """
    monkeypatch.setattr(registration_module, "LOCK_SESSION_ROW", False)
    monkeypatch.setattr(
        registration_module, "after_seat_count", lambda: time.sleep(0.05)
    )
    session = open_session(capacity=10)
    users = UserFactory.create_batch(60)

    _results, errors = register_everyone_at_once(session, users)

    assert errors == []
    counts = statuses(session)
    assert counts[CONFIRMED] + counts[WAITLISTED] == 60
    assert counts[CONFIRMED] > 10, counts


@pytest.mark.django_db(transaction=True)
def test_twenty_clicks_of_one_person_make_one_registration(postgres):
    session = open_session(capacity=10)
    person = UserFactory()

    results, errors = run_concurrently(
        [
            lambda: services.register_attendee(session_id=session.pk, user=person)
            for _ in range(20)
        ]
    )

    assert errors == []
    assert all(isinstance(result, tuple) for result in results)
    assert all(isinstance(reg, Registration) for reg, _created in results)
    live = Registration.objects.filter(session=session).exclude(status=CANCELLED)
    [registration] = live
    assert registration.user_id == person.pk
    assert registration.status == CONFIRMED
    assert Registration.objects.filter(session=session).count() == 1
    assert {reg.pk for reg, _created in results} == {registration.pk}
    assert [created for _reg, created in results].count(True) == 1
    assert Delivery.objects.filter(recipient=person).count() == 1


def register_in_order(session, count):
    """Register ``count`` new people one after the other, one second apart."""
    start = timezone.now() - timedelta(minutes=30)
    registrations = []
    for i in range(count):
        registration, created = services.register_attendee(
            session_id=session.pk,
            user=UserFactory(),
            now=start + timedelta(seconds=i),
        )
        assert created
        registrations.append(registration)
    return registrations


def promoted_deliveries(registration):
    return Delivery.objects.filter(
        recipient_id=registration.user_id, kind="registration_promoted"
    )


def assert_promoted_once(registration):
    [delivery] = promoted_deliveries(registration)
    assert delivery.idempotency_key == f"registration:{registration.pk}:promoted"
    assert delivery.to_email == registration.user.email
    assert delivery.state == Delivery.State.SENT


@pytest.fixture
def slow_critical_sections(monkeypatch):
    """Pause after counting seats, so concurrent calls surely overlap there.

    The session row lock stays on: with it the outcome is the same, only slower.
    Were the calls not serialised, the pauses make them read the same seat count
    and the same head of the waitlist (checked by hand: without the session lock
    and the row locks of ``promote_waiting`` both cancellation tests fail).
    """
    promote_waiting = registration_module.promote_waiting

    def slow_promote_waiting(session, **kwargs):
        time.sleep(0.05)
        return promote_waiting(session, **kwargs)

    monkeypatch.setattr(registration_module, "promote_waiting", slow_promote_waiting)
    monkeypatch.setattr(
        registration_module, "after_seat_count", lambda: time.sleep(0.05)
    )


@pytest.fixture
def full_session_with_waitlist(postgres):
    """Capacity 3: three confirmed, then four waiting in a known order."""
    session = open_session(capacity=3)
    registrations = register_in_order(session, 7)
    confirmed, waiting = registrations[:3], registrations[3:]
    assert [reg.status for reg in confirmed] == [CONFIRMED] * 3
    assert [reg.status for reg in waiting] == [WAITLISTED] * 4
    mail.outbox.clear()
    return session, confirmed, waiting


@pytest.mark.django_db(transaction=True)
def test_cancellations_promote_in_waitlist_order(full_session_with_waitlist):
    session, confirmed, waiting = full_session_with_waitlist
    promoted_subject = f"Se liberó un cupo: inscripción confirmada en {session.title}"

    # Each cancelled seat goes to the first person still waiting, and only to them.
    steps = [
        (confirmed[0], waiting[0]),
        (confirmed[1], waiting[1]),
        (waiting[0], waiting[2]),  # a promoted person cancels in turn
        (confirmed[2], waiting[3]),
    ]
    for step, (leaving, expected) in enumerate(steps, start=1):
        cancelled = services.cancel_registration(
            registration_id=leaving.pk, user=leaving.user
        )
        assert cancelled.status == CANCELLED
        expected.refresh_from_db()
        assert expected.status == CONFIRMED, f"step {step}"
        assert expected.promoted_at is not None
        assert_promoted_once(expected)
        assert statuses(session)[CONFIRMED] == 3, f"step {step}"
        promoted_mails = [m for m in mail.outbox if m.subject == promoted_subject]
        assert [m.to for m in promoted_mails][-1] == [expected.user.email]
        assert len(promoted_mails) == step

    assert statuses(session) == {CONFIRMED: 3, WAITLISTED: 0, CANCELLED: 4}
    # Nobody got a second promotion notice.
    assert Delivery.objects.filter(kind="registration_promoted").count() == 4

    # With nobody waiting, a cancellation frees a seat and promotes no one.
    services.cancel_registration(registration_id=waiting[1].pk, user=waiting[1].user)
    assert statuses(session) == {CONFIRMED: 2, WAITLISTED: 0, CANCELLED: 5}
    assert Delivery.objects.filter(kind="registration_promoted").count() == 4


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_waiting_place_promotes_no_one(full_session_with_waitlist):
    session, confirmed, waiting = full_session_with_waitlist

    services.cancel_registration(registration_id=waiting[0].pk, user=waiting[0].user)
    assert statuses(session) == {CONFIRMED: 3, WAITLISTED: 3, CANCELLED: 1}
    assert not Delivery.objects.filter(kind="registration_promoted").exists()

    # The next free seat skips the cancelled person and goes to the next in line.
    services.cancel_registration(
        registration_id=confirmed[0].pk, user=confirmed[0].user
    )
    waiting[1].refresh_from_db()
    assert waiting[1].status == CONFIRMED
    assert_promoted_once(waiting[1])
    line = Registration.objects.filter(pk__in=[reg.pk for reg in waiting])
    assert [reg.status for reg in line.order_by("created_at", "pk")] == [
        CANCELLED,
        CONFIRMED,
        WAITLISTED,
        WAITLISTED,
    ]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_cancellations_promote_the_first_two_waiting(
    full_session_with_waitlist, slow_critical_sections
):
    session, confirmed, waiting = full_session_with_waitlist

    results, errors = run_concurrently(
        [
            lambda reg=reg: services.cancel_registration(
                registration_id=reg.pk, user=reg.user
            )
            for reg in confirmed[:2]
        ]
    )

    assert errors == []
    assert [reg.status for reg in results] == [CANCELLED, CANCELLED]
    assert statuses(session) == {CONFIRMED: 3, WAITLISTED: 2, CANCELLED: 2}
    for reg in waiting:
        reg.refresh_from_db()
    assert [reg.status for reg in waiting] == [
        CONFIRMED,
        CONFIRMED,
        WAITLISTED,
        WAITLISTED,
    ]
    assert_promoted_once(waiting[0])
    assert_promoted_once(waiting[1])
    assert not promoted_deliveries(waiting[2]).exists()
    assert not promoted_deliveries(waiting[3]).exists()
    assert Delivery.objects.filter(kind="registration_promoted").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [waiting[0].user.email, waiting[1].user.email]
    )


@pytest.mark.django_db(transaction=True)
def test_all_seats_cancelled_at_once_with_new_people_arriving(
    full_session_with_waitlist, slow_critical_sections
):
    """Three cancellations and three new registrations at the same time.

    Whatever the interleaving, capacity holds, the four people already waiting are
    served before any newcomer, and every promotion is announced exactly once.
    """
    session, confirmed, waiting = full_session_with_waitlist
    newcomers = UserFactory.create_batch(3)
    calls = [
        lambda reg=reg: services.cancel_registration(
            registration_id=reg.pk, user=reg.user
        )
        for reg in confirmed
    ] + [
        lambda user=user: services.register_attendee(session_id=session.pk, user=user)
        for user in newcomers
    ]

    _results, errors = run_concurrently(calls)

    assert errors == []
    assert statuses(session) == {CONFIRMED: 3, WAITLISTED: 4, CANCELLED: 3}
    for reg in waiting:
        reg.refresh_from_db()
    assert [reg.status for reg in waiting] == [CONFIRMED] * 3 + [WAITLISTED]
    for reg in waiting[:3]:
        assert_promoted_once(reg)
    assert not promoted_deliveries(waiting[3]).exists()
    assert set(
        Registration.objects.filter(user__in=newcomers).values_list("status", flat=True)
    ) == {WAITLISTED}
