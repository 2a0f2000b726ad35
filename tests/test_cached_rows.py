"""Every page that renders cached rows (cafe.fragments) finds them all on the next
visit: their keys are stable, so the cache is not filled again on every request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cafe import fragments
from proposals.tests.factories import ProposalFactory
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(servidor):
    soon = SessionFactory(
        dependency=servidor.dependency,
        starts_at=timezone.now() + timedelta(minutes=30),
        registration_opens_at=timezone.now() - timedelta(days=3),
        registration_closes_at=timezone.now() - timedelta(minutes=5),
    )
    RegistrationFactory.create_batch(3, session=soon)
    RegistrationFactory(session=soon, user=servidor)
    SessionFactory.create_batch(2)
    ProposalFactory.create_batch(3, session=soon)
    return soon


@pytest.mark.parametrize(
    ("role", "path", "rows"),
    [
        ("servidor", "/sesiones/", 'class="card h-100"'),
        ("servidor", "/propuestas/", "proposal-row"),
        ("servidor", "/sesiones/{pk}/", "proposal-row"),
        ("comunicaciones", "/sesiones/{pk}/asistencia/", '<tr id="asistencia-'),
        ("comunicaciones", "/sesiones/gestion/rotacion/", "<tr"),
    ],
)
def test_the_second_visit_renders_no_row(
    login, servidor, comunicaciones, data, monkeypatch, role, path, rows
):
    client = login({"servidor": servidor, "comunicaciones": comunicaciones}[role])
    url = path.format(pk=data.pk)
    first = client.get(url)
    assert first.status_code == 200 and rows in first.content.decode()
    filled = []
    monkeypatch.setattr(
        fragments.cache, "set_many", lambda items, *a, **k: filled.append(items)
    )
    second = client.get(url)
    assert second.status_code == 200 and rows in second.content.decode()
    assert filled == []
