"""Factories for sessions: times relative to now, in Bogotá."""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from cafe.testing.factories import UserFactory
from sessions_app.models import Feedback, Registration, Session, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Tema {n}")


class SessionFactory(factory.django.DjangoModelFactory):
    """A published session in ten days, registration open now, for the whole entity."""

    class Meta:
        model = Session

    title = factory.Sequence(lambda n: f"Un Café con el Secretario {n}")
    dependency = None
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))
    format = Session.Format.IN_PERSON
    place = "Sala de juntas del Despacho"
    capacity = 20
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - timedelta(days=1)
    )
    registration_closes_at = factory.LazyAttribute(
        lambda o: o.starts_at - timedelta(hours=2)
    )
    status = Session.Status.PUBLISHED
    host_name = "Secretario General"


def held_session(**kwargs) -> Session:
    """A session that took place yesterday and is marked held."""
    start = timezone.now() - timedelta(days=1)
    defaults = {
        "starts_at": start,
        "ends_at": start + timedelta(minutes=90),
        "registration_opens_at": start - timedelta(days=10),
        "registration_closes_at": start - timedelta(hours=2),
        "status": Session.Status.HELD,
    }
    defaults.update(kwargs)
    return SessionFactory(**defaults)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory("cafe.testing.factories.UserFactory")
    status = Registration.Status.CONFIRMED


def held_on(day, **kwargs) -> Session:
    """A session held at 9:00 on ``day``."""
    start = datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone())
    return held_session(
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        registration_opens_at=start - timedelta(days=10),
        registration_closes_at=start - timedelta(hours=2),
        **kwargs,
    )


def survey_answers(session, n, *, heard, useful=4, trust=3) -> None:
    """``n`` survey answers to ``session``, each from a new person."""
    for _ in range(n):
        Feedback.objects.create(
            session=session,
            user=UserFactory(),
            felt_heard=heard,
            useful=useful,
            trust=trust,
        )


def two_past_months():
    """The 10th of the month before last and of last month (inside the dashboard's
    default period)."""
    first = timezone.localdate().replace(day=1)
    earlier = (first - timedelta(days=40)).replace(day=10)
    later = (first - timedelta(days=10)).replace(day=10)
    return earlier, later
