"""What changed between two versions of the conclusions: a readable, accessible diff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app import services
from sessions_app.tests.factories import held_session
from sessions_app.textdiff import DELETE, EQUAL, INSERT, Segment, diff_words

pytestmark = pytest.mark.django_db


def test_diff_words_marks_removed_and_added_words():
    segments = diff_words(
        "Se acordaron dos prioridades.", "Se acordaron tres prioridades."
    )
    assert segments == [
        Segment(EQUAL, "Se acordaron "),
        Segment(DELETE, "dos"),
        Segment(INSERT, "tres"),
        Segment(EQUAL, " prioridades."),
    ]


def test_diff_words_rebuilds_both_texts_line_breaks_included():
    old = "Resumen\n\n- Mesa de trabajo\n- Pausas"
    new = "Resumen corregido\n\n- Pausas\n- Teletrabajo los viernes"
    segments = diff_words(old, new)
    assert "".join(s.text for s in segments if s.op != INSERT) == old
    assert "".join(s.text for s in segments if s.op != DELETE) == new


def test_diff_words_of_equal_and_empty_texts():
    assert diff_words("Igual", "Igual") == [Segment(EQUAL, "Igual")]
    assert diff_words("", "") == []
    assert diff_words("", "Nuevo") == [Segment(INSERT, "Nuevo")]


def edited_minutes(comunicaciones, despacho):
    """Versions 1 (draft), 2 (sent), 3 (returned), 4 (corrected draft)."""
    session = held_session(title="Café con Planeación")
    services.save_minutes(
        session_id=session.pk,
        actor=comunicaciones,
        data={"summary": "Se acordaron dos prioridades.", "agreements": "- Mesa"},
    )
    services.submit_minutes(session_id=session.pk, actor=comunicaciones)
    services.return_minutes(session_id=session.pk, actor=despacho, comment="Faltan")
    services.save_minutes(
        session_id=session.pk,
        actor=comunicaciones,
        data={
            "summary": "Se acordaron tres prioridades <script>x</script>.",
            "agreements": "- Mesa",
        },
    )
    return session


def diff_url(session, query=""):
    return reverse("sessions:minutes_diff", args=[session.pk]) + query


@pytest.mark.parametrize("role", ["comunicaciones", "despacho"])
def test_the_diff_shows_insertions_and_deletions_in_text(
    role, request, login, comunicaciones, despacho
):
    session = edited_minutes(comunicaciones, despacho)
    client = login(request.getfixturevalue(role))
    response = client.get(diff_url(session, "?de=1&a=4"))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<del><span class="visually-hidden">[Inicio de texto eliminado] </span>dos'
        '<span class="visually-hidden"> [Fin de texto eliminado]</span></del>'
    ) in html
    assert (
        '<ins><span class="visually-hidden">[Inicio de texto añadido] </span>tres'
        '<span class="visually-hidden"> [Fin de texto añadido]</span></ins>'
    ) in html
    # What the person wrote is shown as text, never run.
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html
    assert "Acuerdos <span" in html and "sin cambios" in html


def test_without_a_choice_the_latest_change_is_shown(login, comunicaciones, despacho):
    session = edited_minutes(comunicaciones, despacho)
    client = login(comunicaciones)
    response = client.get(diff_url(session))
    assert response.status_code == 200
    assert (response.context["old"].number, response.context["new"].number) == (3, 4)
    assert "<ins>" in response.content.decode()
    # Sending it again copies the text (version 5): still the change is shown.
    services.submit_minutes(session_id=session.pk, actor=comunicaciones)
    response = client.get(diff_url(session))
    assert (response.context["old"].number, response.context["new"].number) == (3, 5)


@pytest.mark.parametrize(
    "query, message",
    [
        ("?de=4&a=1", "La versión anterior debe ser más antigua que la nueva."),
        ("?de=2&a=2", "La versión anterior debe ser más antigua que la nueva."),
        ("?de=1&a=99", "Escoja una opción válida."),
        ("?de=uno&a=4", "Escoja una opción válida."),
        ("?de=1", "Este campo es obligatorio."),
    ],
)
def test_a_bad_choice_gets_a_message_and_no_diff(
    query, message, login, comunicaciones, despacho
):
    session = edited_minutes(comunicaciones, despacho)
    response = login(despacho).get(diff_url(session, query))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["fields"] is None


def test_one_version_only_says_there_is_nothing_to_compare(login, comunicaciones):
    session = held_session()
    services.save_minutes(
        session_id=session.pk, actor=comunicaciones, data={"summary": "Primero."}
    )
    response = login(comunicaciones).get(diff_url(session))
    assert "Solo hay una versión" in response.content.decode()


@pytest.mark.parametrize("role", ["servidor", "enlace"])
def test_people_who_cannot_see_versions_cannot_see_the_diff(
    role, request, login, comunicaciones, despacho
):
    session = edited_minutes(comunicaciones, despacho)
    response = login(request.getfixturevalue(role)).get(diff_url(session, "?de=1&a=4"))
    assert response.status_code == 403


def test_the_versions_page_links_each_version_to_its_changes(
    login, comunicaciones, despacho
):
    session = edited_minutes(comunicaciones, despacho)
    html = (
        login(despacho)
        .get(reverse("sessions:minutes_versions", args=[session.pk]))
        .content.decode()
    )
    url = diff_url(session)
    assert f'href="{url}"' in html  # compare any two
    for n in (2, 3, 4):
        assert f'href="{url}?de={n - 1}&amp;a={n}"' in html
    assert "?de=0&amp;a=1" not in html


def test_the_diff_page_query_count_does_not_grow_with_versions(
    login, comunicaciones, despacho
):
    session = edited_minutes(comunicaciones, despacho)
    client = login(comunicaciones)
    url = diff_url(session, "?de=1&a=4")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        services.save_minutes(
            session_id=session.pk,
            actor=comunicaciones,
            data={"summary": f"Versión {n}", "agreements": ""},
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
