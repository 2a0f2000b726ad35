"""Fair seats: requests in a first window, seats given by the session's rule."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.testing.factories import UserFactory
from sessions_app import selectors, services
from sessions_app.models import Registration, Session
from sessions_app.services.allocation import allocation_order
from sessions_app.tests.factories import SessionFactory, held_session

pytestmark = pytest.mark.django_db

REQUESTED = Registration.Status.REQUESTED
CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED


def windowed(rule, *, capacity=2, **fields) -> Session:
    """A published session collecting requests until tomorrow."""
    return SessionFactory(
        capacity=capacity,
        allocation=rule,
        allocation_window_closes_at=timezone.now() + timedelta(days=1),
        **fields,
    )


def request_seats(session, users, *, start=None):
    """Each user requests a seat, one minute apart, in the order given."""
    start = start or timezone.now() - timedelta(hours=1)
    registrations = []
    for index, user in enumerate(users):
        registration, _created = services.register_attendee(
            session_id=session.pk, user=user, now=start + timedelta(minutes=index)
        )
        registrations.append(registration)
    return registrations


def attended_before(*users):
    past = held_session()
    for user in users:
        Registration.objects.create(
            session=past, user=user, status=CONFIRMED, checked_in_at=past.starts_at
        )


def close_window(session):
    return session.allocation_window_closes_at + timedelta(minutes=1)


def statuses(registrations):
    for registration in registrations:
        registration.refresh_from_db()
    return [r.status for r in registrations]


def test_requests_are_collected_until_the_window_closes(mailoutbox):
    session = windowed(Session.Allocation.NEWCOMERS_FIRST, capacity=1)
    users = UserFactory.create_batch(3)
    registrations = request_seats(session, users)
    assert statuses(registrations) == [REQUESTED] * 3
    assert Delivery.objects.filter(kind="registration_requested").count() == 3
    assert not Delivery.objects.filter(kind="registration_confirmed").exists()
    # Nothing is given before the close.
    assert services.allocate_seats(session_id=session.pk) is False
    assert statuses(registrations) == [REQUESTED] * 3


def test_never_attended_first_then_by_request_time():
    session = windowed(Session.Allocation.NEWCOMERS_FIRST, capacity=2)
    veteran_early, newcomer_a, veteran_late, newcomer_b = UserFactory.create_batch(4)
    attended_before(veteran_early, veteran_late)
    registrations = request_seats(
        session, [veteran_early, newcomer_a, veteran_late, newcomer_b]
    )

    assert services.allocate_seats(session_id=session.pk, now=close_window(session))

    by_user = {r.user_id: r for r in registrations}
    statuses(registrations)
    assert by_user[newcomer_a.pk].status == CONFIRMED
    assert by_user[newcomer_b.pk].status == CONFIRMED
    assert by_user[veteran_early.pk].status == WAITLISTED
    assert by_user[veteran_late.pk].status == WAITLISTED
    # The waitlist keeps the rule's order: the earlier request first.
    early = selectors.my_registration(session=session, user=veteran_early)
    late = selectors.my_registration(session=session, user=veteran_late)
    assert (early.position, late.position) == (1, 2)


def test_seeded_lottery_gives_a_known_result_and_can_be_repeated():
    session = windowed(Session.Allocation.LOTTERY, capacity=2)
    users = UserFactory.create_batch(5)
    r0, r1, r2, r3, r4 = request_seats(session, users)
    attended_before(users[0], users[2])

    services.allocate_seats(
        session_id=session.pk, now=close_window(session), seed=20261206
    )

    session.refresh_from_db()
    assert session.allocation_seed == 20261206
    statuses([r0, r1, r2, r3, r4])
    # random.Random(20261206) draws the newcomers r1, r3, r4 as r3, r1, r4 and the
    # returning r0, r2 as r0, r2: seats for r3 and r1, the waitlist r4, r0, r2.
    assert [r3.status, r1.status] == [CONFIRMED, CONFIRMED]
    positions = [
        selectors.my_registration(session=session, user=users[i]).position
        for i in (4, 0, 2)
    ]
    assert positions == [1, 2, 3]
    # Anyone can repeat the draw from the published seed and the requests.
    requests = sorted([r0, r1, r2, r3, r4], key=lambda r: (r.created_at, r.pk))
    again = allocation_order(
        requests,
        rule=Session.Allocation.LOTTERY,
        seed=session.allocation_seed,
        attended={users[0].pk, users[2].pk},
    )
    assert again == [r3, r1, r4, r0, r2]


def test_a_lottery_without_a_given_seed_draws_and_stores_one():
    session = windowed(Session.Allocation.LOTTERY, capacity=1)
    request_seats(session, UserFactory.create_batch(3))
    services.allocate_seats(session_id=session.pk, now=close_window(session))
    session.refresh_from_db()
    assert session.allocation_seed is not None
    assert session.allocated_at is not None


def test_the_job_is_idempotent_and_everyone_gets_the_result_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = windowed(Session.Allocation.NEWCOMERS_FIRST, capacity=1)
    users = UserFactory.create_batch(3)
    request_seats(session, users)
    later = close_window(session)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.allocate_due_sessions(now=later) == 1
        assert services.allocate_due_sessions(now=later) == 0
        call_command("allocate_seats")

    results = Delivery.objects.filter(kind="seat_allocated")
    assert sorted(results.values_list("to_email", flat=True)) == sorted(
        u.email for u in users
    )
    subjects = sorted(m.subject for m in mailoutbox if "Café" in m.subject)
    assert [s.split(":")[0] for s in subjects] == [
        "Está en la lista de espera",
        "Está en la lista de espera",
        "Inscripción confirmada",
    ]
    assert Registration.objects.filter(session=session, status=CONFIRMED).count() == 1


def test_after_the_window_first_come_with_the_waitlist_after_the_allocation():
    session = windowed(Session.Allocation.NEWCOMERS_FIRST, capacity=2)
    early = UserFactory.create_batch(3)
    requests = request_seats(session, early)
    late = UserFactory()
    # The first registration after the close allocates the requests first: the
    # late person cannot overtake them.
    registration, _ = services.register_attendee(
        session_id=session.pk, user=late, now=close_window(session)
    )
    assert statuses(requests) == [CONFIRMED, CONFIRMED, WAITLISTED]
    assert registration.status == WAITLISTED
    assert selectors.my_registration(session=session, user=late).position == 2

    # A freed seat goes to the allocation's waitlist first.
    services.cancel_registration(
        registration_id=requests[0].pk, user=early[0], now=close_window(session)
    )
    assert statuses(requests)[2] == CONFIRMED
    registration.refresh_from_db()
    assert registration.status == WAITLISTED


def test_capacity_is_never_exceeded_with_seats_already_taken():
    session = windowed(Session.Allocation.NEWCOMERS_FIRST, capacity=2)
    Registration.objects.create(session=session, user=UserFactory(), status=CONFIRMED)
    request_seats(session, UserFactory.create_batch(3))
    services.allocate_seats(session_id=session.pk, now=close_window(session))
    assert Registration.objects.filter(session=session, status=CONFIRMED).count() == 2


def test_the_rule_is_set_in_the_session_form_and_explained_on_the_page(
    login, comunicaciones, servidor
):
    session = windowed(Session.Allocation.LOTTERY)
    page = login(servidor).get(f"/sesiones/{session.pk}/").content.decode()
    assert "Cómo se reparten los cupos" in page
    assert "dentro de cada grupo el orden lo da un sorteo" in page
    assert "Solicitar un cupo" in page

    request_seats(session, [servidor])
    services.allocate_seats(
        session_id=session.pk, now=close_window(session), seed=424242
    )
    page = login(servidor).get(f"/sesiones/{session.pk}/").content.decode()
    assert "Semilla del sorteo" in page and "424242" in page


def test_a_rule_without_a_window_is_refused_in_spanish(login, comunicaciones):
    from sessions_app.tests.test_scheduling import form_data

    response = login(comunicaciones).post(
        "/sesiones/gestion/nueva/", form_data(allocation="primera_vez")
    )
    assert response.status_code == 200
    assert "Indique cuándo cierra la ventana de solicitudes" in (
        response.content.decode()
    )
    assert Session.objects.count() == 0


def test_the_rule_cannot_change_once_people_registered(comunicaciones):
    session = windowed(Session.Allocation.NEWCOMERS_FIRST)
    request_seats(session, [UserFactory()])
    with pytest.raises(ValidationError) as caught:
        services.save_session(
            session=session,
            actor=comunicaciones,
            data={"allocation": Session.Allocation.LOTTERY},
        )
    assert "ya no se puede cambiar" in caught.value.messages[0]
    session.refresh_from_db()
    assert session.allocation == Session.Allocation.NEWCOMERS_FIRST


def test_comunicaciones_publishes_the_rule_with_the_session(login, comunicaciones):
    from sessions_app.tests.test_scheduling import FMT, form_data

    data = form_data(allocation="sorteo")
    opens = timezone.datetime.strptime(data["registration_opens_at"], FMT)
    data["allocation_window_closes_at"] = (opens + timedelta(days=3)).strftime(FMT)
    response = login(comunicaciones).post("/sesiones/gestion/nueva/", data)
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.allocation == Session.Allocation.LOTTERY
    assert (
        timezone.localtime(session.allocation_window_closes_at).strftime(FMT)
        == (data["allocation_window_closes_at"])
    )


def test_editing_other_fields_keeps_the_rule_even_with_seconds_stored(
    login, comunicaciones
):
    session = windowed(Session.Allocation.NEWCOMERS_FIRST)
    session.allocation_window_closes_at = session.allocation_window_closes_at.replace(
        second=42
    )
    session.save()
    request_seats(session, [UserFactory()])
    fmt = "%Y-%m-%dT%H:%M"

    def local(moment):
        return timezone.localtime(moment).strftime(fmt)

    data = {
        "title": "Nuevo título",
        "description": "",
        "topic": "",
        "dependency": "",
        "starts_at": local(session.starts_at),
        "ends_at": local(session.ends_at),
        "format": "presencial",
        "place": session.place,
        "meeting_url": "",
        "capacity": "20",
        "registration_opens_at": local(session.registration_opens_at),
        "registration_closes_at": local(session.registration_closes_at),
        "allocation": "primera_vez",
        "allocation_window_closes_at": local(session.allocation_window_closes_at),
        "host_name": "",
    }
    response = login(comunicaciones).post(f"/sesiones/{session.pk}/editar/", data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Nuevo título"


def test_results_are_written_after_the_lock_once_with_each_place(mailoutbox):
    session = windowed(Session.Allocation.NEWCOMERS_FIRST, capacity=1)
    users = UserFactory.create_batch(3)
    request_seats(session, users)
    later = close_window(session)

    # The allocation itself writes no e-mail (its transaction holds the lock) ...
    services.allocate_seats(session_id=session.pk, now=later)
    assert not Delivery.objects.filter(kind="seat_allocated").exists()
    # ... the announcement does, once.
    assert services.announce_allocation(session_id=session.pk, now=later) == 3
    assert services.announce_allocation(session_id=session.pk, now=later) == 0
    assert services.allocate_due_sessions(now=later) == 0
    bodies = {
        d.to_email: d.body_text for d in Delivery.objects.filter(kind="seat_allocated")
    }
    assert len(bodies) == 3
    assert "Su cupo está confirmado" in bodies[users[0].email]
    assert "lista de espera, posición 1" in bodies[users[1].email]
    assert "lista de espera, posición 2" in bodies[users[2].email]


def test_the_job_announces_an_allocation_left_unannounced():
    session = windowed(Session.Allocation.LOTTERY, capacity=1)
    request_seats(session, UserFactory.create_batch(2))
    later = close_window(session)
    # A registration after the close allocated it (its task never ran).
    services.register_attendee(session_id=session.pk, user=UserFactory(), now=later)
    assert not Delivery.objects.filter(kind="seat_allocated").exists()
    assert services.allocate_due_sessions(now=later) == 0
    assert Delivery.objects.filter(kind="seat_allocated").count() == 2
    session.refresh_from_db()
    assert session.allocation_announced_at == later
