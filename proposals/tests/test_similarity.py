"""Similar proposals while writing one, "Apoyar esta", and the duplicates a moderator
sees and merges in one step."""

import pytest
from django.urls import reverse

from cafe.notify.models import Delivery
from cafe.testing.factories import UserFactory
from proposals import services
from proposals.models import Proposal, StatusChange, Support
from proposals.services.capture import hash_tracking_code
from proposals.similarity import _fallback, key_words, similar_proposals
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

FLEXIBLE = "Horario flexible los viernes"


@pytest.fixture
def existing():
    return {
        "flexible": ProposalFactory(
            title=FLEXIBLE,
            text="Que el personal pueda salir más temprano los viernes.",
        ),
        "bikes": ProposalFactory(
            title="Parqueadero para bicicletas en la sede norte",
            text="Faltan cupos para bicicletas y muchas personas llegan en cicla.",
        ),
        "hidden": ProposalFactory(
            title="Horarios flexibles los viernes ya",
            text="Texto que moderación ocultó por el lenguaje.",
            is_hidden=True,
            hidden_reason="Lenguaje",
        ),
    }


def titles(found) -> list[str]:
    return [p.title for p in found]


def test_key_words_drop_stop_words_accents_and_plurals():
    assert key_words("Los horarios flexibles, ¡para TODOS los días 2!") == [
        "horari",
        "flexib",
        "dia",
    ]
    assert key_words("Capacitación") == key_words("capacitaciones")


def test_a_near_duplicate_title_is_suggested_and_unrelated_text_is_not(existing):
    found = similar_proposals(title="Horarios flexibles para los viernes")
    assert titles(found) == [FLEXIBLE]  # the hidden one is never suggested
    assert 0.4 <= found[0].score <= 1
    assert similar_proposals(title="Menú saludable en la cafetería") == []
    assert similar_proposals(title="los de") == []  # nothing to compare


def test_the_word_overlap_fallback(existing):
    """The SQLite path, called directly so it runs on every database."""
    visible = Proposal.objects.filter(is_hidden=False)
    found = _fallback(visible, ["Horarios", "flexibles", "viernes"], 5)
    assert titles(found) == [FLEXIBLE]
    assert found[0].score == 1.0  # every key word, in a title of the same words
    partial = _fallback(visible, ["bicicletas", "sede"], 5)
    assert titles(partial) == ["Parqueadero para bicicletas en la sede norte"]
    assert _fallback(visible, ["cafetería", "saludable"], 5) == []


def test_postgres_ranks_by_trigrams_and_the_spanish_document(postgres, existing):
    ProposalFactory(
        title="Viernes de horario flexible para madres y padres",
        text="Horarios flexibles cuando hay colegio.",
    )
    found = similar_proposals(title="Horario flexible viernes")
    assert titles(found)[0] == FLEXIBLE
    assert set(titles(found)) == {
        FLEXIBLE,
        "Viernes de horario flexible para madres y padres",
    }
    assert found[0].score > found[1].score
    # Stemmed by the Spanish configuration: the plural finds the singular.
    assert titles(similar_proposals(title="Parqueaderos de bicicletas")) == [
        "Parqueadero para bicicletas en la sede norte"
    ]
    assert similar_proposals(title="Menú saludable en la cafetería") == []


def test_the_endpoint_shows_suggestions_with_apoyar_esta(login, servidor, existing):
    client = login(servidor)
    mine = ProposalFactory(
        title="Horario flexible los viernes y lunes", author=servidor
    )

    response = client.get(
        reverse("proposals:similar"), {"title": "horario flexible viernes"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert FLEXIBLE in page
    action = reverse("proposals:support_instead", args=[existing["flexible"].pk])
    assert f'formaction="{action}"' in page
    assert 'form="apoyar-similar"' in page
    assert mine.title in page and "Es suya" in page
    assert "Horarios flexibles los viernes ya" not in page  # hidden
    unrelated = client.get(reverse("proposals:similar"), {"title": "Cafetería"})
    assert unrelated.status_code == 200
    assert "Apoyar esta" not in unrelated.content.decode()


def test_the_form_asks_for_suggestions_as_the_title_is_typed(login, servidor):
    page = login(servidor).get(reverse("proposals:create")).content.decode()
    assert f'hx-get="{reverse("proposals:similar")}"' in page
    assert 'hx-trigger="input changed delay:500ms"' in page
    assert 'id="similares"' in page
    assert '<form id="apoyar-similar" method="post"' in page
    assert "<script>" not in page


def test_apoyar_esta_supports_once_and_never_withdraws(login, servidor, existing):
    proposal = existing["flexible"]
    client = login(servidor)
    url = reverse("proposals:support_instead", args=[proposal.pk])

    first = client.post(url, {"title": "Horario flexible", "text": "..."})
    second = client.post(url)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("proposals:detail", args=[proposal.pk])
    assert Support.objects.filter(proposal=proposal, user=servidor).count() == 1
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert not Proposal.objects.filter(author=servidor).exists()  # nothing sent
    hidden = reverse("proposals:support_instead", args=[existing["hidden"].pk])
    assert client.post(hidden).status_code == 404
    assert not Support.objects.filter(proposal=existing["hidden"]).exists()
    assert client.get(url).status_code == 405


def test_moderators_see_suggested_duplicates_with_a_score(
    login, comunicaciones, servidor, existing
):
    copy = ProposalFactory(title="Horarios flexibles para los viernes")
    page = login(comunicaciones).get(reverse("proposals:detail", args=[copy.pk]))
    html = page.content.decode()
    assert "Posibles duplicados" in html
    assert FLEXIBLE in html and "Similitud" in html
    merge = reverse("proposals:duplicate", args=[copy.pk])
    assert f'action="{merge}"' in html
    assert f'name="original" value="{existing["flexible"].pk}"' in html
    staff = login(servidor).get(reverse("proposals:detail", args=[copy.pk]))
    assert "Posibles duplicados" not in staff.content.decode()


def test_one_step_merge_moves_supports_once_and_the_code_follows(
    login, comunicaciones, servidor, despacho, existing
):
    original = existing["flexible"]
    code = "WXYZ-2345-ABCD"
    anonymous = ProposalFactory(
        title="Viernes flexibles",
        author=None,
        is_anonymous=True,
        tracking_code_hash=hash_tracking_code(code),
    )
    middle = ProposalFactory(title="Horarios flexibles para los viernes")
    both, only_copy = UserFactory(), UserFactory()
    for user in (both, only_copy):
        services.support_proposal(proposal=middle, user=user)
    services.support_proposal(proposal=original, user=both)
    # The anonymous one went into ``middle`` first; then ``middle`` into the original.
    services.mark_duplicate(
        proposal_id=anonymous.pk, original_id=middle.pk, actor=comunicaciones
    )
    response = login(comunicaciones).post(
        reverse("proposals:duplicate", args=[middle.pk]), {"original": original.pk}
    )

    assert response.status_code == 302
    original.refresh_from_db()
    assert set(original.supports.values_list("user", flat=True)) == {
        both.pk,
        only_copy.pk,
    }
    assert original.support_count == 2
    anonymous.refresh_from_db()
    assert anonymous.duplicate_of_id == original.pk
    note = StatusChange.objects.filter(proposal=original).last()
    assert f"N.º {middle.pk}" in note.note and note.is_public
    lookup = login(servidor).post(reverse("proposals:lookup"), {"code": code})
    assert reverse("proposals:detail", args=[original.pk]) in lookup.content.decode()
    # The merged proposal's named author follows the original.
    services.change_status(
        proposal_id=original.pk,
        actor=despacho,
        new_status=Proposal.Status.IN_ANALYSIS,
        note="La revisa Talento Humano.",
    )
    told = set(
        Delivery.objects.filter(kind="proposal_changed").values_list(
            "recipient_id", flat=True
        )
    )
    assert {middle.author_id, original.author_id, both.pk, only_copy.pk} <= told
