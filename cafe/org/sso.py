"""Single sign-on with the entity's accounts (OpenID Connect, mozilla-django-oidc).

The provider is found from its issuer (``/.well-known/openid-configuration``) unless
each endpoint is set explicitly. A person gets a session only when the ``id_token`` is
signed by the provider, is for this client (``aud``), comes from the configured issuer
(``iss``), has not expired, carries the nonce of this login, and its e-mail belongs to
an active directory record of the entity (matched case-insensitively across the
configured domain aliases). Every refusal leaves no session and tells the person why,
in Spanish, on the page the callback renders.
"""

import functools
import logging
from datetime import date
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .models import Dependency, DependencyAlias, User

logger = logging.getLogger(__name__)

# Settings that can come from the provider's discovery document.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}

# Why a login was refused: the page's message (shown to the person).
REFUSALS = {
    "not_in_directory": _("no figura en el directorio de personal de la entidad"),
    "inactive": _("su registro en el directorio está inactivo"),
    "contract_ended": _("su contrato terminó según el directorio de personal"),
    "domain": _("el correo de la cuenta no pertenece a un dominio de la entidad"),
    "no_email": _("el proveedor de identidad no envió un correo institucional"),
    "ambiguous": _("hay más de un registro del directorio con ese correo"),
    "token": _("la respuesta del proveedor de identidad no es válida o expiró"),
    "state": _("la solicitud de ingreso no corresponde a esta sesión del navegador"),
    "disabled": _("el ingreso con cuenta institucional no está configurado"),
    "provider_down": _("el proveedor de identidad no responde en este momento"),
}


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


@functools.lru_cache(maxsize=4)
def _discovery(url: str) -> dict:
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def provider_metadata() -> dict:
    """The provider's discovery document (fetched once per process), or {}."""
    url = settings.OIDC_OP_DISCOVERY_URL
    if not url and settings.OIDC_OP_ISSUER:
        url = settings.OIDC_OP_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
    return _discovery(url) if url else {}


def oidc_setting(attr, *args):
    """A mozilla-django-oidc setting; an endpoint not set explicitly is discovered."""
    if attr in _DISCOVERED and not getattr(settings, attr, ""):
        value = provider_metadata().get(_DISCOVERED[attr])
        if value:
            return value
    return import_from_settings(attr, *args)


def expected_issuer() -> str:
    return settings.OIDC_OP_ISSUER or provider_metadata().get("issuer", "")


def email_domains() -> list[str]:
    return [d.lower().lstrip("@") for d in settings.CAFE_SSO_EMAIL_DOMAINS]


def email_from_claims(claims: dict) -> str:
    """Entra ID often sends the address as ``preferred_username``/``upn`` only."""
    for name in ("email", "preferred_username", "upn"):
        value = str(claims.get(name) or "").strip().lower()
        if "@" in value:
            return value
    return ""


def directory_matches(email: str):
    """Directory records for an address, the same local part in any alias domain."""
    local, _, domain = email.partition("@")
    domains = email_domains()
    if domain not in domains:
        domains = [domain]
    addresses = [f"{local}@{d}" for d in domains]
    return User.objects.filter(email__in=addresses)


def refusal_for(user: User, today: date | None = None) -> str:
    """Why a directory record may not enter, or ''."""
    today = today or timezone.localdate()
    if not user.is_active:
        return "inactive"
    if user.contract_ends_on and user.contract_ends_on < today:
        return "contract_ended"
    return ""


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    """Log a person in from the provider's claims, only if the directory lets them.

    Django builds a backend on every request of a logged-in person; the provider's
    endpoints are therefore read when a login needs them, never in ``__init__``, so
    a provider that is down does not break the pages of people already inside.
    """

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        self.UserModel = User
        self.OIDC_RP_IDP_SIGN_KEY = None

    OIDC_OP_TOKEN_ENDPOINT = property(
        lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
    )
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs:
            return None  # a password login: not for this backend
        try:
            return super().authenticate(request, **kwargs)
        except (
            requests.RequestException,
            SuspiciousOperation,
            jwt.PyJWTError,
            ValueError,
        ) as exc:
            logger.warning("OIDC login refused: %s", type(exc).__name__)
            _refuse(request, "token")
            return None

    def retrieve_matching_jwk(self, token):
        """The provider's signing key for this token: by ``kid`` when the token
        names one, else the provider's only key for the algorithm."""
        header = jwt.get_unverified_header(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
            and (not header.get("kid") or key.get("kid") == header["kid"])
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("no single matching signing key")
        return jwt.PyJWK(keys[0])

    def get_payload_data(self, token, key):
        """Check signature, audience, issuer and expiry (the library skips the
        last three)."""
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("unexpected id_token algorithm")
        return jwt.decode(
            token,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=expected_issuer(),
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud"]},
        )

    def verify_claims(self, claims):
        email = email_from_claims(claims)
        if not email:
            _refuse(self.request, "no_email")
            return False
        if email.partition("@")[2] not in email_domains():
            _refuse(self.request, "domain")
            return False
        return True

    def filter_users_by_claims(self, claims):
        matches = list(directory_matches(email_from_claims(claims)))
        if not matches:
            _refuse(self.request, "not_in_directory")
        elif len(matches) > 1:
            _refuse(self.request, "ambiguous")
        elif reason := refusal_for(matches[0]):
            _refuse(self.request, reason)
            return []
        return matches[:1] if len(matches) == 1 else []

    def update_user(self, user, claims):
        """Name and e-mail from the provider; the dependency from the directory, or
        from the ``department`` claim when a mapping for it exists."""
        changed = []
        name = str(claims.get("name") or "").strip()[:200]
        if name and name != user.full_name:
            user.full_name = name
            changed.append("full_name")
        email = email_from_claims(claims)
        if email != user.email and not User.objects.filter(email=email).exists():
            user.email = email
            changed.append("email")
        claim = settings.CAFE_SSO_DEPARTMENT_CLAIM
        if claim and claims.get(claim):
            dependency = dependency_for_department(str(claims[claim]))
            if dependency and dependency.pk != user.dependency_id:
                user.dependency = dependency
                changed.append("dependency")
        if changed:
            user.save(update_fields=changed)
        return user

    def get_user(self, user_id):
        """A deactivated person loses their session on the next request."""
        return User.objects.filter(pk=user_id, is_active=True).first()


def dependency_for_department(value: str) -> Dependency | None:
    alias = (
        DependencyAlias.objects.select_related("dependency")
        .filter(name__iexact=value.strip())
        .first()
    )
    return alias.dependency if alias else None


def _refuse(request, reason: str) -> None:
    if request is not None and not getattr(request, "cafe_sso_refusal", ""):
        request.cafe_sso_refusal = reason


def refusal_page(request, reason: str, status: int = 403):
    return render(
        request,
        "registration/sso_refused.html",
        {"reason": REFUSALS.get(reason, REFUSALS["token"])},
        status=status,
    )


class LoginStartView(OIDCAuthenticationRequestView):
    """Send the browser to the provider (state, nonce and PKCE kept in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)

    def get(self, request):
        if not enabled():
            return refusal_page(request, "disabled", status=404)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError):
            logger.warning("OIDC provider discovery failed")
            return refusal_page(request, "provider_down", status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:
            return refusal_page(request, "state", status=400)

    def login_failure(self):
        # A failed sign-in leaves nobody signed in (not a previous person either).
        if "code" in self.request.GET and self.request.user.is_authenticated:
            auth.logout(self.request)
        return refusal_page(self.request, getattr(self.request, "cafe_sso_refusal", ""))


def provider_logout_url(request) -> str:
    """RP-initiated logout: the provider's end-session URL, when it has one."""
    endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
    id_token = request.session.get("oidc_id_token")
    if not (endpoint and id_token):
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(
                reverse(settings.LOGOUT_REDIRECT_URL)
            ),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}?{query}"
