"""The dashboard's charts: a chart for every table that has data, and colours that
stay apart for colour-blind readers and in greyscale."""

import io
import itertools
import json

import pytest
from django.core.management import call_command

from proposals.dashboard import build_dashboard, default_period
from proposals.models import Proposal
from proposals.tests.factories import ProposalFactory
from sessions_app.tests.factories import TopicFactory, held_session

pytestmark = pytest.mark.django_db

DASHBOARD = "/propuestas/tablero/"


def chart_data(body: str) -> dict:
    start = '<script id="dashboard-data" type="application/json">'
    return json.loads(body.split(start, 1)[1].split("</script>", 1)[0])


def test_proposals_of_a_session_count_under_its_topic(login, despacho):
    """The form leaves the topic optional: a proposal sent for a session is about
    the session's topic unless it names its own."""
    climate = TopicFactory(name="Bienestar y clima laboral")
    digital = TopicFactory(name="Transformación digital interna")
    session = held_session(topic=climate)
    ProposalFactory.create_batch(2, session=session, topic=None)
    ProposalFactory(session=session, topic=digital)
    ProposalFactory(topic=None)  # no session, no topic: under no topic

    body = login(despacho).get(DASHBOARD).content.decode()

    by_topic = chart_data(body)["byTopic"]
    assert by_topic == {
        "labels": ["Bienestar y clima laboral", "Transformación digital interna"],
        "data": [2, 1],
    }
    assert '<canvas id="chart-by-topic"' in body
    assert '<th scope="row">Bienestar y clima laboral</th><td>2</td>' in body


def test_the_demo_draws_the_topic_chart():
    call_command("seed_demo", stdout=io.StringIO())
    dashboard = build_dashboard(period=default_period())
    assert (
        sum(row["total"] for row in dashboard.by_topic)
        # Every proposal staff sent; a session's agreements are commitments.
        == Proposal.objects.filter(is_hidden=False)
        .exclude(kind=Proposal.Kind.AGREEMENT)
        .count()
    )


def test_no_empty_chart_without_data(login, despacho):
    TopicFactory(name="Un tema sin propuestas")
    ProposalFactory(topic=None)
    body = login(despacho).get(DASHBOARD).content.decode()
    assert chart_data(body)["byTopic"] == {"labels": [], "data": []}
    topic_section = body[body.index('id="g-tema"') :].split("</section>", 1)[0]
    assert "<canvas" not in topic_section
    assert "Sin datos en el periodo." in topic_section
    assert '<canvas id="chart-by-month"' in body  # the one proposal is drawn


# --- Colours -------------------------------------------------------------------------
# Simulated with the matrices of Machado, Oliveira and Fernandes (2009, severity 1)
# in linear RGB; distances in CIELAB (D65).
DEFICIENCIES = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
MIN_GREY_DIFFERENCE = 12  # CIE L*
MIN_DISTANCE = 25  # CIELAB delta E, under each deficiency


def linear(colour: str) -> tuple[float, ...]:
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return tuple(
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )


def lab(rgb) -> tuple[float, float, float]:
    r, g, b = (min(max(c, 0.0), 1.0) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen_with(deficiency, colour: str):
    rgb = linear(colour)
    return lab(
        tuple(sum(m * c for m, c in zip(row, rgb, strict=True)) for row in deficiency)
    )


def distance(a, b) -> float:
    return sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5


def colours_of(body: str) -> dict[str, list[tuple[str, str]]]:
    data = chart_data(body)
    return {
        chart: [(serie["label"], serie["color"]) for serie in data[chart]["series"]]
        for chart in ("byMonth", "pulse")
    }


def test_series_colours_are_told_apart(login, despacho):
    ProposalFactory()
    body = login(despacho).get(DASHBOARD).content.decode()
    for chart, series in colours_of(body).items():
        assert len({colour for _label, colour in series}) == len(series), chart
        for (label_a, a), (label_b, b) in itertools.combinations(series, 2):
            pair = f"{chart}: {label_a} / {label_b}"
            grey = abs(lab(linear(a))[0] - lab(linear(b))[0])
            assert grey >= MIN_GREY_DIFFERENCE, f"{pair}: greyscale {grey:.1f}"
            for name, matrix in DEFICIENCIES.items():
                apart = distance(seen_with(matrix, a), seen_with(matrix, b))
                assert apart >= MIN_DISTANCE, f"{pair}: {name} {apart:.1f}"


def test_aceptada_and_implementada_are_not_two_greens(login, despacho):
    ProposalFactory()
    body = login(despacho).get(DASHBOARD).content.decode()
    colours = dict(colours_of(body)["byMonth"])
    accepted, implemented = colours["Aceptada"], colours["Implementada"]
    assert abs(lab(linear(accepted))[0] - lab(linear(implemented))[0]) >= 12
    for matrix in DEFICIENCIES.values():
        seen = seen_with(matrix, accepted), seen_with(matrix, implemented)
        assert distance(*seen) >= 40
