"""Text search on the proposal list: PostgreSQL's Spanish full-text search, and the
simple fallback used on SQLite."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cafe.testing.factories import UserFactory
from proposals.models import Proposal
from proposals.search import simple_search

pytestmark = pytest.mark.django_db


def make(title: str, text: str, *, minutes_ago: int = 0, **fields) -> Proposal:
    fields.setdefault("author", UserFactory())
    fields.setdefault("kind", Proposal.Kind.PROPOSAL)
    return Proposal.objects.create(
        title=title,
        text=text,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def found(client, query: str) -> list[str]:
    response = client.get("/propuestas/", {"q": query})
    assert response.status_code == 200
    return [p.title for p in response.context["page"].object_list]


@pytest.fixture
def proposals():
    return {
        "training": make(
            "Formación del personal",
            "Pedimos más capacitaciones sobre contratación pública para los equipos "
            "de la sede central.",
        ),
        "bikes": make(
            "Parqueaderos",
            "Faltan cupos de parqueadero para bicicletas en la sede norte.",
        ),
        "hidden": make(
            "Propuesta moderada",
            "Capacitaciones obligatorias los sábados o renuncien todos.",
            is_hidden=True,
            hidden_reason="Lenguaje irrespetuoso",
        ),
    }


def test_spanish_stemming_finds_words_in_the_text(postgres, login, servidor, proposals):
    client = login(servidor)
    # The text says "capacitaciones"; the query is the singular with an accent.
    assert found(client, "capacitación") == ["Formación del personal"]
    assert found(client, "Capacitaciones") == ["Formación del personal"]
    assert found(client, "contratar") == ["Formación del personal"]  # contratación
    # Plural in the text, singular in the query, and the other way round.
    assert found(client, "bicicleta") == ["Parqueaderos"]
    assert found(client, "parqueaderos") == ["Parqueaderos"]
    # A word shared by both texts finds both; a word in neither finds nothing.
    assert set(found(client, "sede")) == {"Formación del personal", "Parqueaderos"}
    assert found(client, "vacaciones") == []


TRAINING, BIKES = "Formación del personal", "Parqueaderos"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # "bicicletas" appears only in another proposal: no proposal has both words.
        pytest.param("capacitación bicicletas", [], id="and-other-proposal"),
        pytest.param("capacitación sede", [TRAINING], id="and"),
        # websearch syntax: "or", a quoted phrase, an excluded word.
        pytest.param("capacitación or bicicletas", [TRAINING, BIKES], id="or"),
        pytest.param('"sede norte"', [BIKES], id="phrase"),
        pytest.param('"sede sur"', [], id="phrase-absent"),
        pytest.param("bicicletas -parqueadero", [], id="excluded-word"),
    ],
)
def test_every_word_of_the_query_must_match(
    postgres, login, servidor, proposals, query, expected
):
    assert sorted(found(login(servidor), query)) == sorted(expected)


def test_hidden_proposals_are_not_found_by_a_servidor(
    postgres, login, servidor, despacho, proposals
):
    assert found(login(servidor), "sábados") == []
    assert found(login(servidor), "capacitaciones") == ["Formación del personal"]
    # The hidden one does match: Despacho, who may see hidden proposals, finds it.
    assert set(found(login(despacho), "capacitaciones")) == {
        "Formación del personal",
        "Propuesta moderada",
    }


def test_best_matches_first(postgres, login, servidor):
    make("Una mención", "Hablemos del teletrabajo algún día.", minutes_ago=1)
    make(
        "Tres menciones",
        "Teletrabajo dos días: el teletrabajo ahorra transporte y el teletrabajo "
        "mejora el clima.",
        minutes_ago=60,
    )
    make("Nada que ver", "Arreglar la cafetería del tercer piso.")
    assert found(login(servidor), "teletrabajo") == ["Tres menciones", "Una mención"]


def test_search_combines_with_filters(postgres, login, servidor, proposals):
    make(
        "Pregunta sobre capacitación",
        "¿Habrá capacitaciones virtuales este año?",
        kind=Proposal.Kind.QUESTION,
    )
    response = login(servidor).get(
        "/propuestas/", {"q": "capacitaciones", "tipo": Proposal.Kind.QUESTION}
    )
    titles = [p.title for p in response.context["page"].object_list]
    assert titles == ["Pregunta sobre capacitación"]


def test_simple_fallback_finds_words_in_the_text(servidor, proposals):
    """The search used on SQLite, exercised directly so it runs on every database."""
    visible = Proposal.objects.filter(is_hidden=False)

    def titles(text):
        return [p.title for p in simple_search(visible, text)]

    assert titles("bicicletas") == ["Parqueaderos"]
    assert titles("BICICLETAS") == ["Parqueaderos"]  # case-insensitive (ASCII)
    assert titles("capacitaciones") == ["Formación del personal"]
    assert titles("capacitaciones bicicletas") == []  # every word must match
    assert set(titles("sede")) == {"Formación del personal", "Parqueaderos"}
    assert titles("sábados") == []  # only in the hidden proposal
    assert titles("vacaciones") == []


def test_the_list_searches_on_sqlite_too(login, servidor, proposals):
    client = login(servidor)
    assert found(client, "bicicletas") == ["Parqueaderos"]
