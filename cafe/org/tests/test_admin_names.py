"""The admin names every section, model and column in Spanish (also third-party)."""

import gettext
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Words of the English names Django apps ship with; none may reach a page.
ENGLISH = re.compile(
    r"\b(access|attempts?|logs?|failures?|failed|expiration|status|address|agent"
    r"|username|time|path|data|logins?|users?|groups?|permissions?|locked)\b",
    re.IGNORECASE,
)
LOCALE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_admin_index_names_the_lockout_log_in_spanish(login, superuser):
    page = visible_text(login(superuser).get("/admin/").content.decode())
    for name in (
        "Bloqueos de ingreso",
        "Intentos de ingreso",
        "Ingresos fallidos",
        "Registros de acceso",
    ):
        assert name in page
    for english in ("Axes", "Access attempts", "Access failures", "Access logs"):
        assert english not in page


def test_every_admin_model_and_section_has_a_spanish_name():
    for model in admin.site._registry:
        opts = model._meta
        names = (
            str(opts.verbose_name),
            str(opts.verbose_name_plural),
            str(apps.get_app_config(opts.app_label).verbose_name),
        )
        for name in names:
            assert not ENGLISH.search(name), f"{opts.label}: {name!r}"


def test_every_changelist_shows_spanish_headers(login, superuser):
    AccessAttempt.objects.create(
        user_agent="Firefox",
        ip_address="10.0.0.1",
        username="a@prueba.gov.co",
        http_accept="*/*",
        path_info="/ingresar/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    AccessLog.objects.create(user_agent="Firefox", ip_address="10.0.0.1")
    AccessFailureLog.objects.create(user_agent="Firefox", ip_address="10.0.0.1")
    client = login(superuser)
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        html = client.get(url).content.decode()
        headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
        filters = re.findall(r"<h3>(.*?)</h3>", html, re.S)
        for text in map(visible_text, headers + filters):
            assert not ENGLISH.search(text), f"{url}: {text!r}"


def test_lockout_attempt_page_labels_its_fields_in_spanish(login, superuser):
    attempt = AccessAttempt.objects.create(
        user_agent="Firefox",
        ip_address="10.0.0.1",
        username="a@prueba.gov.co",
        http_accept="*/*",
        path_info="/ingresar/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    url = reverse("admin:axes_accessattempt_change", args=[attempt.pk])
    page = visible_text(login(superuser).get(url).content.decode())
    for label in ("Dirección IP", "Ingresos fallidos"):
        assert label in page
    assert "IP Address" not in page
    assert "Meta Data" not in page


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (single-line entries, as ours are)."""
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', path.read_text(), re.M)
    return dict(entries)


def test_compiled_catalogue_matches_its_source():
    source = read_po(LOCALE / "django.po")
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert source
    assert {msgid: compiled.gettext(msgid) for msgid in source} == source
