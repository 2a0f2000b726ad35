"""A role change takes effect on the person's next request."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cafe.org import roles
from cafe.testing.factories import UserFactory, accept_privacy

pytestmark = pytest.mark.django_db


def test_a_revoked_role_closes_its_pages_at_once(client):
    user = UserFactory(role=roles.COMUNICACIONES)
    accept_privacy(user)
    client.force_login(user)
    assert client.get(reverse("sessions:rotation")).status_code == 200
    user.groups.remove(Group.objects.get(name=roles.COMUNICACIONES))
    assert client.get(reverse("sessions:rotation")).status_code == 403


def test_a_granted_role_opens_its_pages_at_once(client):
    user = UserFactory()
    accept_privacy(user)
    client.force_login(user)
    assert client.get(reverse("sessions:rotation")).status_code == 403
    user.groups.add(Group.objects.get(name=roles.COMUNICACIONES))
    assert client.get(reverse("sessions:rotation")).status_code == 200
