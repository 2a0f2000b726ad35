"""The filters' dependency and topic options follow every save or delete on the
next page."""

import pytest
from django.urls import reverse

from cafe.org.models import Dependency
from sessions_app.models import Topic

pytestmark = pytest.mark.django_db


def filters(client) -> str:
    page = client.get(reverse("sessions:list")).content.decode()
    start = page.index('<form method="get"')
    return page[start : page.index("</form>", start)]


def test_options_follow_the_reference_tables(login, servidor):
    client = login(servidor)
    assert "Oficina de Control Interno" not in filters(client)

    office = Dependency.objects.create(name="Oficina de Control Interno")
    topic = Topic.objects.create(name="Clima laboral")
    page = filters(client)
    assert f'<option value="{office.pk}">Oficina de Control Interno</option>' in page
    assert f'<option value="{topic.pk}">Clima laboral</option>' in page

    office.name = "Oficina de Control Interno de Gestión"
    office.save()
    assert "Control Interno de Gestión" in filters(client)

    office.is_active = False
    office.save()
    topic.delete()
    page = filters(client)
    assert "Control Interno" not in page and "Clima laboral" not in page


def test_a_chosen_option_is_selected_and_validated_against_the_database(
    login, servidor
):
    client = login(servidor)
    office = Dependency.objects.create(name="Oficina Asesora de Planeación")
    filters(client)  # the page offered the office
    Dependency.objects.filter(pk=office.pk).update(is_active=False)  # no signal
    page = client.get(reverse("sessions:list"), {"dependencia": office.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Escoja una opción válida" in html  # refused from the database
