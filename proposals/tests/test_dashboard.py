import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import services
from proposals.models import Proposal
from proposals.tests.factories import ProposalFactory
from sessions_app.models import Feedback
from sessions_app.tests.factories import RegistrationFactory, held_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(despacho):
    """Two held sessions, attendance, survey answers and proposals in every state."""
    dep_a, dep_b = (
        DependencyFactory(name="Dirección A"),
        DependencyFactory(name="Dirección B"),
    )
    staff_a = UserFactory.create_batch(4, dependency=dep_a)
    UserFactory.create_batch(2, dependency=dep_b)
    s1 = held_session(dependency=dep_a)
    s2 = held_session(dependency=dep_b)
    for user in staff_a[:3]:
        RegistrationFactory(session=s1, user=user, checked_in_at=s1.starts_at)
    RegistrationFactory(session=s1, user=staff_a[3])  # registered, did not come
    RegistrationFactory(session=s2, user=staff_a[0], checked_in_at=s2.starts_at)
    for user, score in zip(staff_a[:3], (5, 4, 3), strict=True):
        Feedback.objects.create(
            session=s1, user=user, felt_heard=score, useful=4, trust=2
        )
    now = timezone.now()
    day = timedelta(days=1)
    ProposalFactory(created_at=now - 10 * day)  # received, never answered
    ProposalFactory(
        created_at=now - 10 * day, first_answered_at=now - 8 * day, status="en_analisis"
    )
    ProposalFactory(
        created_at=now - 10 * day,
        first_answered_at=now - 6 * day,
        accepted_at=now - 5 * day,
        status="aceptada",
        responsible_dependency=dep_a,
        due_date=timezone.localdate() - day,  # overdue
        commitment="Compromiso",
    )
    ProposalFactory(
        created_at=now - 10 * day,
        first_answered_at=now - 4 * day,
        accepted_at=now - 4 * day,
        implemented_at=now - day,
        status="implementada",
        responsible_dependency=dep_b,
        outcome="Se hizo",
        impact="Ahorra tiempo a todo el equipo",
    )
    ProposalFactory(created_at=now - 10 * day, is_hidden=True)  # not counted
    return {"dep_a": dep_a, "dep_b": dep_b, "staff": staff_a}


def test_figures(login, despacho, scenario):
    response = login(despacho).get("/propuestas/tablero/")
    figures = response.context["dashboard"].figures
    assert figures["sessions_held"] == 2
    assert figures["dependencies_covered"] == 2
    assert figures["staff_reached"] == 3
    assert figures["attendance_rate"] == pytest.approx(80.0)  # 4 of 5 confirmed came
    assert figures["received"] == 4
    assert figures["answered"] == 3
    assert figures["answered_pct"] == pytest.approx(75.0)
    assert figures["accepted"] == 2
    assert figures["implemented"] == 1
    assert figures["accepted_pct"] == pytest.approx(50.0)
    assert figures["implemented_pct"] == pytest.approx(25.0)
    page = response.content.decode()
    assert "(50,0 % de las recibidas)" in page  # es-CO decimal comma
    assert "(25,0 % de las recibidas)" in page
    assert figures["median_days_to_answer"] == pytest.approx(4.0)  # 2, 4, 6 days
    assert figures["overdue"] == 1
    # Three survey answers, under the minimum of five: no average anywhere.
    assert figures["pulse_heard"] is None and figures["pulse_trust"] is None
    assert page.count("menos de 5 respuestas") == 3  # two cards, one month
    heard = page.split("<dt>Encuesta: sentí que me escucharon</dt>", 1)[1]
    assert heard.startswith('<dd class="fs-3 mb-0"><span class="fs-6">menos de 5 ')


def test_survey_figures_from_the_minimum_up(login, despacho, scenario, settings):
    settings.SESSIONS_SURVEY_MIN_ANSWERS = 3
    response = login(despacho).get("/propuestas/tablero/")
    figures = response.context["dashboard"].figures
    assert figures["pulse_answers"] == 3
    assert figures["pulse_heard"] == pytest.approx(4.0)
    assert figures["pulse_trust"] == pytest.approx(2.0)
    assert "menos de 3 respuestas" not in response.content.decode()


def test_figures_come_from_the_cache_until_the_data_changes(
    login, despacho, scenario, django_capture_on_commit_callbacks
):
    client = login(despacho)
    with CaptureQueriesContext(connection) as computed:
        first = client.get("/propuestas/tablero/").context["dashboard"].figures
    with CaptureQueriesContext(connection) as cached:
        again = client.get("/propuestas/tablero/").context["dashboard"].figures
    assert again == first
    assert len(cached) < len(computed)
    assert not any("proposals_proposal" in q["sql"] for q in cached.captured_queries)

    with django_capture_on_commit_callbacks(execute=True):  # the commit bumps
        services.submit_proposal(
            user=scenario["staff"][0],
            kind="propuesta",
            title="Una propuesta nueva",
            text="Llegó después de la primera visita al tablero.",
            anonymous=False,
        )
    page = client.get("/propuestas/tablero/")
    after = page.context["dashboard"].figures
    assert after["received"] == first["received"] + 1
    shown = f'<dt>Propuestas recibidas</dt><dd class="fs-3 mb-0">{after["received"]}<'
    assert shown in page.content.decode()

    scenario["staff"][1].is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        scenario["staff"][1].save()
    latest = client.get("/propuestas/tablero/").context["dashboard"].figures
    assert latest["active_staff"] == after["active_staff"] - 1


def test_dependency_filter(login, despacho, scenario):
    dep = scenario["dep_a"]
    data = login(despacho).get(f"/propuestas/tablero/?dependencia={dep.pk}").context
    figures = data["dashboard"].figures
    assert figures["sessions_held"] == 1
    assert figures["staff_reached"] == 3
    assert figures["active_staff"] == 4
    assert figures["staff_reached_pct"] == pytest.approx(75.0)
    assert figures["received"] == 1
    assert figures["overdue"] == 1


def test_period_filter_and_bad_dates(login, despacho, scenario):
    client = login(despacho)
    long_ago = client.get("/propuestas/tablero/?desde=2020-01-01&hasta=2020-12-31")
    assert long_ago.context["dashboard"].figures["received"] == 0
    assert long_ago.context["dashboard"].figures["sessions_held"] == 0
    bad = client.get("/propuestas/tablero/?desde=2026-12-31&hasta=2026-01-01")
    assert bad.status_code == 200
    assert "La fecha inicial debe ser anterior a la final." in bad.content.decode()


def test_charts_and_tables_show_the_same_numbers(login, despacho, scenario):
    response = login(despacho).get("/propuestas/tablero/")
    body = response.content.decode()
    payload = json.loads(
        body.split('<script id="dashboard-data" type="application/json">', 1)[1].split(
            "</script>", 1
        )[0]
    )
    dashboard = response.context["dashboard"]
    assert payload["byDependency"]["labels"] == ["Dirección A", "Dirección B"]
    assert payload["byDependency"]["data"] == [1, 1]
    assert [row["total"] for row in dashboard.by_dependency] == [1, 1]
    month_total = sum(sum(s["data"]) for s in payload["byMonth"]["series"])
    assert month_total == dashboard.figures["received"]
    assert payload["pulse"]["series"][0]["data"] == [
        row["heard"] for row in dashboard.pulse_trend
    ]
    for table in ("Propuestas por dependencia responsable", "Propuestas por tema"):
        assert f"<caption>{table}</caption>" in body
    assert '<canvas id="chart-by-month" role="img"' in body
    assert "Ahorra tiempo a todo el equipo" in body  # promesas cumplidas
    assert [p.status for p in dashboard.fulfilled] == [Proposal.Status.IMPLEMENTED]


def test_dashboard_is_for_despacho_and_read_only_for_comunicaciones(
    login, servidor, comunicaciones, enlace
):
    assert login(comunicaciones).get("/propuestas/tablero/").status_code == 200
    for person in (servidor, enlace):
        assert login(person).get("/propuestas/tablero/").status_code == 403
    proposal = ProposalFactory()
    page = login(comunicaciones).get(f"/propuestas/{proposal.pk}/")
    assert "status_form" not in page.context and "accept_form" not in page.context
    response = login(comunicaciones).post(
        f"/propuestas/{proposal.pk}/estado/",
        {"new_status": "en_analisis", "note": "Nota"},
    )
    assert response.status_code == 403


def test_promesas_cumplidas_are_those_implemented_during_the_period(login, despacho):
    """Whenever it was received: a proposal from last year implemented this month is
    a promise kept this month; one implemented before the period is not."""
    now = timezone.now()
    old_kept = ProposalFactory(
        title="Pausas activas en cada piso",
        created_at=now - timedelta(days=400),
        status=Proposal.Status.IMPLEMENTED,
        implemented_at=now - timedelta(days=5),
        outcome="Cada piso tiene pausas activas.",
        impact="Menos incapacidades.",
    )
    ProposalFactory(
        title="Cumplida hace mucho",
        created_at=now - timedelta(days=500),
        status=Proposal.Status.IMPLEMENTED,
        implemented_at=now - timedelta(days=300),
        outcome="Hecho.",
        impact="Alguno.",
    )
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = login(despacho).get("/propuestas/tablero/", {"desde": since})
    html = response.content.decode()
    section = html[html.index('id="l-cumplidas"') :]
    assert old_kept.title in section and "Cada piso tiene pausas activas." in section
    assert "Cumplida hace mucho" not in section
    # The figure still counts the proposals received in the period.
    assert response.context["dashboard"].figures["implemented"] == 0
