"""Campaigns: Comunicaciones takes them to a session, attendees rate each one in the
survey, and a rating is shown only from the survey's minimum of answers."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cafe.testing.factories import UserFactory
from sessions_app import services
from sessions_app.models import Campaign, CampaignRating, Feedback
from sessions_app.tests.factories import RegistrationFactory, held_session
from sessions_app.voice_selectors import campaign_aggregates

pytestmark = pytest.mark.django_db

PULSE = {"felt_heard": 4, "useful": 4, "trust": 4, "comment": ""}


def attendee(session):
    person = UserFactory()
    RegistrationFactory(session=session, user=person, checked_in_at=timezone.now())
    return person


def rate(session, campaign, score, comment=""):
    return services.submit_feedback(
        session_id=session.pk,
        user=attendee(session),
        data=PULSE,
        ratings={campaign.pk: {"score": score, "comment": comment}},
    )


def test_the_session_form_takes_campaigns(login, comunicaciones):
    campaign = Campaign.objects.create(name="Bogotá sin papel")
    Campaign.objects.create(name="Inactiva", is_active=False)
    start = timezone.localtime() + timedelta(days=20)
    fmt = "%Y-%m-%dT%H:%M"
    response = login(comunicaciones).post(
        reverse("sessions:create"),
        {
            "title": "Café con Planeación",
            "starts_at": start.strftime(fmt),
            "ends_at": (start + timedelta(hours=1)).strftime(fmt),
            "format": "virtual",
            "meeting_url": "https://reunion.example.gov.co/1",
            "capacity": 20,
            "registration_opens_at": (start - timedelta(days=10)).strftime(fmt),
            "registration_closes_at": (start - timedelta(hours=2)).strftime(fmt),
            "campaigns": [campaign.pk],
            "save_anyway": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(campaign.sessions.values_list("title", flat=True)) == [
        "Café con Planeación"
    ]


def test_attendees_rate_the_campaigns_of_the_session():
    session = held_session()
    campaign = Campaign.objects.create(name="Bogotá sin papel")
    campaign.sessions.add(session)
    feedback = rate(session, campaign, 4, "Muy clara.")
    rating = CampaignRating.objects.get()
    assert (rating.feedback, rating.score, rating.comment) == (
        feedback,
        4,
        "Muy clara.",
    )


def test_a_campaign_not_in_the_session_is_refused():
    session = held_session()
    other = Campaign.objects.create(name="De otra sesión")
    with pytest.raises(ValidationError, match="no hizo parte"):
        rate(session, other, 4)
    assert not Feedback.objects.exists()
    assert not CampaignRating.objects.exists()


def test_a_score_outside_one_to_five_changes_nothing():
    session = held_session()
    campaign = Campaign.objects.create(name="Bogotá sin papel")
    campaign.sessions.add(session)
    with pytest.raises(ValidationError):
        rate(session, campaign, 6)
    assert not Feedback.objects.exists()


def test_no_figure_below_the_minimum(settings):
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 3
    session = held_session()
    campaign = Campaign.objects.create(name="Bogotá sin papel")
    campaign.sessions.add(session)
    rate(session, campaign, 5, "Me gustó.")
    rate(session, campaign, 1)
    (figures,) = campaign_aggregates()
    assert (figures.sessions, figures.answers, figures.average) == (1, 0, None)
    assert figures.comments == ()
    rate(session, campaign, 3)
    (figures,) = campaign_aggregates()
    assert (figures.answers, figures.average, figures.comments) == (
        3,
        3.0,
        ("Me gustó.",),
    )


def test_sessions_below_the_minimum_do_not_add_up(settings):
    """Two sessions with two answers each are four answers, but neither session
    reached three on its own: nothing is shown (the survey's rule)."""
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 3
    campaign = Campaign.objects.create(name="Bogotá sin papel")
    for _ in range(2):
        session = held_session()
        campaign.sessions.add(session)
        rate(session, campaign, 5)
        rate(session, campaign, 4)
    (figures,) = campaign_aggregates()
    assert (figures.sessions, figures.answers, figures.average) == (2, 0, None)


def test_the_survey_page_rates_a_campaign(login):
    session = held_session()
    campaign = Campaign.objects.create(name="Bogotá sin papel")
    campaign.sessions.add(session)
    person = attendee(session)
    client = login(person)
    url = reverse("sessions:survey", args=[session.pk])
    assert "Bogotá sin papel" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "felt_heard": 4,
            "useful": 5,
            "trust": 3,
            f"campana_{campaign.pk}": 2,
            f"comentario_{campaign.pk}": "Poco conocida.",
        },
    )
    assert response.status_code == 302
    rating = CampaignRating.objects.get()
    assert (rating.score, rating.comment) == (2, "Poco conocida.")


def test_a_comment_without_a_score_is_refused_on_the_page(login):
    session = held_session()
    campaign = Campaign.objects.create(name="Bogotá sin papel")
    campaign.sessions.add(session)
    client = login(attendee(session))
    response = client.post(
        reverse("sessions:survey", args=[session.pk]),
        {
            "felt_heard": 4,
            "useful": 5,
            "trust": 3,
            f"comentario_{campaign.pk}": "Sin nota.",
        },
    )
    assert response.status_code == 200
    assert "Califique la campaña" in response.content.decode()
    assert not Feedback.objects.exists()


def test_comunicaciones_manages_campaigns(login, comunicaciones):
    client = login(comunicaciones)
    response = client.post(
        reverse("sessions:campaign_create"),
        {"name": "Servicio a la ciudadanía", "scope": "externa", "is_active": "on"},
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.get_scope_display() == "Externa"
    page = client.get(reverse("sessions:campaigns")).content.decode()
    assert "Servicio a la ciudadanía" in page


def test_the_session_page_names_its_campaigns(login, servidor):
    session = held_session()
    campaign = Campaign.objects.create(name="Bogotá sin papel", scope="externa")
    campaign.sessions.add(session)
    page = login(servidor).get(reverse("sessions:detail", args=[session.pk]))
    assert "Bogotá sin papel (externa)" in page.content.decode()
