import csv
import io
import json

import pytest
from django.urls import reverse

from cafe.org.models import PrivacyConsent
from cafe.org.privacy import current_notice
from cafe.testing.factories import UserFactory, accept_privacy

pytestmark = pytest.mark.django_db


def test_a_new_user_is_taken_to_the_notice_before_anything_else(client, servidor):
    client.force_login(servidor)
    for path in ["/", "/mis-datos/", "/correo/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/privacidad/?next=")
    page = client.get("/privacidad/?next=/mis-datos/")
    body = page.content.decode()
    assert "Aviso de privacidad" in body
    assert "Ley 1581 de 2012" in body
    assert "He leído el aviso de privacidad" in body


def test_htmx_requests_are_redirected_with_a_header(client, servidor):
    client.force_login(servidor)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/privacidad/")


def test_accepting_records_version_time_and_text(client, servidor):
    client.force_login(servidor)
    refused = client.post("/privacidad/", {"next": "/mis-datos/"})
    assert refused.status_code == 200
    assert "debe marcar la casilla" in refused.content.decode()
    assert not PrivacyConsent.objects.exists()

    response = client.post("/privacidad/", {"accept": "on", "next": "/mis-datos/"})
    assert response.status_code == 302
    assert response["Location"] == "/mis-datos/"
    consent = PrivacyConsent.objects.get(user=servidor)
    notice = current_notice()
    assert consent.version == notice.version
    assert consent.text_sha256 == notice.sha256
    assert consent.accepted_at is not None
    servidor.refresh_from_db()
    assert servidor.privacy_notice_version == notice.version
    assert client.get("/").status_code == 200


def test_next_parameter_cannot_send_people_to_another_site(client, servidor):
    client.force_login(servidor)
    response = client.post(
        "/privacidad/", {"accept": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_a_new_notice_version_asks_again_and_keeps_the_old_proof(
    client, servidor, settings
):
    accept_privacy(servidor)
    client.force_login(servidor)
    assert client.get("/").status_code == 200

    settings.CAFE_PRIVACY_NOTICE_VERSION = "2027-01"
    settings.CAFE_PRIVACY_NOTICE_TEXT = "Nuevo texto del aviso."
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/privacidad/")
    client.post("/privacidad/", {"accept": "on"})
    versions = list(
        PrivacyConsent.objects.filter(user=servidor)
        .order_by("accepted_at")
        .values_list("version", flat=True)
    )
    assert versions == ["2026-11", "2027-01"]
    assert client.get("/").status_code == 200


def test_the_notice_is_public_and_logout_works_before_accepting(client, servidor):
    assert client.get("/privacidad/").status_code == 200
    client.force_login(servidor)
    assert client.post("/salir/").status_code == 302


def test_my_data_page_shows_the_persons_data(login, servidor):
    client = login(servidor)
    body = client.get("/mis-datos/").content.decode()
    assert servidor.email in body
    assert servidor.dependency.name in body
    assert "Aceptaciones del aviso de privacidad" in body


def _export(client, fmt):
    response = client.get(f"/mis-datos/descargar/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content.decode("utf-8-sig")


def test_json_export_contains_the_user_and_nobody_else(login, servidor):
    other = UserFactory(full_name="Otra Persona Distinta")
    accept_privacy(other)
    data = json.loads(_export(login(servidor), "json"))
    assert data["titular"] == servidor.email
    profile = next(s for s in data["secciones"] if s["clave"] == "perfil")
    values = {r["Dato"]: r["Valor"] for r in profile["registros"]}
    assert values["Correo institucional"] == servidor.email
    assert values["Nombre completo"] == servidor.full_name
    consents = next(s for s in data["secciones"] if s["clave"] == "autorizaciones")
    assert len(consents["registros"]) == 1
    text = json.dumps(data, ensure_ascii=False)
    assert other.email not in text
    assert "Otra Persona Distinta" not in text


def test_csv_export_contains_the_user_and_nobody_else(login, servidor):
    other = UserFactory()
    rows = list(csv.reader(io.StringIO(_export(login(servidor), "csv")), delimiter=";"))
    assert rows[0] == ["Perfil"]
    assert rows[1] == ["Dato", "Valor"]
    assert ["Correo institucional", servidor.email] in rows
    assert ["Aceptaciones del aviso de privacidad"] in rows
    assert other.email not in "".join(";".join(r) for r in rows)


def test_csv_export_neutralises_formulas(login):
    user = UserFactory(full_name='=HYPERLINK("http://x")')
    rows = list(csv.reader(io.StringIO(_export(login(user), "csv")), delimiter=";"))
    name_row = next(r for r in rows if r[:1] == ["Nombre completo"])
    assert name_row[1].startswith("'=")


def test_my_data_requires_login(client):
    response = client.get("/mis-datos/descargar/json/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ingresar/")
