"""Whole pages from the cache (cafe/pagecache.py): a second visit with nothing
changed reads only the login session and the person; any write, whatever its path,
any change of role, of day or of a declared moment shows at once; what belongs to
the request (CSRF token, flash messages) is never served from another request."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cafe import pagecache
from cafe.org import roles
from cafe.testing.factories import UserFactory
from sessions_app.models import Registration, Session
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def visit(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def reads_page_data(queries) -> bool:
    return any("sessions_app_" in sql for sql in queries)


def test_a_second_visit_is_served_from_the_cache(login, servidor):
    SessionFactory(title="Clima laboral")
    client = login(servidor)
    first, computed = visit(client, "/sesiones/")
    again, cached = visit(client, "/sesiones/")
    assert reads_page_data(computed)
    assert not reads_page_data(cached)
    assert len(cached) <= 2  # the login session and the person
    assert TOKEN.sub("", again) == TOKEN.sub("", first)
    assert "Clima laboral" in again


def test_the_cached_page_carries_the_requests_own_csrf_token(login, servidor):
    session = SessionFactory()
    client = login(servidor)
    visit(client, f"/sesiones/{session.pk}/")
    page, _queries = visit(client, f"/sesiones/{session.pk}/")
    tokens = set(TOKEN.findall(page))
    assert tokens and pagecache.CSRF_PLACEHOLDER not in page
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"/sesiones/{session.pk}/inscribirme/",
        {"csrfmiddlewaretoken": tokens.pop(), "needs": ""},
    )
    assert response.status_code == 302
    assert Registration.objects.filter(session=session, user=servidor).exists()


@pytest.mark.parametrize("path", ["service", "bulk update", "raw sql"])
def test_any_write_shows_on_the_next_visit(login, servidor, path):
    session = SessionFactory(title="Clima laboral")
    client = login(servidor)
    visit(client, "/sesiones/")
    if path == "service":
        session.title = "Bienestar"
        session.save()
    elif path == "bulk update":  # no signal is sent
        Session.objects.filter(pk=session.pk).update(title="Bienestar")
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE sessions_app_session SET title = %s WHERE id = %s",
                ["Bienestar", session.pk],
            )
    page, queries = visit(client, "/sesiones/")
    assert reads_page_data(queries)
    assert "Bienestar" in page and "Clima laboral" not in page


def test_each_person_sees_their_own_page(login, servidor):
    session = SessionFactory(capacity=1)
    other = UserFactory(dependency=servidor.dependency)
    RegistrationFactory(session=session, user=servidor)
    mine, _queries = visit(login(servidor), f"/sesiones/{session.pk}/")
    theirs, _queries = visit(login(other), f"/sesiones/{session.pk}/")
    assert "Inscripción confirmada" in mine
    assert "Cancelar mi inscripción" in mine
    assert "Cancelar mi inscripción" not in theirs
    assert "lista de espera" in theirs


def test_a_new_role_shows_on_the_next_visit(login, servidor):
    client = login(servidor)
    before, _queries = visit(client, "/propuestas/")
    assert 'href="/sesiones/gestion/"' not in before
    servidor.groups.add(Group.objects.get(name=roles.COMUNICACIONES))
    after, _queries = visit(client, "/propuestas/")
    assert 'href="/sesiones/gestion/"' in after


def test_a_flash_message_is_shown_once_and_never_cached(login, servidor):
    session = SessionFactory()
    client = login(servidor)
    visit(client, f"/sesiones/{session.pk}/")
    client.post(f"/sesiones/{session.pk}/inscribirme/", {"needs": ""})
    with_message, _queries = visit(client, f"/sesiones/{session.pk}/")
    assert "Inscripción confirmada. Le enviamos" in with_message
    again, _queries = visit(client, f"/sesiones/{session.pk}/")
    assert "Inscripción confirmada. Le enviamos" not in again
    assert "Inscripción confirmada" in again
    third, queries = visit(client, f"/sesiones/{session.pk}/")
    assert not reads_page_data(queries)
    assert "Inscripción confirmada. Le enviamos" not in third


def test_a_page_changes_at_the_moment_it_declared(login, servidor):
    """No write in between: registrations open, then the session ends."""
    now = timezone.now().replace(microsecond=0)
    session = SessionFactory(
        title="Clima laboral",
        registration_opens_at=now + timedelta(minutes=5),
        starts_at=now + timedelta(hours=3),
    )
    client = login(servidor)
    with time_machine.travel(now, tick=False):
        page, _queries = visit(client, "/sesiones/")
        assert "Inscripciones aún no abiertas" in page
        page, queries = visit(client, "/sesiones/")
        assert not reads_page_data(queries)
    with time_machine.travel(now + timedelta(minutes=6), tick=False):
        page, _queries = visit(client, "/sesiones/")
        assert "Inscripciones aún no abiertas" not in page
        assert "cupos disponibles" in page
    with time_machine.travel(session.ends_at + timedelta(minutes=1), tick=False):
        page, _queries = visit(client, "/sesiones/")
        assert "Clima laboral" not in page


def test_htmx_requests_and_posts_bypass_the_cache(login, servidor):
    session = SessionFactory()
    client = login(servidor)
    visit(client, "/sesiones/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/sesiones/", headers={"HX-Request": "true"})
    assert reads_page_data([q["sql"] for q in queries.captured_queries])
    assert client.post(f"/sesiones/{session.pk}/inscribirme/").status_code == 302


def test_with_the_page_cache_off_every_visit_computes(login, servidor, settings):
    settings.CAFE_PAGE_CACHE = False
    SessionFactory()
    client = login(servidor)
    visit(client, "/sesiones/")
    _page, queries = visit(client, "/sesiones/")
    assert reads_page_data(queries)


def test_a_page_another_person_may_not_see_stays_hidden(login, servidor):
    draft = SessionFactory(status=Session.Status.DRAFT)
    client = login(servidor)
    assert client.get(f"/sesiones/{draft.pk}/").status_code == 404
    assert client.get(f"/sesiones/{draft.pk}/").status_code == 404


def test_pages_are_cached_in_redis_as_in_production(
    login, servidor, settings, redis_url
):
    """The production cache: the entry and the generation survive the round trip."""
    base, db = redis_url.rsplit("/", 1)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{base}/{int(db or 0) + 8}",  # apart from the broker's
            "KEY_PREFIX": "test-page-cache",
        }
    }
    from django.core.cache import cache

    cache.clear()
    try:
        session = SessionFactory(title="Clima laboral")
        client = login(servidor)
        visit(client, "/sesiones/")
        page, queries = visit(client, "/sesiones/")
        assert not reads_page_data(queries)
        assert "Clima laboral" in page
        Session.objects.filter(pk=session.pk).update(title="Bienestar")
        page, queries = visit(client, "/sesiones/")
        assert reads_page_data(queries)
        assert "Bienestar" in page
    finally:
        cache.clear()


def test_role_checks_run_before_the_cache(login, comunicaciones, servidor, client):
    """A page cached for Comunicaciones is never served to anyone else."""
    visit(login(comunicaciones), "/sesiones/gestion/rotacion/")
    visit(login(comunicaciones), "/sesiones/gestion/rotacion/")
    assert login(servidor).get("/sesiones/gestion/rotacion/").status_code == 403
    anonymous = client.get("/sesiones/gestion/rotacion/")
    assert anonymous.status_code == 302 and "/ingresar/" in anonymous["Location"]
