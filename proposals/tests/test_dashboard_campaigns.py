"""The dashboard's section per campaign: each campaign taken to the period's
sessions with its rating (none below the survey's minimum), in a flat number of
queries whatever the number of campaigns, sessions and ratings."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cafe.testing.factories import UserFactory
from sessions_app import services as session_services
from sessions_app.models import Campaign
from sessions_app.tests.factories import RegistrationFactory, held_session

pytestmark = pytest.mark.django_db
PULSE = {"felt_heard": 4, "useful": 4, "trust": 4, "comment": ""}


def campaign_with_ratings(name, scores, comment=""):
    campaign = Campaign.objects.create(name=name, scope="externa")
    session = held_session()
    campaign.sessions.add(session)
    for score in scores:
        person = UserFactory()
        RegistrationFactory(session=session, user=person, checked_in_at=timezone.now())
        session_services.submit_feedback(
            session_id=session.pk,
            user=person,
            data=PULSE,
            ratings={campaign.pk: {"score": score, "comment": comment}},
        )
    return campaign


def dashboard(client):
    cache.clear()  # the figures are cached; measure the work, not the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("proposals:dashboard"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_each_campaign_has_its_section(settings, login, despacho):
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 3
    campaign_with_ratings("Bogotá sin papel", [5, 4, 3], "La entendí bien.")
    campaign_with_ratings("Pocas respuestas", [1, 1], "No debe verse.")
    Campaign.objects.create(name="Sin sesiones")
    page, _count = dashboard(login(despacho))
    assert "Bogotá sin papel" in page
    assert "4,0" in page or "4.0" in page
    assert "La entendí bien." in page
    assert "Pocas respuestas" in page
    assert "No debe verse." not in page
    assert "menos de 3 respuestas" in page
    assert "Sin sesiones" not in page


def test_the_section_costs_the_same_with_many_campaigns(settings, login, despacho):
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 2
    client = login(despacho)
    campaign_with_ratings("Campaña 0", [4, 5], "Comentario 0")
    few_page, few = dashboard(client)
    for n in range(1, 6):
        campaign_with_ratings(f"Campaña {n}", [3, 4, 5], f"Comentario {n}")
    many_page, many = dashboard(client)
    assert "Comentario 0" in few_page
    assert all(f"Comentario {n}" in many_page for n in range(6))
    assert many == few
