"""Every pulse-survey figure that leaves the database respects the minimum of
answers: the dashboard's cards, its trend (chart and table) under every filter, the
workbook export and the admin."""

import io
import json
import re

import openpyxl
import pytest

from cafe.testing.factories import DependencyFactory
from sessions_app.models import Session
from sessions_app.tests.factories import held_on, two_past_months
from sessions_app.tests.factories import survey_answers as answer

pytestmark = pytest.mark.django_db

DASHBOARD = "/propuestas/tablero/"
XLSX_URL = "/propuestas/tablero/exportar.xlsx"
FEWER = "menos de 5 respuestas"


@pytest.fixture
def survey(settings):
    """Dependency A: a session with 6 answers. Dependency B, the next month: one
    person answered, with scores no one else gave."""
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 5
    earlier, later = two_past_months()
    dep_a, dep_b = DependencyFactory(name="Dirección A"), DependencyFactory()
    answer(held_on(earlier, dependency=dep_a), 6, heard=4, useful=4, trust=4)
    answer(held_on(later, dependency=dep_b), 1, heard=1, useful=2, trust=1)
    return {
        "dep_a": dep_a,
        "dep_b": dep_b,
        "earlier": earlier.strftime("%Y-%m"),
        "later": later.strftime("%Y-%m"),
        "later_day": later,
    }


def chart_data(body: str) -> dict:
    start = '<script id="dashboard-data" type="application/json">'
    return json.loads(body.split(start, 1)[1].split("</script>", 1)[0])


def section(body: str, heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


def test_dashboard_hides_the_month_with_one_answer(login, despacho, survey):
    response = login(despacho).get(DASHBOARD)
    body = response.content.decode()
    trend = section(body, "g-pulso")
    # The month of the lone answer: the words, no number.
    later_row = trend.split(f'<th scope="row">{survey["later"]}</th>', 1)[1]
    later_row = later_row.split("</tr>", 1)[0]
    assert re.sub(r"<[^>]*>", "", later_row) == FEWER
    earlier_row = trend.split(f'<th scope="row">{survey["earlier"]}</th>', 1)[1]
    assert earlier_row.startswith("<td>6</td><td>4,0</td>")
    # The chart draws nothing for that month.
    pulse = chart_data(body)["pulse"]
    later = pulse["labels"].index(survey["later"])
    assert [serie["data"][later] for serie in pulse["series"]] == [None] * 3
    # The cards count the six answers only: the lone one is not in the average.
    figures = response.context["dashboard"].figures
    assert (figures["pulse_answers"], figures["pulse_heard"]) == (6, 4.0)
    assert figures["pulse_trust"] == 4.0


@pytest.mark.parametrize("by", ["dependency", "period"])
def test_a_filter_cannot_single_the_answer_out(login, despacho, survey, by):
    day = survey["later_day"].isoformat()
    query = (
        {"dependencia": survey["dep_b"].pk}
        if by == "dependency"
        else {"desde": day, "hasta": day}
    )
    response = login(despacho).get(DASHBOARD, query)
    body = response.content.decode()
    figures = response.context["dashboard"].figures
    assert figures["pulse_heard"] is None
    assert figures["pulse_useful"] is None and figures["pulse_trust"] is None
    cards = section(body, "cifras")
    assert cards.count(FEWER) == 2  # both survey cards
    assert FEWER in section(body, "g-pulso")
    pulse = chart_data(body)["pulse"]
    assert all(value is None for serie in pulse["series"] for value in serie["data"])
    assert 'id="chart-pulse"' not in body  # no empty chart either


def test_the_overall_figure_does_not_move_with_the_small_month(login, despacho, survey):
    """With and without the month of the lone answer, the same figures: no
    difference between two periods reveals it."""
    client = login(despacho)
    everything = client.get(DASHBOARD).context["dashboard"].figures
    day = survey["later_day"]
    before = client.get(DASHBOARD, {"hasta": day.replace(day=1).isoformat()})
    figures = before.context["dashboard"].figures
    for key in ("pulse_answers", "pulse_heard", "pulse_useful", "pulse_trust"):
        assert figures[key] == everything[key], key


def test_the_workbook_has_the_survey_above_the_minimum_only(login, despacho, survey):
    response = login(despacho).get(XLSX_URL)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in row] for row in workbook["Encuesta"].iter_rows()]
    assert rows[0][:2] == ["Mes", "Respuestas"]
    by_month = {row[0]: row[1:] for row in rows[1:]}
    assert by_month[survey["earlier"]] == [6, 4.0, 4.0, 4.0]
    assert by_month[survey["later"]] == [FEWER, None, None, None]
    assert by_month["Todo el periodo"] == [6, 4.0, 4.0, 4.0]

    filtered = login(despacho).get(XLSX_URL, {"dependencia": survey["dep_b"].pk})
    workbook = openpyxl.load_workbook(io.BytesIO(filtered.content))
    values = [c.value for row in workbook["Encuesta"].iter_rows() for c in row]
    assert FEWER in values
    assert not [v for v in values[5:] if isinstance(v, int | float)]


def test_the_admin_lists_no_answer(login, superuser, survey):
    client = login(superuser)
    assert client.get("/admin/sessions_app/feedback/").status_code == 404
    index = client.get("/admin/").content.decode()
    assert "/admin/sessions_app/feedback/" not in index
    # A session's page in the admin shows its aggregate, or the words.
    small = Session.objects.get(dependency=survey["dep_b"])
    page = client.get(f"/admin/sessions_app/session/{small.pk}/change/")
    assert FEWER in page.content.decode()
    big = Session.objects.get(dependency=survey["dep_a"])
    page = client.get(f"/admin/sessions_app/session/{big.pk}/change/")
    assert "6 respuestas. Promedios de 1 a 5: escucha 4,0" in page.content.decode()
