"""Despacho decides an extension once, also when several decisions arrive together
(PostgreSQL, real threads released by a barrier). The control run switches the row
lock off to prove the harness can see the race."""

import time

import pytest
from django.core.exceptions import ValidationError

from cafe.common.business_days import add_business_days
from cafe.testing.factories import UserFactory
from proposals import services
from proposals.models import DueDateExtension, StatusChange
from proposals.services import commitments as commitments_module
from sessions_app.tests.factories import held_session
from sessions_app.tests.test_registration_concurrency import run_concurrently

pytestmark = pytest.mark.django_db(transaction=True)
DECIDED = (
    StatusChange.Event.EXTENSION_APPROVED,
    StatusChange.Event.EXTENSION_REFUSED,
)


@pytest.fixture
def pending(postgres, dependency, comunicaciones, enlace):
    agreement = services.record_agreement(
        session_id=held_session().pk,
        actor=comunicaciones,
        title="Mesa de trabajo",
        commitment="Instalar la mesa de trabajo sobre el teletrabajo.",
        dependency=dependency,
        business_days=10,
    )
    return services.request_extension(
        proposal_id=agreement.pk,
        actor=enlace,
        new_due_date=add_business_days(agreement.due_date, 5),
        reason="La mesa se aplazó por las vacaciones colectivas.",
    )


def decide_all_at_once(extension, people):
    calls = [
        (
            lambda person=person, i=i: services.decide_extension(
                extension_id=extension.pk,
                actor=person,
                approve=i % 2 == 0,
                note=f"Decisión del Despacho número {i}.",
            )
        )
        for i, person in enumerate(people)
    ]
    return run_concurrently(calls)


def test_concurrent_decisions_decide_once(pending):
    people = UserFactory.create_batch(8, role="Despacho")
    results, errors = decide_all_at_once(pending, people)

    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 7
    assert all(isinstance(e, ValidationError) for _i, e in errors), errors
    assert all("ya fue decidida" in str(e) for _i, e in errors)
    decisions = StatusChange.objects.filter(event__in=DECIDED)
    assert decisions.count() == 1
    pending.refresh_from_db()
    proposal = pending.proposal
    if pending.status == DueDateExtension.Status.APPROVED:
        assert proposal.due_date == pending.requested_due_date
    else:
        assert proposal.due_date == pending.previous_due_date
    assert proposal.original_due_date == pending.previous_due_date


def test_control_without_the_row_lock_the_harness_sees_two_decisions(
    pending, monkeypatch
):
    monkeypatch.setattr(commitments_module, "LOCK_EXTENSION_ROW", False)
    monkeypatch.setattr(
        commitments_module, "after_extension_read", lambda: time.sleep(0.05)
    )
    people = UserFactory.create_batch(8, role="Despacho")
    _results, errors = decide_all_at_once(pending, people)

    assert StatusChange.objects.filter(event__in=DECIDED).count() > 1, errors
