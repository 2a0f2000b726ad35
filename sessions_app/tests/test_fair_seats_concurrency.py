"""Fair seats under real concurrency, on PostgreSQL: the allocation job running
several times at once while late registrations arrive."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.testing.factories import UserFactory
from sessions_app import selectors, services
from sessions_app.models import Registration, Session
from sessions_app.tests.test_registration_concurrency import (
    open_session,
    run_concurrently,
)

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED


@pytest.mark.django_db(transaction=True)
def test_jobs_and_late_registrations_racing_allocate_once_within_capacity(postgres):
    now = timezone.now()
    session = open_session(
        capacity=5,
        allocation=Session.Allocation.NEWCOMERS_FIRST,
        allocation_window_closes_at=now - timedelta(minutes=1),
    )
    early = UserFactory.create_batch(12)
    for index, user in enumerate(early):
        Registration.objects.create(
            session=session,
            user=user,
            status=Registration.Status.REQUESTED,
            created_at=now - timedelta(hours=1) + timedelta(minutes=index),
        )
    late = UserFactory.create_batch(8)
    calls = [services.allocate_due_sessions for _ in range(4)] + [
        (lambda user=user: services.register_attendee(session_id=session.pk, user=user))
        for user in late
    ]

    results, errors = run_concurrently(calls)

    assert errors == []
    assert sum(results[:4]) <= 1  # the job allocated at most once (or a late
    # registration did it first, under the same lock)
    session.refresh_from_db()
    assert session.allocated_at is not None
    rows = Registration.objects.filter(session=session)
    assert rows.filter(status=CONFIRMED).count() == 5
    assert rows.filter(status=WAITLISTED).count() == 15
    # Each request got exactly one result, and nobody who came late overtook them.
    assert Delivery.objects.filter(kind="seat_allocated").count() == 12
    assert all(
        selectors.my_registration(session=session, user=user).position > 7
        for user in late
    )
