"""The home page with what is waiting, on a 390 px phone: fits, accessible, no CSP
problems."""

import pytest
from django.contrib.auth.models import Group

from cafe.testing.factories import DependencyFactory, UserFactory
from tests.e2e.conftest import run_axe
from tests.test_home import add_rows

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_panels_fit_a_phone(axe_context, page, log_in_as):
    dependency = DependencyFactory(
        name="Dirección Distrital de Desarrollo Institucional"
    )
    user = UserFactory(dependency=dependency, liaison_of=dependency)
    for name in ("Despacho", "Comunicaciones", "Enlace de dependencia"):
        user.groups.add(Group.objects.get(name=name))
    for i in range(7):
        add_rows(user, i)
    log_in_as(user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert page.get_by_role("heading", name="Despacho: lo que espera").is_visible()
    assert page.get_by_role("link", name="Por responder 0").is_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert run_axe(page) == []
    assert page.csp_problems == []
