"""Security headers on the pages of every app, as every role, and the production
cookies and HSTS (the values cafe/settings.py really sets when DJANGO_SECURE is on).

tests/test_pages.py checks the shared pages (home, login, privacy, my data, outbox,
passwords, health); this file covers each app's own pages, redirects, error pages
(403, 404, CSRF, 500), downloads and JSON endpoints.
"""

import json
import os
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

import cafe.urls
from cafe.testing.factories import TEST_PASSWORD, UserFactory, accept_privacy
from proposals.tests.factories import ProposalFactory
from sessions_app import services as session_services
from sessions_app.tests.factories import (
    RegistrationFactory,
    SessionFactory,
    held_session,
)

ROOT = Path(__file__).resolve().parent.parent
ROLES = [
    "anonymous",
    "Servidor",
    "Comunicaciones",
    "Despacho",
    "Enlace de dependencia",
    "superuser",
]

# Pages per role: (path, expected status). {s}: a published session the person is
# registered in; {h}: a held session with published conclusions; {p}: a proposal;
# {b}: a bulletin draft.
EVERYONE = [
    ("/no-existe/", 404),
    ("/healthz", 200),
    ("/readyz", 200),
    ("/marca.css", 200),
]
STAFF = [
    ("/sesiones/999999/", 404),
    ("/sesiones/", 200),
    ("/sesiones/{s}/", 200),
    ("/sesiones/{h}/", 200),
    ("/sesiones/{s}/invitacion.ics", 200),
    ("/sesiones/mis-sesiones/", 200),
    ("/sesiones/archivo/", 200),
    ("/propuestas/", 200),
    ("/propuestas/nueva/", 200),
    ("/propuestas/{p}/", 200),
    ("/propuestas/consultar/", 200),
    ("/propuestas/boletin/", 200),
    ("/mis-datos/descargar/json/", 200),
    ("/mis-datos/descargar/csv/", 200),
]
PAGES = {
    "anonymous": [
        *EVERYONE,
        ("/ingresar/", 200),
        ("/clave/restablecer/", 200),
        ("/sesiones/", 302),
        ("/propuestas/tablero/", 302),
        ("/mis-datos/descargar/json/", 302),
    ],
    "Servidor": [
        *EVERYONE,
        *STAFF,
        ("/sesiones/gestion/", 403),
        ("/propuestas/tablero/", 403),
        ("/propuestas/bandeja/", 403),
        ("/correo/", 403),
        ("/admin/", 302),
    ],
    "Comunicaciones": [
        *EVERYONE,
        *STAFF,
        ("/sesiones/gestion/", 200),
        ("/sesiones/gestion/nueva/", 200),
        ("/sesiones/gestion/ciclo/", 200),
        ("/sesiones/gestion/rotacion/", 200),
        ("/sesiones/gestion/temas/", 200),
        ("/sesiones/{s}/asistencia/", 200),
        ("/sesiones/{h}/conclusiones/", 200),
        ("/propuestas/sesion/{s}/capturar/", 200),
        ("/propuestas/boletin/{b}/editar/", 200),
        ("/propuestas/boletin/{b}/correo/", 200),
        ("/propuestas/boletin/{b}/progreso/", 200),
        ("/propuestas/tablero/", 200),
        ("/propuestas/tablero/exportar.csv", 200),
        ("/correo/", 200),
        ("/propuestas/bandeja/", 403),
    ],
    "Despacho": [
        *EVERYONE,
        *STAFF,
        ("/propuestas/bandeja/", 200),
        ("/propuestas/tablero/", 200),
        ("/propuestas/tablero/exportar.xlsx", 200),
        ("/sesiones/conclusiones/revision/", 200),
        ("/sesiones/{h}/conclusiones/versiones/", 200),
        ("/sesiones/gestion/", 403),
        ("/correo/", 403),
    ],
    "Enlace de dependencia": [
        *EVERYONE,
        *STAFF,
        ("/propuestas/seguimiento/", 200),
        ("/propuestas/tablero/", 403),
        ("/sesiones/gestion/nueva/", 403),
    ],
    "superuser": [
        *EVERYONE,
        *STAFF,
        ("/admin/", 200),
        ("/admin/org/user/", 200),
        ("/sesiones/gestion/", 200),
        ("/propuestas/tablero/", 200),
        ("/correo/", 200),
    ],
}

PRINT_PRODUCTION = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "names = ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
    "'SECURE_HSTS_PRELOAD', 'SECURE_SSL_REDIRECT', 'SECURE_REDIRECT_EXEMPT', "
    "'SESSION_COOKIE_SECURE', "
    "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'SESSION_COOKIE_NAME', "
    "'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_SAMESITE', 'CSRF_COOKIE_NAME', "
    "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY', 'X_FRAME_OPTIONS', "
    "'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'DEBUG']; "
    "print(json.dumps({n: getattr(s, n) for n in names}))"
)


def boom(request):
    raise RuntimeError("fallo a propósito para ver la página 500")


# This module doubles as a URLconf: the real one plus a view that fails.
urlpatterns = [path("explota/", boom), *cafe.urls.urlpatterns]


@pytest.fixture(scope="module")
def production():
    """The security settings of cafe/settings.py with production environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CAFE_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cafe.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "p" * 20 + "-R4nd0m-pr0duct10n-k3y-" + "q" * 30,
            "DJANGO_ALLOWED_HOSTS": "cafe.secretariageneral.gov.co",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", PRINT_PRODUCTION],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production_settings(settings, production):
    """Apply the production security values to this test's settings."""
    for name, value in production.items():
        if name != "DEBUG":
            setattr(settings, name, value)
    return settings


def csp_of(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def assert_security_headers(response, where) -> None:
    policy = csp_of(response)
    assert policy["default-src"] == ["'self'"], where
    assert policy["script-src"] == ["'self'"], where  # no unsafe-inline/unsafe-eval
    assert policy["object-src"] == ["'none'"], where
    assert policy["base-uri"] == ["'none'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["form-action"] == ["'self'"], where
    for name, values in policy.items():
        assert "'unsafe-eval'" not in values, (where, name)
        if name != "style-src":
            assert "'unsafe-inline'" not in values, (where, name)
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where


def person(role, dependency):
    if role == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True, dependency=dependency)
    else:
        group = None if role == "Servidor" else role
        extra = {"liaison_of": dependency} if role == "Enlace de dependencia" else {}
        user = UserFactory(role=group, dependency=dependency, **extra)
    accept_privacy(user)
    return user


def scene(user, comunicaciones, despacho):
    """The objects the pages show: ids to fill the paths in."""
    session = SessionFactory()
    if user is not None:
        RegistrationFactory(session=session, user=user)
    held = held_session()
    session_services.save_minutes(
        session_id=held.pk, actor=comunicaciones, data={"summary": "Acuerdos."}
    )
    session_services.submit_minutes(session_id=held.pk, actor=comunicaciones)
    session_services.approve_minutes(session_id=held.pk, actor=despacho)
    proposal = ProposalFactory(author=user) if user else ProposalFactory()
    client = Client()
    client.force_login(comunicaciones)
    client.post("/propuestas/boletin/componer/")
    from proposals.models import Bulletin

    return {
        "s": session.pk,
        "h": held.pk,
        "p": proposal.pk,
        "b": Bulletin.objects.get().pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_app_sends_the_security_headers(
    role, settings, dependency, comunicaciones, despacho
):
    settings.CELERY_BROKER_URL = ""  # /readyz checks only the database here
    accept_privacy(comunicaciones)
    accept_privacy(despacho)
    user = None if role == "anonymous" else person(role, dependency)
    ids = scene(user, comunicaciones, despacho)
    client = Client()
    if user:
        client.force_login(user)
    for template, status in PAGES[role]:
        url = template.format(**ids)
        response = client.get(url)
        assert response.status_code == status, (role, url, response.status_code)
        assert_security_headers(response, (role, url))
        if status == 403:
            assert "No tiene permiso" in response.content.decode(), url
        if status == 302 and role == "anonymous":
            assert response["Location"].startswith("/ingresar/?next="), url


@pytest.mark.django_db
def test_json_endpoints_declare_their_type(login, servidor, settings):
    settings.CELERY_BROKER_URL = ""
    client = login(servidor)
    for url in ["/healthz", "/readyz", "/mis-datos/descargar/json/"]:
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff"
        json.loads(response.content)
    export = client.get("/mis-datos/descargar/json/")
    assert export["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_csrf_failure_and_500_pages_send_the_security_headers(settings, servidor):
    forged = Client(enforce_csrf_checks=True)
    response = forged.post("/ingresar/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_security_headers(response, "csrf")

    accept_privacy(servidor)
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.force_login(servidor)
    response = client.get("/explota/")
    assert response.status_code == 500
    assert_security_headers(response, "500")
    body = response.content.decode()
    assert "RuntimeError" not in body and "Traceback" not in body


@pytest.mark.django_db
def test_a_locked_out_login_sends_the_security_headers(settings, servidor):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(3):
        response = client.post(
            "/ingresar/", {"username": servidor.email, "password": "equivocada-123"}
        )
    assert response.status_code == 429
    assert_security_headers(response, "lockout")


# --- Production: HTTPS only, HSTS, cookies --------------------------------------------


def test_production_settings_really_set_the_secure_values(production):
    assert production == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": ["^healthz$", "^readyz$"],
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "DEBUG": False,
    }


@pytest.mark.django_db
def test_health_probes_answer_over_plain_http(production_settings):
    production_settings.CELERY_BROKER_URL = ""  # /readyz checks only the database
    client = Client()
    for probe in ("/healthz", "/readyz"):
        response = client.get(probe)
        assert response.status_code == 200, probe
        assert response["Content-Type"].startswith("application/json"), probe
    # Every other page still moves to HTTPS.
    response = client.get("/sesiones/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/sesiones/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "Servidor", "Comunicaciones"])
def test_hsts_with_subdomains_on_every_https_page(
    role, production_settings, dependency
):
    production_settings.CELERY_BROKER_URL = ""
    client = Client()  # created after the settings: its middleware reads them
    if role != "anonymous":
        user = person(role, dependency)
        client.force_login(user)
    pages = ["/ingresar/", "/no-existe/", "/healthz", "/sesiones/", "/propuestas/"]
    if role == "Comunicaciones":
        pages += ["/correo/", "/sesiones/gestion/", "/propuestas/tablero/"]
    for url in pages:
        response = client.get(url, secure=True)
        assert response.status_code < 500, url
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), url
        assert_security_headers(response, url)


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(production_settings):
    response = Client().get("/ingresar/", secure=False)
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/ingresar/"


def cookie_attributes(response, name) -> dict:
    assert name in response.cookies, (name, list(response.cookies))
    morsel = response.cookies[name]
    # Re-parse the Set-Cookie line as a browser would read it.
    parsed = SimpleCookie()
    parsed.load(morsel.OutputString())
    return {
        "value": parsed[name].value,
        "secure": bool(parsed[name]["secure"]),
        "httponly": bool(parsed[name]["httponly"]),
        "samesite": parsed[name]["samesite"],
        "path": parsed[name]["path"],
        "domain": parsed[name]["domain"],
        "raw": morsel.OutputString(),
    }


@pytest.mark.django_db
def test_login_cookies_are_secure_httponly_and_samesite(production_settings, servidor):
    client = Client(enforce_csrf_checks=True)
    form = client.get("/ingresar/", secure=True)
    assert form.status_code == 200
    csrf = cookie_attributes(form, "__Host-csrftoken")
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    # The __Host- prefix: Secure, Path=/ and no Domain, or the browser drops it.
    assert csrf["path"] == "/" and not csrf["domain"]
    token = form.context["csrf_token"]

    response = client.post(
        "/ingresar/",
        {
            "username": servidor.email,
            "password": TEST_PASSWORD,
            "csrfmiddlewaretoken": str(token),
        },
        secure=True,
        headers={"referer": "https://testserver/ingresar/"},  # as a browser sends it
    )
    assert response.status_code == 302, response.content.decode()[:300]
    session = cookie_attributes(response, "__Host-sessionid")
    assert session["value"]
    assert session["secure"], session["raw"]
    assert session["httponly"], session["raw"]
    assert session["samesite"] == "Lax", session["raw"]
    assert session["path"] == "/" and not session["domain"], session["raw"]
    assert "sessionid" not in response.cookies  # only the __Host- name is used
    assert_security_headers(response, "login")
    assert (
        "max-age=31536000; includeSubDomains" in (response["Strict-Transport-Security"])
    )
    # The session works over HTTPS with the real cookie.
    home = client.get("/", secure=True)
    assert home.status_code in (200, 302)
