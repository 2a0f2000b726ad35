"""The session and the person of each request are read with plain SQL
(cafe.org.session_store, CachedPermissionBackend.get_user): same results as the ORM."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from cafe.org.backends import CachedPermissionBackend
from cafe.org.models import User
from cafe.org.session_store import SessionStore
from cafe.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_get_user_reads_the_same_person_as_the_orm():
    made = UserFactory(role="Comunicaciones")
    made.privacy_accepted_at = timezone.now()
    made.save()
    loaded = CachedPermissionBackend().get_user(str(made.pk))
    expected = User.objects.get(pk=made.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), (
            field.name
        )
    assert timezone.is_aware(loaded.date_joined)
    assert loaded.is_active is True and loaded.is_staff is False
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert loaded.has_perm("org.manage_sessions")


@pytest.mark.parametrize("user_id", ["999999", "abc", "", "1; DROP TABLE org_user"])
def test_get_user_of_an_unknown_or_malformed_id_is_none(user_id):
    assert CachedPermissionBackend().get_user(user_id) is None


def test_get_user_refuses_an_inactive_person():
    user = UserFactory(is_active=False)
    assert CachedPermissionBackend().get_user(user.pk) is None


def test_the_session_store_loads_live_sessions_only():
    store = SessionStore()
    store["_auth_user_id"] = "7"
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"_auth_user_id": "7"}

    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(1))
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None

    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    assert SessionStore("bad key!").load() == {}


def test_a_logged_out_session_cookie_opens_nothing(client):
    user = UserFactory()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    client.post("/salir/")
    assert not Session.objects.filter(pk=cookie).exists()
    client.cookies["sessionid"] = cookie
    response = client.get("/sesiones/")
    assert response.status_code == 302 and "/ingresar/" in response["Location"]
