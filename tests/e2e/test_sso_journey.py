"""The way in for staff: their institutional account at a real OpenID provider
served on 127.0.0.1, in a real browser."""

import pytest

from cafe.org import sso
from cafe.org.models import User
from cafe.testing import oidc
from cafe.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "marta.lopez@secretariageneral.gov.co"


@pytest.fixture
def provider(settings):
    with oidc.running_provider([(EMAIL, "Marta López Peña")]) as issuer:
        for name, value in oidc.sso_settings(issuer).items():
            setattr(settings, name, value)
        sso._discovery.cache_clear()
        yield issuer
    sso._discovery.cache_clear()


def sign_in(page, email):
    page.goto("/")  # a page that needs a session sends the person to log in
    page.get_by_role("link", name="Ingresar con su cuenta institucional").click()
    page.get_by_role("button", name=email).click()  # the provider's login page


def test_first_login_asks_for_the_privacy_notice_then_home(provider, page):
    person = UserFactory(email=EMAIL, full_name="Marta López")

    sign_in(page, EMAIL)

    page.wait_for_url("**/privacidad/**")
    page.get_by_label("He leído el aviso de privacidad").check()
    page.get_by_role("button", name="Aceptar y continuar").click()
    page.wait_for_url(lambda url: "/privacidad/" not in url)
    assert page.get_by_role("heading", level=1).count() == 1
    assert "Marta López Peña" in page.content()

    page.get_by_role("button", name="Salir").click()
    sign_in(page, EMAIL)  # the provider's session was ended: it asks again
    page.wait_for_url(lambda url: "/privacidad/" not in url and "/ingresar" not in url)
    assert User.objects.filter(email__iexact=EMAIL).count() == 1
    person.refresh_from_db()
    assert person.full_name == "Marta López Peña"


def test_someone_outside_the_directory_sees_why(provider, page):
    sign_in(page, EMAIL)

    assert page.get_by_role("heading", name="Su cuenta no está habilitada").count()
    assert "no figura en el directorio" in page.content()
