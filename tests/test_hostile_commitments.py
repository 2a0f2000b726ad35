"""Hostile input in the commitment forms (a session's agreements, an extension's
reason, Despacho's decision note), with the corpus and the checks of
``tests/test_hostile_input.py``: never a 500, refused in Spanish with nothing saved,
or saved and shown inert on every page and e-mail."""

import pytest

from cafe.common.business_days import add_business_days
from proposals import services
from proposals.models import DueDateExtension, Proposal
from sessions_app.tests.factories import held_session
from tests.test_hostile_input import (
    PLAIN,
    assert_inert,
    assert_mail_inert,
    attempt,
    get_ok,
    wrap,
)

pytestmark = pytest.mark.django_db


def agreement(session, actor, dependency):
    return services.record_agreement(
        session_id=session.pk,
        actor=actor,
        title="Mesa de trabajo",
        commitment="Instalar la mesa de trabajo sobre el teletrabajo.",
        dependency=dependency,
        business_days=10,
    )


def agreements_state():
    return list(
        Proposal.objects.order_by("pk").values_list("pk", "title", "commitment")
    )


def extensions_state():
    return list(
        DueDateExtension.objects.order_by("pk").values_list(
            "pk", "reason", "status", "decision_note"
        )
    )


def test_agreement_form(login, comunicaciones, servidor, dependency):
    session = held_session()
    client = login(comunicaciones)
    url = f"/propuestas/sesion/{session.pk}/acuerdos/"
    for field in ("title", "commitment"):
        for name, payload in PLAIN.items():
            data = {
                "title": "Mesa de trabajo",
                "commitment": "Instalar la mesa de trabajo sobre el teletrabajo.",
                "dependency": dependency.pk,
                "business_days": "10",
                field: wrap(name, payload),
            }
            if outcome := attempt(client, url, data, agreements_state, name):
                saved = Proposal.objects.latest("pk")
                outcome.shows(saved.title)
                assert_inert(
                    get_ok(login(servidor), f"/propuestas/{saved.pk}/"),
                    saved.title,
                    saved.commitment,
                )
    assert_inert(get_ok(login(servidor), f"/sesiones/{session.pk}/"))


def test_extension_reason_and_decision_note(
    login, comunicaciones, enlace, despacho, servidor, dependency
):
    session = held_session()
    liaison, boss = login(enlace), login(despacho)
    for name, payload in PLAIN.items():
        item = agreement(session, comunicaciones, dependency)
        data = {
            "new_due_date": add_business_days(item.due_date, 3).isoformat(),
            "reason": wrap(name, payload),
        }
        url = f"/propuestas/{item.pk}/prorroga/"
        if not attempt(liaison, url, data, extensions_state, name):
            continue
        extension = DueDateExtension.objects.latest("pk")
        assert_inert(
            get_ok(boss, "/propuestas/prorrogas/"), extension.reason.splitlines()[0]
        )
        decide = f"/propuestas/prorrogas/{extension.pk}/decidir/"
        data = {"decision": "rechazar", "note": wrap(name, payload)}
        if attempt(boss, decide, data, extensions_state, name):
            extension.refresh_from_db()
            assert_inert(
                get_ok(login(servidor), f"/propuestas/{item.pk}/"),
                extension.decision_note.splitlines()[0],
            )
    assert_mail_inert()
