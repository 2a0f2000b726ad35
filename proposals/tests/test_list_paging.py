"""The proposal list pages the sorted list: each page holds the rows, in the order,
of the sorted queryset, with what the rows show (support counts)."""

import pytest

from cafe.pagination import CappedPaginator
from cafe.testing.factories import UserFactory
from proposals import selectors, services
from proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(servidor):
    made = ProposalFactory.create_batch(25, text="Trámite de viáticos en línea")
    supporters = UserFactory.create_batch(3)
    for index, proposal in enumerate(made):
        for person in supporters[: index % 4]:
            services.support_proposal(proposal=proposal, user=person)
    services.support_proposal(proposal=made[7], user=servidor)
    return made


def test_the_list_page_shows_the_second_page_in_order(login, servidor, proposals):
    response = login(servidor).get("/propuestas/?orden=apoyos&pagina=2")
    page = response.context["page"]
    expected = list(
        selectors.proposal_list(user=servidor, filters={"orden": "apoyos"})[20:]
    )
    assert [p.pk for p in page] == [p.pk for p in expected]
    assert page.paginator.num_pages == 2
    html = response.content.decode()
    for proposal in expected:
        assert proposal.title in html


def test_a_search_can_be_sorted_by_supports(login, servidor, proposals):
    ProposalFactory(title="Otra cosa", text="Nada que ver con el tema buscado")
    response = login(servidor).get("/propuestas/", {"q": "viáticos", "orden": "apoyos"})
    shown = list(response.context["page"])
    assert len(shown) == 20 and response.context["page"].paginator.count == 25
    counts = [p.support_count for p in shown]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]
    assert "Otra cosa" not in response.content.decode()


def test_past_the_cap_the_list_says_so_and_its_pages_stop_there(
    login, servidor, proposals, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "cap", 22)
    response = login(servidor).get("/propuestas/?pagina=2")
    page = response.context["page"]
    assert page.paginator.count == 22 and page.paginator.more
    assert page.paginator.num_pages == 2 and len(page) == 2
    assert "Más de 22 resultados: se muestran los primeros 22." in (
        response.content.decode()
    )
    monkeypatch.setattr(CappedPaginator, "cap", 25)
    response = login(servidor).get("/propuestas/")
    assert not response.context["page"].paginator.more
    assert "Más de" not in response.content.decode()


def test_a_search_past_the_cap_shows_the_newest_matches_first(
    login, servidor, proposals, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    response = login(servidor).get("/propuestas/", {"q": "viáticos"})
    shown = [p.pk for p in response.context["page"]]
    newest = selectors.proposal_list(user=servidor, filters={"orden": "recientes"})
    assert shown == [p.pk for p in newest[:10]]
    assert "se muestran los 10 más recientes" in response.content.decode()
