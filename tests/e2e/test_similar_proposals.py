"""Similar proposals in the browser, on a phone: typing a title shows the ones that
already exist (htmx, no reload), and "Apoyar esta" supports one instead of sending a
second; the suggestions are accessible and fit 390 px."""

import pytest

from cafe.testing.factories import UserFactory
from proposals.models import Proposal, Support
from proposals.tests.factories import ProposalFactory
from tests.e2e.conftest import run_axe

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_typing_a_title_suggests_and_apoyar_esta_supports(axe_context, page, log_in_as):
    existing = ProposalFactory(
        title="Horario flexible los viernes",
        text="Que el personal pueda salir más temprano los viernes.",
    )
    ProposalFactory(title="Menú saludable en la cafetería")
    person = log_in_as(UserFactory())
    page.set_viewport_size(PHONE)
    page.goto("/propuestas/nueva/")

    page.get_by_label("Título").press_sequentially("Horarios flexibles para viernes")

    suggestion = page.locator("#similares").get_by_role("link", name=existing.title)
    suggestion.wait_for()
    assert "cafetería" not in page.locator("#similares").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert run_axe(page) == []
    assert page.csp_problems == []

    with page.expect_navigation():
        page.get_by_role("button", name="Apoyar esta").click()

    assert page.url.endswith(f"/propuestas/{existing.pk}/")
    assert "en lugar de enviar otra igual" in page.content()
    assert Support.objects.filter(proposal=existing, user=person).count() == 1
    assert not Proposal.objects.filter(author=person).exists()
