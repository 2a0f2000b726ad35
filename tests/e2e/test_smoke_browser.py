import pytest

from tests.e2e.conftest import run_axe

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_in_a_real_browser(axe_context, page):
    page.goto("/ingresar/")
    assert page.locator("html").get_attribute("lang") == "es-CO"
    assert page.get_by_role("heading", name="Ingresar").is_visible()
    violations = run_axe(page)
    assert violations == [], violations
    assert page.csp_problems == []
