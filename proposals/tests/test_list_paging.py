"""The proposal list pages its ids first (cafe.paging.IdsFirstPaginator): each page
holds exactly the rows, in exactly the order, of the plain sorted queryset, with what
the rows show (support counts, whether I support it)."""

import pytest

from cafe.paging import IdsFirstPaginator
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


@pytest.mark.parametrize("orden", ["recientes", "apoyos"])
def test_pages_hold_the_rows_of_the_sorted_list(proposals, servidor, orden):
    listed = selectors.proposal_list(user=servidor, filters={"orden": orden})
    expected = list(listed)
    paginator = IdsFirstPaginator(listed, 10)
    assert paginator.count == 25
    shown = [row for number in (1, 2, 3) for row in paginator.page(number)]
    assert [p.pk for p in shown] == [p.pk for p in expected]
    assert [p.support_count for p in shown] == [p.support_count for p in expected]
    assert [p.pk for p in shown if p.i_support] == [proposals[7].pk]


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


def test_past_its_limit_the_count_stops_and_every_page_stays_reachable(
    proposals, servidor, login, monkeypatch
):
    """With more matches than ``count_limit`` the paginator neither counts them
    all nor loses any: "Siguiente" leads through every row, in order."""
    monkeypatch.setattr(IdsFirstPaginator, "count_limit", 7)
    listed = selectors.proposal_list(user=servidor, filters={"orden": "recientes"})
    expected = [p.pk for p in listed]
    paginator = IdsFirstPaginator(listed, 10)
    assert not paginator.count_is_exact
    pages = [paginator.get_page(n) for n in (1, 2, 3)]
    assert [p.pk for page in pages for p in page] == expected
    assert [page.has_next() for page in pages] == [True, True, False]
    assert [page.has_previous() for page in pages] == [False, True, True]
    assert pages[2][0].support_count == listed[20].support_count
    assert paginator.get_page(4).number == 1  # past the end: the first page
    assert paginator.get_page("x").number == 1
    assert paginator.get_page(10**30).number == 1

    client = login(servidor)
    html = client.get("/propuestas/", {"orden": "recientes"}).content.decode()
    assert "Más de 7 resultados" in html
    assert "Página 1<" in html and "pagina=2" in html
    last = client.get("/propuestas/", {"orden": "recientes", "pagina": 2})
    assert "pagina=3" not in last.content.decode()  # 25 rows, 20 per page
    assert [p.pk for p in last.context["page"]] == expected[20:]


def test_the_count_stops_at_the_limit_in_one_bounded_query(
    proposals, servidor, django_assert_num_queries
):
    paginator = IdsFirstPaginator(
        selectors.proposal_list(user=servidor, filters={}), 10
    )
    paginator.count_limit = 5
    with django_assert_num_queries(1) as captured:
        assert paginator.count == 6
    assert "LIMIT 6" in captured.captured_queries[0]["sql"]


def test_search_pages_count_the_matches_with_the_ids(login, servidor, proposals):
    client = login(servidor)
    expected = [
        p.pk for p in selectors.proposal_list(user=servidor, filters={"q": "viáticos"})
    ]
    second = client.get("/propuestas/", {"q": "viáticos", "pagina": 2})
    page = second.context["page"]
    assert page.paginator.count == 25 and page.paginator.count_is_exact
    assert [p.pk for p in page] == expected[20:]
    assert not page.has_next() and page.has_previous()
    assert "Página 2 de 2" in second.content.decode()
    beyond = client.get("/propuestas/", {"q": "viáticos", "pagina": 9})
    assert beyond.context["page"].number == 2  # past the end: the last page
    nothing = client.get("/propuestas/", {"q": "zzzxxy"})
    assert nothing.context["page"].paginator.count == 0
    assert "No hay propuestas con estos filtros." in nothing.content.decode()
