"""A real OpenID provider on 127.0.0.1 for the tests (oidc-provider-mock), and the
steps a browser takes through it, done with plain HTTP."""

import os
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

CLIENT_ID = "cafe-pruebas"
CLIENT_SECRET = "secreto-de-pruebas"  # noqa: S105


@contextmanager
def running_provider(people=()):
    """Serve a provider on a free port; ``people`` are (e-mail, name) pairs that its
    login page offers with one click. Yields its issuer URL."""
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub=email, claims={"email": email, "name": name}) for email, name in people
    ]
    with run_server_in_thread(require_nonce=True, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def sso_settings(issuer: str) -> dict:
    """Settings pointing the application at a test provider."""
    return {
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_OP_ISSUER": issuer,
        "CAFE_SSO_EMAIL_DOMAINS": ["secretariageneral.gov.co", "alcaldiabogota.gov.co"],
        "CAFE_PASSWORD_LOGIN": "admins",
    }


def provider_login(authorize_url: str, subject: str) -> str:
    """What the provider's login page does when the person picks ``subject``: the
    URL it sends the browser back to (with ``code`` and ``state``)."""
    response = requests.post(
        authorize_url, data={"sub": subject}, allow_redirects=False, timeout=10
    )
    if response.status_code != 302:
        raise AssertionError(f"the provider refused: {response.text[:500]}")
    return response.headers["Location"]


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def raw_id_token(issuer: str, subject: str, *, client_id: str = CLIENT_ID) -> str:
    """An id_token the provider issues to ``client_id`` for ``subject``, obtained
    outside the application (for the tests that present foreign tokens)."""
    metadata = requests.get(
        f"{issuer}/.well-known/openid-configuration", timeout=10
    ).json()
    redirect_uri = "http://testserver/vuelta/"
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile",
            "state": "s",
            "nonce": "n",
        }
    )
    back = provider_login(f"{metadata['authorization_endpoint']}?{query}", subject)
    code = parse_qs(urlsplit(back).query)["code"][0]
    token = requests.post(
        metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": "x",
        },
        timeout=10,
    )
    token.raise_for_status()
    return token.json()["id_token"]
