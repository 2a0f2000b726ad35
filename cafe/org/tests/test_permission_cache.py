"""The permission cache (cafe.org.backends): a role change takes effect on the next
request, in any process, because the key carries the version the user row brings."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cafe.org import roles
from cafe.org.backends import permissions_key
from cafe.org.models import User
from cafe.testing.factories import UserFactory, accept_privacy

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """The person as the next request loads them."""
    return User.objects.get(pk=user.pk)


def test_permissions_are_read_once_then_from_the_cache(django_assert_num_queries):
    user = UserFactory(role=roles.COMUNICACIONES)
    first = fresh(user)
    with django_assert_num_queries(2):  # the person's own, then their groups'
        assert first.has_perm("org.manage_sessions")
    loaded = fresh(user)
    with django_assert_num_queries(0):
        assert loaded.has_perm("org.manage_sessions")
        assert not loaded.has_perm("org.answer_proposals")


def test_joining_and_leaving_a_group_is_seen_by_the_next_request():
    user = UserFactory()
    assert not fresh(user).has_perm("org.view_dashboard")
    despacho = Group.objects.get(name=roles.DESPACHO)
    user.groups.add(despacho)
    assert fresh(user).has_perm("org.view_dashboard")
    despacho.user_set.remove(user)
    assert not fresh(user).has_perm("org.view_dashboard")
    despacho.user_set.add(user)
    assert fresh(user).has_perm("org.view_dashboard")
    user.groups.clear()
    assert not fresh(user).has_perm("org.view_dashboard")


def test_a_change_to_a_groups_permissions_reaches_its_members():
    member, other = UserFactory(role=roles.DESPACHO), UserFactory()
    assert not fresh(member).has_perm("org.view_outbox")
    assert not fresh(other).has_perm("org.view_outbox")
    outbox = Permission.objects.get(codename="view_outbox")
    group = Group.objects.get(name=roles.DESPACHO)
    group.permissions.add(outbox)
    assert fresh(member).has_perm("org.view_outbox")
    assert not fresh(other).has_perm("org.view_outbox")
    outbox.group_set.remove(group)
    assert not fresh(member).has_perm("org.view_outbox")
    group.permissions.add(outbox)
    assert fresh(member).has_perm("org.view_outbox")
    group.permissions.clear()
    assert not fresh(member).has_perm("org.view_dashboard")


def test_direct_permissions_and_deleted_groups_are_seen():
    user = UserFactory()
    dashboard = Permission.objects.get(codename="view_dashboard")
    assert not fresh(user).has_perm("org.view_dashboard")
    user.user_permissions.add(dashboard)
    assert fresh(user).has_perm("org.view_dashboard")
    dashboard.user_set.clear()
    assert not fresh(user).has_perm("org.view_dashboard")
    temporary = Group.objects.create(name="Temporal")
    temporary.permissions.add(dashboard)
    user.groups.add(temporary)
    assert fresh(user).has_perm("org.view_dashboard")
    temporary.delete()
    assert not fresh(user).has_perm("org.view_dashboard")


def test_deactivation_and_superuser_flags_change_the_key():
    user = UserFactory()
    key = permissions_key(fresh(user))
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    assert permissions_key(fresh(user)) != key
    assert fresh(user).has_perm("org.answer_proposals")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not fresh(user).has_perm("org.answer_proposals")


def test_a_revoked_role_closes_its_pages_at_once(client):
    user = UserFactory(role=roles.COMUNICACIONES)
    accept_privacy(user)
    client.force_login(user)
    assert client.get(reverse("sessions:rotation")).status_code == 200
    user.groups.remove(Group.objects.get(name=roles.COMUNICACIONES))
    assert client.get(reverse("sessions:rotation")).status_code == 403


def test_clearing_from_the_group_or_permission_side_is_seen():
    member = UserFactory(role=roles.DESPACHO)
    assert fresh(member).has_perm("org.view_dashboard")
    dashboard = Permission.objects.get(codename="view_dashboard")
    dashboard.group_set.clear()
    assert not fresh(member).has_perm("org.view_dashboard")
    despacho = Group.objects.get(name=roles.DESPACHO)
    assert fresh(member).has_perm("org.answer_proposals")
    despacho.user_set.clear()
    assert not fresh(member).has_perm("org.answer_proposals")
