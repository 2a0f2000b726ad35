"""Anonymous proposals wait in a queue without author or time and are published in
shuffled batches: nothing in the database dates one closer than its batch period."""

import io
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cafe.testing.factories import UserFactory
from proposals import services
from proposals.models import AnonymousSubmission, Proposal, StatusChange
from proposals.services.anonymous import batch_day
from proposals.tasks import publish_anonymous
from sessions_app.tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every row of every table (many-to-many tables too), by primary key."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        rows = model._base_manager.order_by().values_list("pk", *field_names(model))
        tables[model._meta.label] = {row[0]: row[1:] for row in rows}
    return tables


def field_names(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def sequences() -> dict:
    """Where every id sequence (or SQLite's AUTOINCREMENT counter) stands."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return dict(cursor.fetchall())


def changes(before: dict, after: dict) -> dict:
    """Per table: rows added, removed or changed between two snapshots."""
    found = {}
    for label, rows in after.items():
        old = before.get(label, {})
        added = [pk for pk in rows if pk not in old]
        removed = [pk for pk in old if pk not in rows]
        changed = [pk for pk in rows if pk in old and rows[pk] != old[pk]]
        if added or removed or changed:
            found[label] = {"added": added, "removed": removed, "changed": changed}
    return found


def send(client, title: str, session=""):
    response = client.post(
        "/propuestas/nueva/",
        {
            "kind": "pregunta",
            "title": title,
            "text": "Una pregunta que la persona prefiere hacer sin su nombre.",
            "topic": "",
            "session": str(session),
            "signature": "anonima",
        },
    )
    assert response.status_code == 200
    return response.context["code"]


def named(user, title: str) -> Proposal:
    proposal, _code = services.submit_proposal(
        user=user,
        kind="propuesta",
        title=title,
        text="Una propuesta firmada, escrita con su hora exacta.",
    )
    return proposal


@pytest.fixture
def session_of_five(servidor):
    session = SessionFactory(dependency=servidor.dependency)
    for person in [
        servidor,
        *UserFactory.create_batch(4, dependency=session.dependency),
    ]:
        RegistrationFactory(session=session, user=person)
    return session


def test_sending_anonymously_writes_one_queue_row_and_nothing_else(
    login, servidor, session_of_five, mailoutbox
):
    named(UserFactory(), "Firmada antes")  # rows with exact times around it
    client = login(servidor)
    before, counters = snapshot(), sequences()

    send(client, "¿Habrá aumento de cupos?", session=session_of_five.pk)

    after = snapshot()
    queue = AnonymousSubmission._meta.label
    assert changes(before, after) == {
        queue: {"added": list(after[queue]), "removed": [], "changed": []}
    }
    assert sequences() == counters  # no id was drawn: neighbours date nothing
    row = AnonymousSubmission.objects.get()
    assert isinstance(row.pk, uuid.UUID) and row.pk.version == 4
    values = AnonymousSubmission.objects.values().get()
    assert not [v for v in values.values() if isinstance(v, date | datetime)]
    people = type(servidor)
    assert [f for f in row._meta.concrete_fields if f.related_model is people] == []
    assert mailoutbox == []


def test_published_rows_place_a_submission_in_its_batch_period_only(
    login, servidor, mailoutbox
):
    """Two anonymous proposals sent at either end of a period, with signed activity
    between them, come out alike: the same date (the batch's day), both numbered
    after everything signed in the period, their timeline entries likewise."""
    client = login(servidor)
    before_period = named(UserFactory(), "Firmada antes del período")
    send(client, "Enviada al comienzo del período")
    between = named(UserFactory(), "Firmada entre las dos anónimas")
    send(client, "Enviada al final del período")
    last_signed = named(UserFactory(), "Firmada al final del período")
    before = snapshot()
    now = timezone.now() + timedelta(minutes=settings.PROPOSALS_ANONYMOUS_BATCH_MINUTES)

    published = services.publish_anonymous_batch(now=now)

    assert len(published) == 2
    found = changes(before, snapshot())
    assert set(found) == {
        Proposal._meta.label,
        StatusChange._meta.label,
        AnonymousSubmission._meta.label,
    }
    assert found[AnonymousSubmission._meta.label]["removed"] and not (
        AnonymousSubmission.objects.exists()
    )
    day = batch_day(now)
    signed = [before_period, between, last_signed]
    for proposal in published:
        assert proposal.created_at == day
        assert proposal.pk > max(p.pk for p in signed)
        entry = proposal.changes.get()
        assert entry.created_at == day and entry.actor_id is None
        assert entry.pk > max(p.changes.get().pk for p in signed)
    for label in (Proposal._meta.label, StatusChange._meta.label):
        assert found[label]["changed"] == []
        assert len(found[label]["added"]) == 2
    assert mailoutbox == []


def test_a_batch_is_published_in_random_order(login, servidor):
    client = login(servidor)
    titles = [f"Pregunta anónima número {i:02d}" for i in range(12)]
    for title in titles:
        send(client, title)

    published = services.publish_anonymous_batch()

    by_number = [p.title for p in sorted(published, key=lambda p: p.pk)]
    assert sorted(by_number) == titles
    # 12! orders: the chance that a shuffle keeps the sending order is 1 in 479
    # million; written in the order sent, it would always be kept.
    assert by_number != titles
    timeline = StatusChange.objects.order_by("pk").values_list("proposal__title")
    assert [title for (title,) in timeline] == by_number


def test_a_second_run_publishes_nothing_twice(login, servidor):
    send(login(servidor), "Solo una vez")
    assert len(services.publish_anonymous_batch()) == 1
    assert services.publish_anonymous_batch() == []
    assert Proposal.objects.filter(title="Solo una vez").count() == 1


def test_the_batch_runs_from_beat_and_by_hand(login, servidor, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["proposals-publish-anonymous"]
    assert entry["task"] == "proposals.publish_anonymous"
    assert entry["schedule"] == timedelta(
        minutes=settings.PROPOSALS_ANONYMOUS_BATCH_MINUTES
    )
    client = login(servidor)
    send(client, "Por la tarea periódica")
    assert publish_anonymous.apply().result == 1
    send(client, "A mano")
    out = io.StringIO()
    call_command("publish_anonymous", stdout=out)
    assert "Propuestas anónimas publicadas: 1." in out.getvalue()
    assert Proposal.objects.filter(is_anonymous=True).count() == 2


def test_the_form_states_the_guarantee(login, servidor, settings):
    settings.PROPOSALS_ANONYMOUS_BATCH_MINUTES = 120
    page = login(servidor).get("/propuestas/nueva/").content.decode()
    assert "se publica junto con las demás anónimas cada 2 horas" in page
    assert "en orden aleatorio" in page
    assert "al menos 5 personas inscritas o presentes" in page
