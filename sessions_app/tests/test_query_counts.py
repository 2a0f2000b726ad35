"""Each page runs the same number of SQL queries with 1 row of data as with 30.

Pattern: build the first rows, request the page once (warm caches), measure; add rows
up to ``MANY``, measure again. Both counts must match and stay at or under
``MAX_QUERIES``, and each response must show the rows, so an empty page cannot pass.
On a mismatch the message lists the queries that the larger data set added.
"""

import re
from collections import Counter
from datetime import timedelta
from itertools import count

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cafe.org.models import Dependency
from cafe.testing.factories import DependencyFactory, UserFactory
from sessions_app.models import Feedback, Minutes, Registration, Session, Topic

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15
MANY = 30
LIST_PAGE_SIZE = 20  # public.session_list and public.archive
MANAGE_PAGE_SIZE = 30  # manage.session_admin_list

CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED
PUBLISHED = Session.Status.PUBLISHED
HELD = Session.Status.HELD

TITLE_LINK = re.compile(r">Café QC \d{4}</a>")
_numbers = count(1)


def make_session(*, days=10, status=PUBLISHED, **fields) -> Session:
    """A session ``days`` from now (negative: in the past) with a valid timeline."""
    now = timezone.now()
    start = (now + timedelta(days=days)).replace(second=0, microsecond=0)
    values = {
        "title": f"Café QC {next(_numbers):04d}",
        "starts_at": start,
        "ends_at": start + timedelta(minutes=90),
        "place": "Sala de juntas del Despacho",
        "capacity": 20,
        "registration_opens_at": min(start, now) - timedelta(days=10),
        "registration_closes_at": start - timedelta(hours=2),
        "status": status,
        "host_name": "Secretario General",
    }
    values.update(fields)
    return Session.objects.create(**values)


def publish_minutes(session: Session, summary: str) -> Minutes:
    return Minutes.objects.create(
        session=session,
        summary=summary,
        agreements="- Un acuerdo",
        status=Minutes.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _shape(sql: str) -> str:
    """The query with its literal values blanked, to group repeated queries."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    return re.sub(r"\b\d+\b", "?", sql)


def measure(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, f"{url} -> {response.status_code}"
    return response, context.captured_queries


def assert_constant_queries(client, url, *, add_row, check, start=1):
    """Rows ``0..start-1``, warm up, measure; rows up to ``MANY``, measure again."""
    for i in range(start):
        add_row(i)
    client.get(url)  # warm caches (content types, templates, ...)
    response, few = measure(client, url)
    check(response, start)
    for i in range(start, MANY):
        add_row(i)
    response, many = measure(client, url)
    check(response, MANY)
    added = Counter(_shape(q["sql"]) for q in many) - Counter(
        _shape(q["sql"]) for q in few
    )
    repeated = "\n".join(f"{n} x {sql}" for sql, n in added.most_common())
    assert len(few) == len(many), (
        f"{url}: {len(few)} queries with {start} row(s), {len(many)} with {MANY}. "
        f"Added queries:\n{repeated}"
    )
    assert len(many) <= MAX_QUERIES, f"{url}: {len(many)} queries:\n" + "\n".join(
        q["sql"] for q in many
    )
    return len(many)


def test_upcoming_list(login, servidor, other_dependency):
    topic = Topic.objects.create(name="Clima laboral")
    audiences = [servidor.dependency, None, other_dependency]

    def add_row(i):
        session = make_session(
            days=i + 1,
            dependency=audiences[i % 3],
            topic=topic if i % 2 == 0 else None,
        )
        if i % 4 in (0, 1):
            Registration.objects.create(
                session=session, user=servidor, status=[CONFIRMED, WAITLISTED][i % 4]
            )

    def check(response, n):
        shown = min(n, LIST_PAGE_SIZE)
        page = response.context["page"]
        assert page.paginator.count == n
        assert len(response.context["cards"]) == shown
        html = response.content.decode()
        assert html.count('<article class="card h-100"') == shown
        assert len(TITLE_LINK.findall(html)) == shown
        assert "Clima laboral" in html
        states = {state.key for _session, state in response.context["cards"]}
        assert "inscrito" in states
        if n > 1:
            assert {"en_espera", "disponible"} <= states

    assert_constant_queries(
        login(servidor), "/sesiones/?ver=todas", add_row=add_row, check=check
    )


@pytest.mark.parametrize("viewer", ["servidor", "comunicaciones"])
def test_detail_of_published_session(request, login, viewer):
    user = request.getfixturevalue(viewer)
    session = make_session(
        dependency=None,
        topic=Topic.objects.create(name="Bienestar"),
        format=Session.Format.HYBRID,
        meeting_url="https://reunion.example.org/cafe",
    )

    def add_row(i):
        Registration.objects.create(
            session=session,
            user=user if i == 0 else UserFactory(),
            status=WAITLISTED if i % 5 == 4 else CONFIRMED,
        )

    def check(response, n):
        shown = response.context["session"]
        waiting = sum(1 for i in range(n) if i % 5 == 4)
        assert (shown.confirmed_count, shown.waiting_count) == (n - waiting, waiting)
        assert response.context["registration"].user_id == user.pk
        html = response.content.decode()
        assert "Tiene un cupo confirmado." in html
        assert "https://reunion.example.org/cafe" in html
        if viewer == "comunicaciones":
            assert f"{n - waiting} confirmadas de 20 cupos" in html

    assert_constant_queries(
        login(user), f"/sesiones/{session.pk}/", add_row=add_row, check=check
    )


def test_detail_of_held_session_with_minutes_and_survey(login, servidor):
    session = make_session(days=-1, status=HELD, dependency=servidor.dependency)
    publish_minutes(session, "Resumen del encuentro QC")
    Registration.objects.create(
        session=session, user=servidor, status=CONFIRMED, checked_in_at=timezone.now()
    )

    def add_row(i):
        person = UserFactory()
        Registration.objects.create(
            session=session, user=person, status=CONFIRMED, checked_in_at=timezone.now()
        )
        Feedback.objects.create(
            session=session,
            user=person,
            felt_heard=1 + i % 5,
            useful=5,
            trust=4,
            comment=f"Comentario QC {i}" if i % 2 == 0 else "",
        )

    def check(response, n):
        survey = response.context["survey"]
        assert survey.answers == n
        assert survey.shown
        assert len(survey.comments) == (n + 1) // 2
        assert response.context["can_answer_survey"]
        assert response.context["minutes"].session_id == session.pk
        html = response.content.decode()
        assert "Resumen del encuentro QC" in html
        assert f"Promedio de {n} respuestas" in html
        assert html.count("Comentario QC") == (n + 1) // 2

    # Averages are only shown from SESSIONS_SURVEY_MIN_ANSWERS answers up; below that
    # the page skips the comments query, so the small data set starts at the minimum.
    assert_constant_queries(
        login(servidor),
        f"/sesiones/{session.pk}/",
        add_row=add_row,
        check=check,
        start=settings.SESSIONS_SURVEY_MIN_ANSWERS,
    )


def test_my_sessions(login, servidor):
    def add_row(i):
        if i % 2 == 0:  # upcoming; some on the waiting list behind someone else
            session = make_session(days=i + 1)
            status = CONFIRMED
            if i % 4 == 2:
                Registration.objects.create(
                    session=session, user=UserFactory(), status=WAITLISTED
                )
                status = WAITLISTED
            Registration.objects.create(session=session, user=servidor, status=status)
        else:  # past, held; attended some
            session = make_session(days=-i, status=HELD)
            Registration.objects.create(
                session=session,
                user=servidor,
                status=CONFIRMED,
                checked_in_at=session.starts_at if i % 3 else None,
            )

    def check(response, n):
        upcoming, past = response.context["upcoming"], response.context["past"]
        assert (len(upcoming), len(past)) == ((n + 1) // 2, n // 2)
        html = response.content.decode()
        assert len(TITLE_LINK.findall(html)) == n
        if n > 1:
            assert "posición 2" in html
            assert "asistió" in html

    assert_constant_queries(
        login(servidor), "/sesiones/mis-sesiones/", add_row=add_row, check=check
    )


def test_rotation(login, comunicaciones, settings):
    # A one-month cycle: those that never held a session are late once the
    # program's first session (20 + i days ago) is more than a month old.
    settings.SESSIONS_PER_MONTH = 1000

    def add_row(i):
        dependency = DependencyFactory(name=f"Dependencia QC {i:04d}")
        if i % 5 != 4:  # every fifth one never held a session: flagged
            make_session(days=-(20 + i), status=HELD, dependency=dependency)
        make_session(
            days=5 + i,
            status=PUBLISHED if i % 2 else Session.Status.DRAFT,
            dependency=dependency,
        )

    def check(response, n):
        page = response.context["page"]
        active = Dependency.objects.filter(is_active=True).count()
        assert page.paginator.count == active
        rows = list(response.context["rows"])
        assert len(rows) == min(active, 20)
        mine = [row for row in rows if row.name.startswith("Dependencia QC")]
        assert all(row.next_scheduled is not None for row in mine)
        # Those that never held a session come first (every fifth one of mine).
        never = [row for row in rows if row.last_held is None]
        assert rows[: len(never)] == never
        assert sum(row.flagged for row in mine if row.last_held is None) == n // 5
        html = response.content.decode()
        assert html.count('<th scope="row">') == len(rows)

    assert_constant_queries(
        login(comunicaciones),
        "/sesiones/gestion/rotacion/",
        add_row=add_row,
        check=check,
    )


def test_attendance(login, comunicaciones):
    session = make_session(days=1)

    def add_row(i):
        Registration.objects.create(
            session=session,
            user=UserFactory(),
            status=WAITLISTED if i % 5 == 4 else CONFIRMED,
            needs="Rampa de acceso" if i % 3 == 0 else "",
            checked_in_at=timezone.now() if i % 2 == 0 else None,
        )

    def check(response, n):
        assert len(response.context["registrations"]) == n
        assert response.context["present"] == (n + 1) // 2
        html = response.content.decode()
        assert html.count('<tr id="asistencia-') == n
        assert f"{(n + 1) // 2} presentes de {n} personas inscritas" in html

    assert_constant_queries(
        login(comunicaciones),
        f"/sesiones/{session.pk}/asistencia/",
        add_row=add_row,
        check=check,
    )


def test_management_list(login, comunicaciones, dependency):
    topic = Topic.objects.create(name="Campaña QC", kind=Topic.Kind.INTERNAL_CAMPAIGN)
    statuses = list(Session.Status)

    def add_row(i):
        status = statuses[i % len(statuses)]
        session = make_session(
            days=-(i + 1) if status == HELD else i + 1,
            status=status,
            dependency=dependency if i % 2 else None,
            topic=topic if i % 3 == 0 else None,
        )
        if status == PUBLISHED:
            Registration.objects.create(
                session=session, user=UserFactory(), status=CONFIRMED
            )

    def check(response, n):
        assert len(response.context["page"].object_list) == min(n, MANAGE_PAGE_SIZE)
        html = response.content.decode()
        assert len(TITLE_LINK.findall(html)) == min(n, MANAGE_PAGE_SIZE)
        drafts = sum(1 for i in range(n) if statuses[i % len(statuses)] == "borrador")
        assert html.count('name="sesiones"') == drafts

    assert_constant_queries(
        login(comunicaciones), "/sesiones/gestion/", add_row=add_row, check=check
    )


def test_archive(login, servidor):
    def add_row(i):
        session = make_session(
            days=-(i + 1),
            status=HELD,
            dependency=servidor.dependency if i % 2 else None,
            topic=Topic.objects.create(name=f"Tema QC {i}") if i % 3 == 0 else None,
        )
        publish_minutes(session, f"Resumen QC {i}")
        # Held but conclusions still in review: never listed.
        if i % 4 == 3:
            hidden = make_session(days=-(i + 1), status=HELD)
            Minutes.objects.create(
                session=hidden, summary="En revisión", status="en_revision"
            )

    def check(response, n):
        shown = min(n, LIST_PAGE_SIZE)
        page = response.context["page"]
        assert page.paginator.count == n
        assert len(page.object_list) == shown
        html = response.content.decode()
        assert html.count("Resumen QC") == shown
        assert len(TITLE_LINK.findall(html)) == shown

    assert_constant_queries(
        login(servidor), "/sesiones/archivo/", add_row=add_row, check=check
    )
