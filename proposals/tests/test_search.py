"""Text search on the proposal list: PostgreSQL's Spanish full-text search, and the
simple fallback used on SQLite."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


# --- The stored search document (PostgreSQL trigger, migration 0004) -----------------


def document_of(proposal) -> str | None:
    return Proposal.objects.values_list("search_document", flat=True).get(
        pk=proposal.pk
    )


def test_the_trigger_writes_the_document_searched_by_stem(postgres, login, servidor):
    travel = make("Viático de transporte", "Pagar a tiempo a quien viaja por trabajo.")
    make("Parqueaderos", "Faltan cupos para bicicletas.")
    assert "viatic" in document_of(travel)  # the Spanish stem, written on INSERT
    client = login(servidor)
    # Plural with an accent in the query, singular in the title.
    assert found(client, "viáticos") == ["Viático de transporte"]
    assert found(client, "VIATICO") == ["Viático de transporte"]
    assert found(client, "viajar") == ["Viático de transporte"]  # "viaja" in the text


def test_the_document_follows_edits_of_title_and_text(postgres, login, servidor):
    proposal = make("Viáticos en línea", "Tramitar los formatos sin papel.")
    client = login(servidor)
    assert found(client, "viáticos") == ["Viáticos en línea"]
    # An UPDATE of the title (QuerySet.update, no model save) goes through the trigger.
    Proposal.objects.filter(pk=proposal.pk).update(title="Bonos de alimentación")
    assert found(client, "viáticos") == []
    assert found(client, "bono") == ["Bonos de alimentación"]
    # A full save from an instance that never loaded the document (None in memory)
    # still stores the document of the new text, not NULL.
    proposal.title = "Bonos de alimentación"
    proposal.text = "Entregar bonos de almuerzo a quienes trabajan en campo."
    proposal.save()
    assert found(client, "almuerzos") == ["Bonos de alimentación"]
    assert found(client, "formatos") == []
    # A save of other columns only keeps the document as it was.
    proposal.status = Proposal.Status.IN_ANALYSIS
    proposal.save(update_fields=["status"])
    assert found(client, "almuerzos") == ["Bonos de alimentación"]


def test_searching_ranks_and_counts_the_matches_with_the_stored_document(
    postgres, login, servidor, proposals
):
    client = login(servidor)
    with CaptureQueriesContext(connection) as context:
        response = client.get("/propuestas/", {"q": "capacitaciones"})
    assert [p.title for p in response.context["page"]] == ["Formación del personal"]
    assert response.context["page"].paginator.count == 1
    searches = [q["sql"] for q in context.captured_queries if "@@" in q["sql"]]
    # The number of matches, then the page's rows, ranked.
    assert len(searches) == 2
    count, rows = searches
    assert "COUNT(" in count and "ts_rank" in rows
    # None parses the texts again: all use the stored, indexed document.
    assert not any("to_tsvector" in sql for sql in searches)
    assert all('"search_document" @@' in sql for sql in searches)


def test_a_search_follows_every_change(login, servidor, proposals):
    """New, edited, hidden or bulk-inserted proposals are seen at once."""
    client = login(servidor)
    assert found(client, "parqueadero") == ["Parqueaderos"]

    newer = make("Ciclovía interna", "Un parqueadero seguro para bicicletas.")
    assert set(found(client, "parqueadero")) == {"Ciclovía interna", "Parqueaderos"}

    proposals["training"].text = "Y un parqueadero para visitantes."
    proposals["training"].save()
    assert "Formación del personal" in found(client, "parqueadero")

    newer.is_hidden = True
    newer.hidden_reason = "Duplicada"
    newer.save()
    assert "Ciclovía interna" not in found(client, "parqueadero")

    Proposal.objects.bulk_create(
        [
            Proposal(
                title="Cargada en bloque",
                text="Parqueadero de motos.",
                kind=Proposal.Kind.PROPOSAL,
                created_at=timezone.now(),
            )
        ]
    )
    assert "Cargada en bloque" in found(client, "parqueadero")

    # Hidden without a signal (another process, a bulk update).
    Proposal.objects.filter(title="Parqueaderos").update(is_hidden=True)
    assert "Parqueaderos" not in found(client, "parqueadero")
