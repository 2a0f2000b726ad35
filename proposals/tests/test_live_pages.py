"""Live questions at the page level: who may send, project and moderate; the htmx
fragments; and the polled fragments' query counts, flat with 1 and 50 questions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cafe.testing.factories import UserFactory
from proposals.models import LiveQuestion, Proposal, StatusChange, Support
from proposals.services import live
from proposals.tests.live_helpers import ask, room, running_session
from proposals.tests.test_anonymous_queue import changes, snapshot

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
QUESTION = "¿Cuándo se publica el nuevo manual de funciones?"


@pytest.fixture
def session():
    return running_session()


@pytest.fixture
def people(session):
    return room(session, 5)


def urls(session, proposal_pk=0) -> dict:
    base = f"/propuestas/sesion/{session.pk}"
    return {
        "phone": f"{base}/preguntas/",
        "list": f"{base}/preguntas/lista/",
        "support": f"{base}/preguntas/{proposal_pk}/apoyo/",
        "board": f"{base}/pantalla/",
        "fragment": f"{base}/pantalla/preguntas/",
        "moderate": f"{base}/moderar/",
        "queue": f"{base}/moderar/cola/",
        "action": f"{base}/moderar/{proposal_pk}/",
    }


def test_a_participant_sends_a_named_question_from_the_phone(login, session, people):
    client = login(people[0])
    page = client.get(urls(session)["phone"])
    assert page.status_code == 200
    assert "Enviar pregunta" in page.content.decode()
    response = client.post(
        urls(session)["phone"],
        {"text": QUESTION, "signature": "nombre"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Recibimos su pregunta" in html and 'id="enviar-pregunta"' in html
    proposal = Proposal.objects.get()
    assert (proposal.author, proposal.text) == (people[0], QUESTION)
    assert proposal.live.state == LiveQuestion.State.PENDING


def test_an_anonymous_question_shows_its_code_once(login, session, people):
    client = login(people[0])
    response = client.post(
        urls(session)["phone"],
        {"text": QUESTION, "signature": "anonima"},
        headers=HTMX,
    )
    code = response.context["code"]
    assert code and code in response.content.decode()
    assert Proposal.objects.get().is_anonymous
    # Nothing keeps the code for a later page.
    assert code not in client.get(urls(session)["phone"]).content.decode()


def test_below_the_threshold_the_phone_offers_only_the_named_way(
    login, session, settings
):
    settings.PROPOSALS_MIN_ANONYMOUS_AUDIENCE = 5
    person = room(session, 2)[0]
    client = login(person)
    html = client.get(urls(session)["phone"]).content.decode()
    assert 'value="anonima"' not in html
    assert "Todavía no es posible preguntar de forma anónima" in html
    response = client.post(
        urls(session)["phone"], {"text": QUESTION, "signature": "anonima"}
    )
    assert response.status_code == 200
    assert "Elija cómo enviar la pregunta." in response.content.decode()
    assert not Proposal.objects.exists()


def test_staff_not_registered_cannot_send_nor_support(login, session, people):
    proposal = ask(session, people[0])
    outsider = login(UserFactory())
    page = outsider.get(urls(session)["phone"])
    assert page.status_code == 403
    assert "Solo las personas inscritas o presentes" in page.content.decode()
    response = outsider.post(
        urls(session)["phone"], {"text": QUESTION, "signature": "nombre"}
    )
    assert response.status_code == 403
    assert outsider.post(urls(session, proposal.pk)["support"]).status_code == 403
    assert outsider.get(urls(session)["list"]).status_code == 403
    assert Proposal.objects.count() == 1 and not Support.objects.exists()


def test_bad_input_gets_a_spanish_message_and_changes_nothing(login, session, people):
    client = login(people[0])
    response = client.post(
        urls(session)["phone"], {"text": "", "signature": "nombre"}, headers=HTMX
    )
    assert "Escriba su pregunta." in response.content.decode()
    response = client.post(
        urls(session)["phone"], {"text": "Hola idiota, ¿qué pasa?", "signature": "x"}
    )
    assert "Elija cómo enviar la pregunta." in response.content.decode()
    assert not Proposal.objects.exists()


def test_only_comunicaciones_projects_and_moderates(
    login, session, people, comunicaciones, despacho
):
    proposal = ask(session, people[0])
    for person in (people[0], despacho):
        client = login(person)
        for name in ("board", "fragment", "moderate", "queue"):
            assert client.get(urls(session)[name]).status_code == 403, name
        response = client.post(
            urls(session, proposal.pk)["action"], {"action": "aprobar"}
        )
        assert response.status_code == 403
    assert LiveQuestion.objects.get().state == LiveQuestion.State.PENDING
    client = login(comunicaciones)
    for name in ("board", "fragment", "moderate", "queue"):
        assert client.get(urls(session)[name]).status_code == 200, name


def test_moderating_from_the_console_refreshes_the_queue(
    login, session, people, comunicaciones
):
    proposal = ask(session, people[0], text=QUESTION)
    client = login(comunicaciones)
    assert QUESTION in client.get(urls(session)["moderate"]).content.decode()
    response = client.post(
        urls(session, proposal.pk)["action"], {"action": "aprobar"}, headers=HTMX
    )
    html = response.content.decode()
    assert 'id="cola"' in html and "aprobada: ya está en la pantalla" in html
    assert LiveQuestion.objects.get().state == LiveQuestion.State.APPROVED
    assert QUESTION in client.get(urls(session)["fragment"]).content.decode()
    # Bad input: a merge without a number, a hide without a reason, no action.
    for data, message in [
        ({"action": "fusionar"}, "Escriba el número de la pregunta"),
        ({"action": "ocultar", "reason": " "}, "Escriba el motivo"),
        ({"action": "borrar"}, "Esa acción no existe."),
        ({"action": "fusionar", "original": "999999"}, "no es de esta sesión"),
    ]:
        response = client.post(urls(session, proposal.pk)["action"], data, headers=HTMX)
        assert message in response.content.decode(), data
    proposal.refresh_from_db()
    assert not proposal.is_hidden and proposal.duplicate_of is None
    # Without htmx: back to the console with the message.
    response = client.post(
        urls(session, proposal.pk)["action"], {"action": "respondida"}, follow=True
    )
    assert "marcada como respondida en la sala" in response.content.decode()
    assert LiveQuestion.objects.get().state == LiveQuestion.State.ANSWERED


def test_supporting_from_the_phone_refreshes_the_list(
    login, session, people, comunicaciones
):
    proposal = ask(session, people[0], text=QUESTION)
    live.approve_live_question(
        session=session, proposal_id=proposal.pk, actor=comunicaciones
    )
    client = login(people[1])
    response = client.post(urls(session, proposal.pk)["support"], headers=HTMX)
    html = response.content.decode()
    assert 'id="preguntas-sala"' in html and "Ya la apoya" in html
    assert "1 apoyo" in html
    client.post(urls(session, proposal.pk)["support"], headers=HTMX)
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_the_session_page_links_the_live_pages_while_it_runs(
    login, session, people, comunicaciones
):
    html = login(people[0]).get(f"/sesiones/{session.pk}/").content.decode()
    assert urls(session)["phone"] in html
    html = login(comunicaciones).get(f"/sesiones/{session.pk}/").content.decode()
    assert urls(session)["moderate"] in html
    outsider = UserFactory()
    html = login(outsider).get(f"/sesiones/{session.pk}/").content.decode()
    assert urls(session)["phone"] not in html


def _questions(session, people, comunicaciones, count: int) -> None:
    for n in range(count):
        proposal = ask(session, people[n % 2], text=f"{QUESTION} Variante {n}.")
        if n % 3:
            live.approve_live_question(
                session=session, proposal_id=proposal.pk, actor=comunicaciones
            )
    for person in people[2:]:
        for question in LiveQuestion.objects.filter(state="aprobada")[:3]:
            live.support_live_question(
                session=session, proposal_id=question.pk, user=person
            )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=HTMX)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["fragment", "queue", "list"])
def test_polled_fragments_have_a_flat_query_count(
    login, session, people, comunicaciones, name
):
    reader = people[4] if name == "list" else comunicaciones
    client = login(reader)
    _questions(session, people, comunicaciones, 1)
    live.approve_live_question(
        session=session,
        proposal_id=LiveQuestion.objects.get().pk,
        actor=comunicaciones,
    )
    client.get(urls(session)[name], headers=HTMX)  # warm the login's own lookups
    one = _queries(client, urls(session)[name])
    _questions(session, people, comunicaciones, 49)
    fifty = _queries(client, urls(session)[name])
    assert fifty == one
    assert one <= 8, one


def test_sending_anonymously_from_the_phone_touches_no_row_of_the_person(
    login, session, people
):
    """Through the whole stack (middleware, login session, CSRF, messages): only
    the proposal, its timeline entry and its room row are written."""
    client = login(people[0])
    client.get(urls(session)["phone"])
    before = snapshot()
    response = client.post(
        urls(session)["phone"], {"text": QUESTION, "signature": "anonima"}
    )
    assert response.status_code == 200 and response.context["code"]
    found = changes(before, snapshot())
    assert sorted(found) == sorted(
        m._meta.label for m in (Proposal, StatusChange, LiveQuestion)
    )
    assert all(not c["changed"] and not c["removed"] for c in found.values())
