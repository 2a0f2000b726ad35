"""Single sign-on against a real OpenID provider served on 127.0.0.1."""

from datetime import date, timedelta

import jwt
import pytest
import time_machine
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import reverse

from cafe.org import sso
from cafe.org.models import User
from cafe.testing import oidc
from cafe.testing.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "ana.rojas@secretariageneral.gov.co"


@pytest.fixture
def issuer(settings):
    with oidc.running_provider([(EMAIL, "Ana Rojas Díaz")]) as url:
        for name, value in oidc.sso_settings(url).items():
            setattr(settings, name, value)
        sso._discovery.cache_clear()
        yield url
    sso._discovery.cache_clear()


def start(client: Client) -> str:
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    return response["Location"]


def login(client: Client, subject: str):
    back = oidc.provider_login(start(client), subject)
    return client.get(oidc.local_path(back))


def session_user(client: Client):
    return client.session.get("_auth_user_id")


def test_login_through_the_provider_twice_is_one_person(issuer):
    person = UserFactory(email=EMAIL, full_name="Ana Rojas")
    client = Client()

    response = login(client, EMAIL)

    assert response.status_code == 302
    assert session_user(client) == str(person.pk)
    person.refresh_from_db()
    assert person.full_name == "Ana Rojas Díaz"  # refreshed from the claims
    client.post(reverse("logout"))
    assert session_user(client) is None

    login(client, EMAIL)
    assert session_user(client) == str(person.pk)
    assert User.objects.filter(email__iexact=EMAIL).count() == 1


def test_an_alias_domain_finds_the_same_directory_record(issuer):
    person = UserFactory(email="luis.gil@secretariageneral.gov.co")
    client = Client()

    login(client, "Luis.Gil@AlcaldiaBogota.gov.co")

    assert session_user(client) == str(person.pk)


@pytest.mark.parametrize(
    ("subject", "record", "message"),
    [
        ("nadie@secretariageneral.gov.co", None, "no figura en el directorio"),
        ("intruso@gmail.com", None, "no pertenece a un dominio de la entidad"),
        (EMAIL, {"is_active": False}, "está inactivo"),
        (EMAIL, {"contract_ends_on": date(2020, 1, 31)}, "su contrato terminó"),
    ],
)
def test_refused_people_get_a_clear_page_and_no_session(
    issuer, subject, record, message
):
    if record is not None:
        UserFactory(email=EMAIL, **record)
    client = Client()

    response = login(client, subject)

    assert response.status_code == 403
    assert "Su cuenta no está habilitada" in response.content.decode()
    assert message in response.content.decode()
    assert session_user(client) is None


def test_a_contract_ending_today_still_enters(issuer):
    person = UserFactory(email=EMAIL, contract_ends_on=date.today())
    client = Client()

    login(client, EMAIL)

    assert session_user(client) == str(person.pk)


def test_a_wrong_state_is_refused(issuer):
    UserFactory(email=EMAIL)
    client = Client()
    back = oidc.provider_login(start(client), EMAIL)
    tampered = oidc.local_path(back).replace("state=", "state=x")

    response = client.get(tampered)

    assert response.status_code == 400
    assert session_user(client) is None


def test_a_replayed_code_is_refused(issuer):
    UserFactory(email=EMAIL)
    first = Client()
    back = oidc.provider_login(start(first), EMAIL)
    first.get(oidc.local_path(back))
    code = back.split("code=")[1].split("&")[0]
    other = Client()
    state = start(other).split("state=")[1].split("&")[0]

    response = other.get(
        f"{reverse('oidc_authentication_callback')}?code={code}&state={state}"
    )

    assert response.status_code == 403
    assert session_user(other) is None


def test_tokens_for_another_audience_issuer_or_expired_are_rejected(issuer):
    backend = sso.DirectoryOIDCBackend()
    valid = oidc.raw_id_token(issuer, EMAIL)
    assert backend.verify_token(valid, nonce="n")["email"] == EMAIL

    foreign = oidc.raw_id_token(issuer, EMAIL, client_id="otra-aplicacion")
    with pytest.raises(jwt.InvalidAudienceError):
        backend.verify_token(foreign, nonce="n")

    with oidc.running_provider() as other_issuer:
        stranger = oidc.raw_id_token(other_issuer, EMAIL)
    with pytest.raises(jwt.InvalidSignatureError):
        backend.verify_token(stranger, nonce="n")

    with (
        time_machine.travel(timedelta(hours=3)),
        pytest.raises(jwt.ExpiredSignatureError),
    ):
        backend.verify_token(valid, nonce="n")

    with pytest.raises(SuspiciousOperation):
        backend.verify_token(valid, nonce="otro")


def test_a_token_naming_another_issuer_is_rejected(issuer, settings):
    token = oidc.raw_id_token(issuer, EMAIL)  # iss: http://localhost:<port>
    settings.OIDC_OP_ISSUER = issuer.replace("localhost", "127.0.0.1")
    sso._discovery.cache_clear()

    with pytest.raises(jwt.InvalidIssuerError):
        sso.DirectoryOIDCBackend().verify_token(token, nonce="n")


def test_logout_ends_the_provider_session_too(issuer):
    UserFactory(email=EMAIL)
    client = Client()
    login(client, EMAIL)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{issuer}/oauth2/end_session?")
    assert "id_token_hint=" in response["Location"]
    assert session_user(client) is None


def test_a_provider_that_does_not_answer_gets_a_spanish_page(settings):
    for name, value in oidc.sso_settings("http://127.0.0.1:9").items():
        setattr(settings, name, value)
    sso._discovery.cache_clear()

    response = Client().get(reverse("oidc_authentication_init"))

    assert response.status_code == 503
    assert "no responde" in response.content.decode()


def test_login_page_offers_the_institutional_account_first(issuer):
    html = Client().get(reverse("login")).content.decode()

    assert html.index("Ingresar con su cuenta institucional") < html.index(
        'name="password"'
    )
    assert "solo administradores" in html


@pytest.mark.parametrize(
    ("mode", "superuser", "allowed"),
    [
        ("all", False, True),
        ("admins", False, False),
        ("admins", True, True),
        ("off", True, False),
    ],
)
def test_password_login_follows_the_policy(settings, mode, superuser, allowed):
    settings.CAFE_PASSWORD_LOGIN = mode
    person = UserFactory(is_superuser=superuser)
    client = Client()

    response = client.post(
        reverse("login"), {"username": person.email, "password": TEST_PASSWORD}
    )

    assert (session_user(client) == str(person.pk)) is allowed
    if not allowed:
        assert response.status_code == 200
        assert "cuenta institucional" in response.content.decode()
