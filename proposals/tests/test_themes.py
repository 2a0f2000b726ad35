"""Recurring themes: the grouping, the nightly job's stored result and the dashboard
section that reads it."""

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import themes
from proposals.models import Theme, ThemeMember
from proposals.tests.factories import ProposalFactory
from sessions_app.tests.factories import held_session

pytestmark = pytest.mark.django_db


def test_group_titles_of_a_known_set():
    rows = list(
        enumerate(
            [
                "Horario flexible los viernes",  # 0
                "Parqueadero para bicicletas",  # 1
                "Horarios flexibles para los viernes",  # 2
                "Capacitación en contratación pública",  # 3
                "Más parqueaderos de bicicletas en la sede",  # 4
                "Viernes con horario flexible",  # 5
                "Horario de la cafetería",  # 6: one shared word of three
                "de la para",  # 7: no key words
            ]
        )
    )
    groups = themes.group_titles(rows)
    assert sorted(groups) == [[0, 2, 5], [1, 4], [3], [6], [7]]


def test_words_in_most_titles_do_not_make_a_theme(monkeypatch):
    monkeypatch.setattr(themes, "COMMON_MIN", 2)
    rows = list(
        enumerate(
            [
                "Propuesta: teletrabajo",
                "Propuesta: archivo",
                "Propuesta: firma digital",
                "Propuesta: teletrabajo",
            ]
        )
    )
    assert sorted(themes.group_titles(rows)) == [[0, 3], [1], [2]]


def at(year, month, day=10):
    return datetime(year, month, day, 15, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def known_set():
    north, south = (
        DependencyFactory(name="Dirección Norte"),
        DependencyFactory(name="Dirección Sur"),
    )
    s1, s2 = held_session(dependency=north), held_session(dependency=south)
    flexible = [
        ProposalFactory(
            title="Horario flexible los viernes", session=s1, created_at=at(2026, 9)
        ),
        ProposalFactory(
            title="Horarios flexibles para los viernes",
            session=s2,
            created_at=at(2026, 10),
            support_count=4,
        ),
        ProposalFactory(
            title="Viernes con horario flexible",
            author=UserFactory(dependency=south),
            created_at=at(2026, 11),
        ),
    ]
    ProposalFactory(
        title="Horario flexible los viernes ya", is_hidden=True, created_at=at(2026, 11)
    )
    once = [
        ProposalFactory(title="Menú de la cafetería", created_at=at(2026, 11, d))
        for d in (2, 3, 4)
    ]
    return {"flexible": flexible, "once": once, "north": north, "south": south}


def test_rebuild_stores_themes_with_months_dependencies_and_members(known_set):
    assert themes.rebuild_themes() == 2
    flexible = Theme.objects.get(months_active=3)
    representative = known_set["flexible"][1]  # the most supported
    assert (flexible.label, flexible.representative_id) == (
        representative.title,
        representative.pk,
    )
    assert flexible.size == 3 and flexible.sessions == 2 and flexible.supports == 4
    assert flexible.months == {"2026-09": 1, "2026-10": 1, "2026-11": 1}
    assert flexible.dependencies == [["Dirección Sur", 2], ["Dirección Norte", 1]]
    assert (flexible.first_seen, flexible.last_seen) == (
        date(2026, 9, 10),
        date(2026, 11, 10),
    )
    assert set(flexible.members.values_list("proposal_id", flat=True)) == {
        p.pk for p in known_set["flexible"]
    }
    # Run again: the same result, not twice the rows.
    assert themes.rebuild_themes() == 2
    assert ThemeMember.objects.count() == 6


def test_only_themes_that_come_back_are_shown(known_set):
    themes.rebuild_themes()
    shown = themes.recurring_themes(today=date(2026, 12, 6))
    assert [row["theme"].label for row in shown["rows"]] == [
        "Horarios flexibles para los viernes"
    ]  # the cafeteria came in one month only
    assert shown["months"][0] == date(2026, 7, 1)
    assert shown["months"][-1] == date(2026, 12, 1)
    assert shown["rows"][0]["counts"] == [0, 0, 1, 1, 1, 0]
    assert shown["rows"][0]["trend"] == "sube"  # 1 (Jul-Sep) against 2 (Oct-Dec)
    by_north = themes.recurring_themes(dependency=known_set["north"])
    assert len(by_north["rows"]) == 1
    other = DependencyFactory()
    assert themes.recurring_themes(dependency=other)["rows"] == []


def test_the_command_and_the_nightly_schedule(known_set, capsys):
    call_command("rebuild_themes")
    assert "Temas guardados: 2" in capsys.readouterr().out
    schedule = settings.CELERY_BEAT_SCHEDULE["proposals-rebuild-themes"]
    assert schedule["task"] == "proposals.rebuild_themes"


def _dashboard_queries(client) -> tuple[int, str]:
    cache.clear()  # measure the work, whatever the cache holds
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("proposals:dashboard"))
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_the_dashboard_section_renders_with_a_flat_query_count(login, despacho):
    client = login(despacho)
    now = timezone.now()

    subjects = [
        "Teletrabajo",
        "Archivo",
        "Parqueadero",
        "Firma digital",
        "Ventanilla",
        "Bienestar",
        "Movilidad",
        "Pausas activas",
    ]

    def theme(subject):
        for month in (1, 2, 3):
            ProposalFactory(
                title=f"{subject} ahora", created_at=now - timedelta(days=31 * month)
            )
            ProposalFactory(
                title=f"{subject} ya",
                created_at=now - timedelta(days=31 * month + 1),
            )

    theme(subjects[0])
    themes.rebuild_themes()
    client.get(reverse("proposals:dashboard"))  # warm up
    few, page = _dashboard_queries(client)
    assert "Temas que vuelven" in page and "Teletrabajo" in page
    for subject in subjects[1:]:
        theme(subject)
    themes.rebuild_themes()
    many, page = _dashboard_queries(client)
    assert [s for s in subjects if f"{s} ya" not in page] == []
    assert few == many


def test_the_monthly_report_lists_the_stored_themes(known_set):
    from proposals import report
    from proposals.dashboard import Period

    period = Period(start=date(2026, 9, 1), end=date(2026, 11, 30))
    before = report.build_report(period=period).themes
    assert all("viernes" not in row["label"].lower() for row in before)

    themes.rebuild_themes()
    rows = report.build_report(period=period).themes

    flexible = Theme.objects.get(members__proposal=known_set["flexible"][0])
    assert {"label": flexible.label, "total": 3} in rows
