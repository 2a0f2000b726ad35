"""The home page: what is waiting for each role, in a flat number of queries."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cafe.org.home import SECTIONS
from cafe.testing.factories import DependencyFactory, UserFactory
from proposals.models import Proposal, StatusChange
from proposals.tests.factories import ProposalFactory
from sessions_app.models import Minutes, Registration
from sessions_app.tests.factories import SessionFactory, held_session

pytestmark = pytest.mark.django_db

S = Proposal.Status


@pytest.fixture
def everyone(db):
    """One person with every role: all four sections on the page."""
    dependency = DependencyFactory(name="Talento Humano")
    user = UserFactory(dependency=dependency, liaison_of=dependency)
    for name in ("Despacho", "Comunicaciones", "Enlace de dependencia"):
        user.groups.add(Group.objects.get(name=name))
    return user


def add_rows(user, i):
    """One more thing waiting in every panel."""
    now = timezone.now()
    upcoming = SessionFactory(
        title=f"Próxima {i}", starts_at=now + timedelta(hours=1, minutes=i)
    )
    Registration.objects.create(session=upcoming, user=user, status="confirmada")
    held = held_session(title=f"Realizada {i}")
    Registration.objects.create(
        session=held, user=user, status="confirmada", checked_in_at=held.starts_at
    )
    Minutes.objects.create(
        session=held_session(title=f"En revisión {i}"),
        summary="x",
        status=Minutes.Status.IN_REVIEW,
    )
    ProposalFactory(title=f"Por responder {i}")
    ProposalFactory(
        title=f"Vencida {i}",
        status=S.ACCEPTED,
        responsible_dependency=user.liaison_of,
        due_date=timezone.localdate() - timedelta(days=1 + i),
    )
    mine = ProposalFactory(title=f"Mía {i}", author=user)
    StatusChange.objects.create(
        proposal=mine,
        event=StatusChange.Event.ANSWERED,
        to_status=S.IN_ANALYSIS,
        note="Respuesta del Despacho",
        actor=UserFactory(),
        created_at=now,
    )


def queries_of(client):
    with CaptureQueriesContext(connection) as context:
        response = client.get("/")
    assert response.status_code == 200
    return response, len(context.captured_queries)


def test_each_section_shows_what_waits(login, everyone):
    add_rows(everyone, 0)
    response, _count = queries_of(login(everyone))
    html = response.content.decode()
    for title in SECTIONS.values():
        assert f">{title}</h2>" in html
    for text in (
        "Conclusiones por aprobar",
        "En revisión 0",
        "Propuestas por responder",
        "Por responder 0",
        "Compromisos vencidos",
        "Asistencia por tomar",
        "Próxima 0",
        "Conclusiones por escribir",
        "Realizada 0",
        "Vencen pronto",
        "Vencidas",
        "Mi próxima sesión",
        "Novedades de mis propuestas",
        "Mía 0",
        "Encuesta por responder",
        "Soy 10",
    ):
        assert text in html, text


def test_a_servidor_sees_only_their_own_section(login, servidor):
    html = login(servidor).get("/").content.decode()
    assert ">Para usted</h2>" in html
    assert "No tiene sesiones próximas" in html
    for role in ("Despacho", "Comunicaciones", "Enlace de dependencia"):
        assert f"{role}: lo que espera" not in html


def test_the_home_page_query_count_is_flat(login, everyone):
    client = login(everyone)
    add_rows(everyone, 0)
    queries_of(client)  # warm up
    _response, one = queries_of(client)
    for i in range(1, 12):
        add_rows(everyone, i)
    response, many = queries_of(client)
    assert one == many
    assert many <= 32, many  # every role at once: four sections of panels
    html = response.content.decode()
    assert "12 en total" in html  # five shown, all counted
