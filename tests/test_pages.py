"""Every page: Spanish, strict CSP, no external hosts; health probes; demo data."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from cafe.org.models import Dependency, User
from cafe.testing.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    "/",
    "/ingresar/",
    "/privacidad/",
    "/mis-datos/",
    "/correo/",
    "/clave/restablecer/",
    "/clave/cambiar/",
    "/no-existe/",
    "/healthz",
    "/readyz",
    "/transparencia/",
    "/transparencia/datos/",
    "/transparencia/indice/",
]
ROLES = [
    None,
    "Servidor",
    "Comunicaciones",
    "Enlace de dependencia",
    "Despacho",
    "admin",
]


def person(role):
    if role == "admin":
        return UserFactory(is_superuser=True, is_staff=True)
    return UserFactory(role=None if role == "Servidor" else role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_sends_a_strict_csp_and_security_headers(client, role, login):
    if role:
        client = login(person(role))
    for path in PAGES:
        response = client.get(path)
        assert response.status_code < 500, path
        csp = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_html_pages_are_spanish_and_have_no_inline_script_or_style(client, role, login):
    if role:
        client = login(person(role))
    for path in PAGES:
        response = client.get(path, follow=True)
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert '<html lang="es-CO">' in html, path
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, path
        assert "<style" not in html, path
        assert re.search(r'\sstyle="', html) is None, path
        assert re.search(r"\son[a-z]+=", html) is None, path
        assert 'href="#contenido"' in html and 'id="contenido"' in html


EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)"""
    r"""(?:https?:)?//""",
    re.IGNORECASE,
)


def test_no_template_or_static_file_loads_anything_from_another_host():
    offenders = []
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".html", ".txt", ".css", ".js", ".svg"}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            offenders += [f"{path}: {m.group(0)}" for m in EXTERNAL.finditer(text)]
    assert offenders == []


def test_the_external_host_detector_detects():
    assert EXTERNAL.search('<script src="https://cdn.example/x.js">')
    assert EXTERNAL.search("background: url(//fonts.example/a.woff)")
    assert not EXTERNAL.search('<a href="/mis-datos/">')


@pytest.mark.django_db
def test_404_is_spanish_and_not_a_trace(client):
    response = client.get("/no-existe/")
    assert response.status_code == 404
    assert "No encontramos esta página" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_spanish():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "x"}
    )
    assert response.status_code == 403
    assert "No pudimos procesar el formulario" in response.content.decode()


@pytest.mark.django_db
def test_healthz_and_readyz(client, settings):
    assert client.get("/healthz").json() == {"status": "ok"}
    settings.CELERY_BROKER_URL = ""
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": True}}


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_broker(client, settings):
    from cafe.testing.smtp import free_port

    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    ready = client.get("/readyz")
    assert ready.status_code == 200  # pages and logins still work without it
    assert ready.json() == {
        "status": "degraded",
        "checks": {"database": True, "broker": False},
        "degraded": ["broker"],
    }


@pytest.mark.django_db
def test_readyz_with_the_real_broker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    assert client.get("/readyz").json()["checks"] == {"database": True, "broker": True}


def test_brand_css_only_accepts_colours(client, settings):
    settings.CAFE_BRAND_PRIMARY = "red;} body{display:none"
    settings.CAFE_BRAND_SECONDARY = "#003366"
    css = client.get("/marca.css").content.decode()
    assert "--cafe-primary: #8a1538" in css
    assert "--cafe-secondary: #003366" in css


@pytest.mark.django_db
def test_home_welcomes_each_role_with_its_links(login, comunicaciones):
    body = login(comunicaciones).get("/").content.decode()
    assert "Un Café con el Secretario" in body
    assert 'href="/correo/"' in body
    assert "Comunicaciones" in body


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_gives_one_user_per_role(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Dependency.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Dependency.objects.count()) == counts
    out = capsys.readouterr().out
    assert "cafe-demo-2026" in out
    for local, group in [
        ("comunicaciones", "Comunicaciones"),
        ("enlace", "Enlace de dependencia"),
        ("despacho", "Despacho"),
    ]:
        user = User.objects.get(email=f"{local}@demo.secretariageneral.gov.co")
        assert user.groups.filter(name=group).exists()
        assert user.check_password("cafe-demo-2026")
    enlace = User.objects.get(email="enlace@demo.secretariageneral.gov.co")
    assert enlace.liaison_of == enlace.dependency
    assert User.objects.get(email="admin@demo.secretariageneral.gov.co").is_superuser
    assert User.objects.filter(groups__name="Servidor").count() == counts[0]
