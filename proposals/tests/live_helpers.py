"""Builders for the live-question tests: a session running now and its room."""

from datetime import timedelta

from django.utils import timezone

from cafe.testing.factories import UserFactory
from proposals.services import live
from sessions_app.tests.factories import RegistrationFactory, SessionFactory


def running_session(**kwargs):
    """A published session that started ten minutes ago and lasts 90."""
    start = (timezone.now() - timedelta(minutes=10)).replace(microsecond=0)
    defaults = {
        "starts_at": start,
        "ends_at": start + timedelta(minutes=90),
        "registration_opens_at": start - timedelta(days=5),
        "registration_closes_at": start - timedelta(hours=2),
    }
    defaults.update(kwargs)
    return SessionFactory(**defaults)


def room(session, people: int, **user_kwargs) -> list:
    """``people`` persons with a confirmed registration in ``session``."""
    users = UserFactory.create_batch(people, **user_kwargs)
    for user in users:
        RegistrationFactory(session=session, user=user)
    return users


def ask(session, user, text="¿Cuándo habrá teletrabajo dos días por semana?", **kw):
    proposal, _code = live.send_live_question(
        session=session, user=user, text=text, **kw
    )
    return proposal
