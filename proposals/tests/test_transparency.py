"""The public transparency record: what appears, what never does, the open data
against its dictionary, the index of withheld information and HTTP caching."""

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import transparency
from proposals.models import Proposal
from proposals.services.transparency import classify_commitment
from proposals.tests.factories import ProposalFactory
from sessions_app.models import Minutes
from sessions_app.services.transparency import classify_minutes
from sessions_app.tests.factories import (
    RegistrationFactory,
    TopicFactory,
    held_session,
)

pytestmark = pytest.mark.django_db

PERSON = "Ana María Restrepo Gómez"
AUTHOR = "Carlos Andrés Pérez Díaz"
RESERVED_TEXT = "RESERVADO-deliberacion-presupuestal"
CLASSIFIED_TEXT = "CLASIFICADO-incapacidad-medica"
PENDING_TEXT = "PENDIENTE-sin-clasificar"
REDACTED_AWAY = "lo pidió"


def _minutes(session, summary, agreements=""):
    return Minutes.objects.create(
        session=session,
        summary=summary,
        agreements=agreements,
        status=Minutes.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _commitment(dependency, text, **kwargs):
    now = timezone.now()
    return ProposalFactory(
        status=Proposal.Status.ACCEPTED,
        accepted_at=now,
        first_answered_at=now,
        commitment=text,
        due_date=timezone.localdate() + timedelta(days=20),
        responsible_dependency=dependency,
        **kwargs,
    )


@pytest.fixture
def record(comunicaciones, despacho):
    """Held sessions and commitments in every classification state."""
    dep = DependencyFactory(name="Dirección de Talento Humano")
    topic = TopicFactory(name="Clima laboral")
    person = UserFactory(full_name=PERSON, dependency=dep)
    public_session = held_session(dependency=dep, topic=topic)
    RegistrationFactory(
        session=public_session, user=person, checked_in_at=timezone.now()
    )
    public = _minutes(
        public_session,
        f"{PERSON} propuso pausas activas. Se acordó revisarlas.",
        "- Revisar las pausas activas",
    )
    classify_minutes(
        session_id=public_session.pk,
        actor=comunicaciones,
        classification="publica",
        basis="art18a",
        public_summary="Una servidora propuso pausas activas. Se acordó revisarlas.",
        public_agreements="- Revisar las pausas activas",
    )
    reserved_session = held_session(dependency=dep)
    _minutes(reserved_session, RESERVED_TEXT)
    classify_minutes(
        session_id=reserved_session.pk,
        actor=despacho,
        classification="reservada",
        basis="art19par",
    )
    _minutes(held_session(), PENDING_TEXT)

    author = UserFactory(full_name=AUTHOR, dependency=dep)
    shown = _commitment(dep, f"Instalar pausas activas; {REDACTED_AWAY} {AUTHOR}.")
    shown.author = author
    shown.save()
    classify_commitment(
        proposal_id=shown.pk,
        actor=despacho,
        classification="publica",
        basis="art18a",
        public_commitment="Instalar pausas activas.",
    )
    withheld = _commitment(dep, CLASSIFIED_TEXT)
    classify_commitment(
        proposal_id=withheld.pk,
        actor=despacho,
        classification="clasificada",
        basis="art18b",
    )
    _commitment(dep, PENDING_TEXT)
    return {"public": public, "shown": shown, "withheld": withheld}


PUBLIC_URLS = [
    reverse("transparency"),
    reverse("transparency_data"),
    reverse("transparency_index"),
] + [
    reverse("transparency_dataset", args=[slug, fmt])
    for slug in ("sesiones", "conclusiones", "compromisos", "indice", "diccionario")
    for fmt in ("csv", "json")
]


def test_public_pages_show_no_name_and_nothing_withheld(record):
    client = Client()
    names = list(get_user_model().objects.values_list("full_name", flat=True))
    assert PERSON in names and AUTHOR in names
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for name in names:
            assert name not in body, (url, name)
        for secret in (RESERVED_TEXT, CLASSIFIED_TEXT, PENDING_TEXT, REDACTED_AWAY):
            assert secret not in body, (url, secret)
    page = client.get(reverse("transparency")).content.decode()
    assert "Una servidora propuso pausas activas" in page
    assert "Instalar pausas activas." in page
    assert "Dirección de Talento Humano" in page


def test_the_original_text_is_kept_internally(record):
    record["public"].refresh_from_db()
    assert PERSON in record["public"].summary
    record["shown"].refresh_from_db()
    assert AUTHOR in record["shown"].commitment
    assert record["shown"].public_commitment == "Instalar pausas activas."


def test_index_lists_what_is_withheld_with_its_basis_without_content(record):
    rows = transparency.index_rows(timezone.localdate())
    summary = sorted((r["categoria"], r["calificacion"], r["excepcion"]) for r in rows)
    assert summary == [
        ("Compromiso", "Clasificada (art. 18, Ley 1712 de 2014)", "Parcial"),
        ("Compromiso", "Clasificada (art. 18, Ley 1712 de 2014)", "Total"),
        (
            "Conclusiones de sesión",
            "Clasificada (art. 18, Ley 1712 de 2014)",
            "Parcial",
        ),
        ("Conclusiones de sesión", "Reservada (art. 19, Ley 1712 de 2014)", "Total"),
    ]
    reserved = next(r for r in rows if r["calificacion"].startswith("Reservada"))
    assert "parágrafo" in reserved["fundamento_legal"]
    end = date.today().year + 15
    assert str(end) in reserved["plazo"] or str(end - 1) in reserved["plazo"]
    page = Client().get(reverse("transparency_index")).content.decode()
    assert page.count("Ley 1712 de 2014, Art.") == 4


def test_a_public_text_naming_a_person_is_refused_and_changes_nothing(
    comunicaciones,
):
    session = held_session()
    RegistrationFactory(session=session, user=UserFactory(full_name=PERSON))
    _minutes(session, f"{PERSON} habló.")
    with pytest.raises(ValidationError) as error:
        classify_minutes(
            session_id=session.pk,
            actor=comunicaciones,
            classification="publica",
            public_summary=f"{PERSON} habló.",
        )
    assert PERSON in str(error.value)
    minutes = Minutes.objects.get(session=session)
    assert minutes.classification == "" and minutes.public_summary == ""


@pytest.mark.parametrize(
    ("classification", "basis", "public_text", "field"),
    [
        ("", "", "Texto", "classification"),
        ("publica", "", "Texto cambiado", "basis"),  # redacted: needs a basis
        ("clasificada", "art19a", "", "basis"),  # art. 19 is for reservada
        ("reservada", "", "", "basis"),
        ("publica", "", "", "public_summary"),
    ],
)
def test_bad_classification_gets_a_spanish_message(
    comunicaciones, classification, basis, public_text, field
):
    session = held_session()
    _minutes(session, "Texto")
    with pytest.raises(ValidationError) as error:
        classify_minutes(
            session_id=session.pk,
            actor=comunicaciones,
            classification=classification,
            basis=basis,
            public_summary=public_text,
        )
    assert field in error.value.message_dict
    assert Minutes.objects.get(session=session).classification == ""


def test_only_comunicaciones_and_despacho_classify(servidor):
    session = held_session()
    _minutes(session, "Texto")
    with pytest.raises(PermissionDenied):
        classify_minutes(
            session_id=session.pk,
            actor=servidor,
            classification="publica",
            public_summary="Texto",
        )


def test_hidden_proposals_never_become_public(despacho):
    hidden = _commitment(DependencyFactory(), "Algo", is_hidden=True)
    with pytest.raises(ValidationError):
        classify_commitment(
            proposal_id=hidden.pk,
            actor=despacho,
            classification="publica",
            public_commitment="Algo",
        )


# --- Open data against its dictionary ------------------------------------------------


def _parses(kind: str, value: str, allowed: tuple) -> bool:
    if kind == transparency.INTEGER:
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == transparency.DATE:
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return len(value) == 10
    if kind == transparency.BOOLEAN:
        return value in ("true", "false")
    if kind == transparency.ENUM:
        return value in allowed
    if kind == transparency.URL:
        return re.fullmatch(r"https?://\S+", value) is not None
    return kind == transparency.TEXT


def validate(slug: str, text: str, dictionary: list[dict]) -> list[str]:
    """What in a CSV file disagrees with the published dictionary."""
    columns = [d for d in dictionary if d["conjunto"] == slug]
    reader = csv.DictReader(io.StringIO(text))
    problems = []
    if reader.fieldnames != [c["columna"] for c in columns]:
        problems.append(f"{slug}: columnas {reader.fieldnames}")
    for number, row in enumerate(reader, start=2):
        for column in columns:
            value = row.get(column["columna"], "")
            allowed = tuple(v for v in column["valores"].split(" | ") if v)
            if value == "":
                if column["obligatorio"] == "true":
                    problems.append(f"{slug}:{number}: {column['columna']} vacía")
            elif not _parses(column["tipo"], value, allowed):
                problems.append(f"{slug}:{number}: {column['columna']}={value!r}")
    return problems


def test_the_validator_sees_a_bad_file():
    dictionary = [
        {
            "conjunto": "x",
            "columna": "fecha",
            "tipo": "fecha",
            "obligatorio": "true",
            "valores": "",
        }
    ]
    assert validate("x", "fecha\r\n2026-02-30\r\n", dictionary)
    assert validate("x", "fecha\r\n\r\n", dictionary) == []  # blank line: no row
    assert validate("x", "otra\r\n1\r\n", dictionary)
    assert validate("x", "fecha\r\n2026-02-28\r\n", dictionary) == []


def test_open_data_validates_against_its_dictionary(record):
    client = Client()
    url = reverse("transparency_dataset", args=["diccionario", "csv"])
    dictionary = list(csv.DictReader(io.StringIO(client.get(url).content.decode())))
    assert {d["tipo"] for d in dictionary} <= set(transparency.KINDS)
    assert all(d["descripcion"] for d in dictionary)
    for slug in transparency.DATASETS:
        text = client.get(
            reverse("transparency_dataset", args=[slug, "csv"])
        ).content.decode()
        assert text.count("\r\n") >= 2, f"{slug} sin filas"
        assert validate(slug, text, dictionary) == []
        payload = json.loads(
            client.get(reverse("transparency_dataset", args=[slug, "json"])).content
        )
        columns = [d["columna"] for d in dictionary if d["conjunto"] == slug]
        assert payload["conjunto"] == slug
        assert payload["registros"]
        assert all(list(row) == columns for row in payload["registros"])
    json_dictionary = json.loads(
        client.get(
            reverse("transparency_dataset", args=["diccionario", "json"])
        ).content
    )["registros"]
    assert len(json_dictionary) == len(dictionary)


def test_unknown_dataset_is_404():
    url = reverse("transparency_dataset", args=["personas", "csv"])
    assert Client().get(url).status_code == 404


# --- HTTP caching, the privacy gate, query counts -----------------------------


def test_public_pages_carry_http_caching_headers(record, despacho):
    client = Client()
    url = reverse("transparency")
    first = client.get(url)
    assert (
        "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    )
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    classify_commitment(
        proposal_id=record["withheld"].pk,
        actor=despacho,
        classification="reservada",
        basis="art19b",
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_a_logged_in_page_is_never_shared(login, servidor):
    response = login(servidor).get(reverse("transparency"))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_public_pages_open_before_accepting_the_privacy_notice(login, servidor):
    client = login(servidor, accept_privacy=False)
    assert client.get(reverse("sessions:list")).status_code == 302
    for url in PUBLIC_URLS:
        assert client.get(url).status_code == 200, url


def _queries(url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


def test_public_record_query_count_is_flat(record, despacho):
    urls = [reverse("transparency"), reverse("transparency_index")]
    few = [_queries(url) for url in urls]
    dep = DependencyFactory()
    for n in range(5):
        session = held_session(dependency=dep)
        _minutes(session, f"Resumen {n}")
        classify_minutes(
            session_id=session.pk,
            actor=despacho,
            classification="publica" if n % 2 else "clasificada",
            basis="" if n % 2 else "art18a",
            public_summary=f"Resumen {n}",
        )
        proposal = _commitment(dep, f"Compromiso {n}")
        classify_commitment(
            proposal_id=proposal.pk,
            actor=despacho,
            classification="publica" if n % 2 else "reservada",
            basis="" if n % 2 else "art19b",
            public_commitment=f"Compromiso {n}",
        )
    assert [_queries(url) for url in urls] == few


# --- Classifying from the app ---------------------------------------------------------


def test_comunicaciones_classifies_from_the_form(login, comunicaciones):
    session = held_session()
    _minutes(session, "Se habló del teletrabajo.")
    client = login(comunicaciones)
    url = reverse("proposals:classify_minutes", args=[session.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Se habló del teletrabajo." in form.content.decode()  # prefilled
    response = client.post(
        url,
        {
            "classification": "publica",
            "basis": "",
            "public_summary": "Se habló del teletrabajo.",
            "public_agreements": "",
        },
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get(session=session)
    assert minutes.classification == "publica"
    assert minutes.classified_by == comunicaciones
    assert (
        "Se habló del teletrabajo."
        in Client().get(reverse("transparency")).content.decode()
    )


def test_a_bad_form_shows_the_message_and_changes_nothing(login, despacho):
    proposal = _commitment(DependencyFactory(), "Compromiso original")
    url = reverse("proposals:classify_commitment", args=[proposal.pk])
    response = login(despacho).post(
        url,
        {"classification": "reservada", "basis": "", "public_commitment": "x"},
    )
    assert response.status_code == 200
    assert "Indique el fundamento legal de la excepción." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.classification == ""


def test_classification_queue_query_count_is_flat(login, despacho):
    client = login(despacho)
    url = reverse("proposals:transparency_queue")
    dep = DependencyFactory()
    _minutes(held_session(dependency=dep), "Uno")
    _commitment(dep, "Uno")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        _minutes(held_session(dependency=DependencyFactory()), f"Resumen {n}")
        _commitment(DependencyFactory(), f"Compromiso {n}")
    assert count() == few
