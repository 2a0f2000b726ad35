"""The access log of personal data: each audited page writes who opened whose data."""

import pytest
from django.urls import reverse

from cafe.org import habeas, roles
from cafe.org.models import PersonalDataAccess
from cafe.testing.factories import UserFactory
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

What = PersonalDataAccess.What


@pytest.fixture
def officer(db):
    return UserFactory(role=roles.OFICIAL_DATOS)


def only_row():
    row = PersonalDataAccess.objects.get()
    return row.actor, row.what, row.subject, row.path


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_my_data_export_is_logged(servidor, login, fmt):
    login(servidor).get(f"/mis-datos/descargar/{fmt}/")
    path = f"/mis-datos/descargar/{fmt}/"
    assert only_row() == (servidor, What.MY_DATA_EXPORT, servidor, path)


def test_outbox_page_is_logged(comunicaciones, login):
    login(comunicaciones).get("/correo/?estado=fallido")
    assert only_row() == (comunicaciones, What.OUTBOX, None, "/correo/?estado=fallido")


def test_admin_person_page_is_logged(superuser, servidor, login):
    path = f"/admin/org/user/{servidor.pk}/change/"
    assert login(superuser).get(path).status_code == 200
    assert only_row() == (superuser, What.ADMIN_PERSON, servidor, path)


def test_attendance_list_is_logged_every_time(comunicaciones, login):
    session = SessionFactory()
    RegistrationFactory(session=session, needs="Silla de ruedas")
    client = login(comunicaciones)
    path = reverse("sessions:attendance", args=[session.pk])
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200  # also when served from the cache
    rows = PersonalDataAccess.objects.filter(what=What.ATTENDANCE, path=path)
    assert rows.count() == 2


def test_request_detail_is_logged(servidor, officer, login):
    request = habeas.file_request(person=servidor, kind="consulta", text="¿Qué?")
    path = f"/datos/solicitudes/{request.pk}/"
    login(officer).get(path)
    assert only_row() == (officer, What.DATA_REQUEST, servidor, path)


def test_refused_pages_write_nothing(servidor, login):
    client = login(servidor)
    assert client.get("/correo/").status_code == 403
    assert client.get(f"/admin/org/user/{servidor.pk}/change/").status_code == 302
    assert not PersonalDataAccess.objects.exists()


def test_officer_reads_the_log(servidor, officer, login):
    login(servidor).get("/mis-datos/descargar/json/")
    page = login(officer).get("/datos/accesos/").content.decode()
    assert "Descarga de «Mis datos»" in page
    assert servidor.full_name in page


def test_log_page_query_count_is_flat(
    servidor, officer, login, django_assert_max_num_queries
):
    client = login(officer)
    login(servidor).get("/mis-datos/descargar/json/")
    client.get("/datos/accesos/")
    with django_assert_max_num_queries(20) as few:
        client.get("/datos/accesos/")
    few = len(few)  # before other requests reset the query log
    for _ in range(10):
        someone = UserFactory()
        login(someone).get("/mis-datos/descargar/csv/")
    with django_assert_max_num_queries(few):
        client.get("/datos/accesos/")


def test_admin_person_page_shows_the_open_reclamo(superuser, servidor, login):
    habeas.file_request(
        person=servidor, kind="reclamo", claim="supresion", text="Borren mis datos."
    )
    page = login(superuser).get(f"/admin/org/user/{servidor.pk}/change/")
    assert "Reclamo en trámite (supresión, radicado HD-" in page.content.decode()
