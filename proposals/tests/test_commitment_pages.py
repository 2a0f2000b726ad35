"""Commitment pages: who may record agreements, ask for and decide extensions, what
the proposal page shows (the original date), and flat query counts of the lists."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cafe.common.business_days import add_business_days, is_business_day
from cafe.testing.factories import UserFactory
from proposals import services
from proposals.models import DueDateExtension, Proposal
from sessions_app.models import Minutes, Session
from sessions_app.tests.factories import held_session

pytestmark = pytest.mark.django_db
ENLACE = "Enlace de dependencia"


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def session():
    return held_session(title="Café con Talento Humano")


def record(session, actor, dependency, title="Mesa de trabajo"):
    return services.record_agreement(
        session_id=session.pk,
        actor=actor,
        title=title,
        commitment="Instalar la mesa de trabajo sobre el teletrabajo.",
        dependency=dependency,
        business_days=10,
    )


def count_queries(client, url) -> tuple[int, str]:
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries), response.content.decode()


# --- The agreements page ----------------------------------------------------------


def test_comunicaciones_records_an_agreement_from_the_page(
    login, comunicaciones, session, dependency
):
    client = login(comunicaciones)
    url = reverse("proposals:agreements", args=[session.pk])
    assert "Registrar un acuerdo" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "Mesa de trabajo",
            "commitment": "Instalar la mesa de trabajo sobre el teletrabajo.",
            "dependency": dependency.pk,
            "business_days": "10",
        },
        follow=True,
    )
    item = Proposal.objects.get()
    assert item.kind == Proposal.Kind.AGREEMENT
    expected = add_business_days(timezone.localdate(session.starts_at), 10)
    assert item.due_date == expected
    page = response.content.decode()
    assert f"para el {expected:%d/%m/%Y}" in page
    assert "Mesa de trabajo" in page


@pytest.mark.parametrize("days", ["0", "abc", "", "9999"])
def test_a_bad_term_on_the_page_changes_nothing(
    login, comunicaciones, session, dependency, days
):
    response = login(comunicaciones).post(
        reverse("proposals:agreements", args=[session.pk]),
        {
            "title": "Mesa de trabajo",
            "commitment": "Instalar la mesa de trabajo sobre el teletrabajo.",
            "dependency": dependency.pk,
            "business_days": days,
        },
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not Proposal.objects.exists()


def test_no_agreements_before_the_session_is_held(
    login, comunicaciones, dependency, session
):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.PUBLISHED)
    client = login(comunicaciones)
    url = reverse("proposals:agreements", args=[session.pk])
    response = client.post(
        url,
        {
            "title": "Mesa",
            "commitment": "Instalar la mesa de trabajo.",
            "dependency": dependency.pk,
            "business_days": "10",
        },
        follow=True,
    )
    assert "cuando la sesión está realizada" in response.content.decode()
    assert not Proposal.objects.exists()


def test_only_comunicaciones_and_despacho_open_the_agreements_page(
    client, login, servidor, enlace, despacho, session
):
    url = reverse("proposals:agreements", args=[session.pk])
    assert client.get(url).status_code == 302  # to the login page
    for person in (servidor, enlace):
        assert login(person).get(url).status_code == 403
        assert login(person).post(url, {}).status_code == 403
    assert login(despacho).get(url).status_code == 200
    assert not Proposal.objects.exists()


def test_the_session_and_minutes_pages_show_the_agreements(
    login, comunicaciones, servidor, session, dependency
):
    record(session, comunicaciones, dependency)
    page = login(servidor).get(reverse("sessions:detail", args=[session.pk]))
    text = page.content.decode()
    assert "Lo que dijimos y lo que sigue" in text
    assert "Mesa de trabajo" in text
    # Not repeated among the session's proposals, and no link for staff.
    assert "Todavía no hay propuestas para esta sesión." in text
    assert reverse("proposals:agreements", args=[session.pk]) not in text
    minutes = login(comunicaciones).get(
        reverse("sessions:minutes_edit", args=[session.pk])
    )
    assert (
        reverse("proposals:agreements", args=[session.pk]) in minutes.content.decode()
    )


def test_the_agreements_page_query_count_is_flat(
    login, comunicaciones, session, dependency
):
    client = login(comunicaciones)
    url = reverse("proposals:agreements", args=[session.pk])
    record(session, comunicaciones, dependency, title="Acuerdo 0")
    few, page = count_queries(client, url)
    assert "Acuerdo 0" in page
    for n in range(1, 30):
        record(session, comunicaciones, dependency, title=f"Acuerdo {n}")
    many, page = count_queries(client, url)
    assert "Acuerdo 29" in page
    assert many == few
    detail = reverse("sessions:detail", args=[session.pk])
    few_detail, _page = count_queries(client, detail)
    record(session, comunicaciones, dependency, title="Uno más")
    assert count_queries(client, detail)[0] == few_detail


# --- Extensions -------------------------------------------------------------------


@pytest.fixture
def committed(session, comunicaciones, dependency):
    return record(session, comunicaciones, dependency)


def ask_data(proposal):
    return {
        "new_due_date": next_business_day(proposal.due_date).isoformat(),
        "reason": "La mesa se aplazó por las vacaciones colectivas.",
    }


def test_only_the_liaison_of_the_dependency_sees_and_sends_the_request(
    login, committed, enlace, servidor, despacho, other_dependency
):
    other_liaison = UserFactory(
        role=ENLACE, dependency=other_dependency, liaison_of=other_dependency
    )
    detail = reverse("proposals:detail", args=[committed.pk])
    url = reverse("proposals:extension_request", args=[committed.pk])
    for person in (servidor, despacho, other_liaison):
        client = login(person)
        assert "Pedir la prórroga" not in client.get(detail).content.decode()
        assert client.post(url, ask_data(committed)).status_code == 403
    assert not DueDateExtension.objects.exists()

    client = login(enlace)
    assert "Pedir la prórroga" in client.get(detail).content.decode()
    page = client.post(url, ask_data(committed), follow=True).content.decode()
    assert "Espera la decisión del Despacho" in page
    assert DueDateExtension.objects.get().requested_by == enlace


def test_a_request_without_a_reason_changes_nothing(login, committed, enlace):
    data = ask_data(committed) | {"reason": ""}
    response = login(enlace).post(
        reverse("proposals:extension_request", args=[committed.pk]), data, follow=True
    )
    assert "obligatorio" in response.content.decode()
    assert not DueDateExtension.objects.exists()


def test_only_despacho_decides_once_and_the_original_date_stays_visible(
    login, committed, enlace, comunicaciones, despacho
):
    original = committed.due_date
    extension = services.request_extension(
        proposal_id=committed.pk,
        actor=enlace,
        new_due_date=next_business_day(original),
        reason="La mesa se aplazó por las vacaciones colectivas.",
    )
    url = reverse("proposals:extension_decide", args=[extension.pk])
    for person in (enlace, comunicaciones):
        response = login(person).post(url, {"decision": "aprobar"})
        assert response.status_code == 403
    client = login(despacho)
    detail = reverse("proposals:detail", args=[committed.pk])
    assert "Registrar la decisión" in client.get(detail).content.decode()
    page = client.post(url, {"decision": "aprobar"}, follow=True)
    text = page.content.decode()
    assert "Prórroga aprobada: la fecha de cumplimiento cambió." in text
    assert "Fecha original" in text and f"{original:%d/%m/%Y}" in text

    again = client.post(
        url,
        {"decision": "rechazar", "note": "Mejor no, lo siento."},
        follow=True,
    )
    assert "Esta solicitud ya fue decidida: aprobada." in again.content.decode()
    committed.refresh_from_db()
    assert committed.due_date == next_business_day(original)
    assert committed.original_due_date == original
    extension.refresh_from_db()
    assert extension.status == DueDateExtension.Status.APPROVED


def test_the_pending_extensions_page_is_for_despacho_with_flat_queries(
    login, session, comunicaciones, dependency, enlace, despacho
):
    url = reverse("proposals:extensions")
    assert login(enlace).get(url).status_code == 403
    assert login(comunicaciones).get(url).status_code == 403

    def pending(title):
        item = record(session, comunicaciones, dependency, title=title)
        services.request_extension(
            proposal_id=item.pk,
            actor=enlace,
            new_due_date=next_business_day(item.due_date),
            reason=f"Motivo suficiente para {title}.",
        )

    client = login(despacho)
    pending("Acuerdo 0")
    few, page = count_queries(client, url)
    assert "Motivo suficiente para Acuerdo 0." in page
    for n in range(1, 25):
        pending(f"Acuerdo {n}")
    many, page = count_queries(client, url)
    assert "Motivo suficiente para Acuerdo 24." in page
    assert many == few


def test_the_agreements_page_shows_what_the_conclusions_say(
    login, comunicaciones, session
):
    Minutes.objects.create(
        session=session,
        summary="Hablamos del teletrabajo.",
        agreements="- Mesa con Talento Humano en 15 días",
    )
    page = login(comunicaciones).get(reverse("proposals:agreements", args=[session.pk]))
    text = page.content.decode()
    assert "Acuerdos escritos en las conclusiones" in text
    assert "Mesa con Talento Humano en 15 días" in text
