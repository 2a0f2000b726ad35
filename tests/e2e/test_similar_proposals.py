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


def test_a_moderator_merges_a_suggested_duplicate_in_one_step(
    axe_context, page, log_in_as
):
    original = ProposalFactory(title="Horario flexible los viernes")
    copy = ProposalFactory(title="Horarios flexibles para los viernes")
    supporter = UserFactory()
    Support.objects.create(proposal=copy, user=supporter)
    log_in_as(UserFactory(role="Comunicaciones"))
    page.set_viewport_size(PHONE)
    page.goto(f"/propuestas/{copy.pk}/")

    duplicates = page.get_by_role("list", name="Posibles duplicados")
    assert original.title in duplicates.inner_text()
    assert "Similitud" in duplicates.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert run_axe(page) == []

    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        duplicates.get_by_role(
            "button", name=f"Unir esta a la N.º {original.pk}"
        ).click()

    copy.refresh_from_db()
    assert copy.duplicate_of_id == original.pk and copy.is_hidden
    assert Support.objects.filter(proposal=original, user=supporter).exists()
    assert "Marcada como duplicada" in page.content()


def test_the_recurring_themes_section_fits_a_phone(axe_context, page, log_in_as):
    from datetime import timedelta

    from django.utils import timezone

    from proposals import themes

    now = timezone.now()
    for days in (20, 50, 80):
        ProposalFactory(title="Teletrabajo dos días", created_at=now - timedelta(days))
        ProposalFactory(title="Más teletrabajo", created_at=now - timedelta(days + 1))
    themes.rebuild_themes()
    log_in_as(UserFactory(role="Despacho"))
    page.set_viewport_size(PHONE)
    page.goto("/propuestas/tablero/")

    section = page.get_by_role("region", name="Temas que vuelven")
    assert "Teletrabajo" in section.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert run_axe(page) == []
    assert page.csp_problems == []
