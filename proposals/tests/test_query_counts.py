"""The proposal pages run the same number of SQL queries with 1 proposal as with 200.

Pattern (as in ``sessions_app/tests/test_query_counts.py``): build the small data set,
request the page once (warm caches), measure; grow the data set to ``MANY`` proposals
with bulk inserts, measure again. Both counts must match and stay at or under
``MAX_QUERIES``, and each response must show the data, so an empty page cannot pass.
On a mismatch the message lists the queries that the larger data set added.

Dates are relative to today (the dashboard's default period is the last eleven months),
so the data set never falls out of the period as the calendar moves on.
"""

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cafe.org.models import User
from cafe.testing.factories import DependencyFactory
from proposals import services
from proposals.dashboard import default_period
from proposals.models import Proposal, StatusChange, Support
from sessions_app.models import Feedback, Registration, Session, Topic
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 16  # the dashboard: its figures plus the stored recurring themes
MANY = 200
PAGE_SIZE = 20  # views.proposal_list
PEOPLE = 80
S = Proposal.Status
E = StatusChange.Event
STATUSES = list(S)
KINDS = list(Proposal.SUBMITTED_KINDS)  # what staff send; agreements are apart
ROW = '<li class="list-group-item proposal-row">'
TIMELINE_ENTRY = '<li class="border-start border-3 ps-3 pb-3">'
INTERNAL_BADGE = '<span class="badge text-bg-light border">interno</span>'


def _shape(sql: str) -> str:
    """The query with its literal values blanked, to group repeated queries."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    return re.sub(r"\b\d+\b", "?", sql)


def measure(client, url):
    """One request on a cold cache: the counts hold whatever the cache holds."""
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, f"{url} -> {response.status_code}"
    return response, context.captured_queries


def assert_constant_queries(client, url, *, grow, check, budget=MAX_QUERIES) -> int:
    """One proposal, warm up, measure; ``MANY`` proposals, measure again."""
    grow(1)
    client.get(url)  # warm caches (content types, templates, ...)
    response, few = measure(client, url)
    check(response, 1)
    grow(MANY)
    response, many = measure(client, url)
    check(response, MANY)
    added = Counter(_shape(q["sql"]) for q in many) - Counter(
        _shape(q["sql"]) for q in few
    )
    repeated = "\n".join(f"{n} x {sql}" for sql, n in added.most_common())
    assert len(few) == len(many), (
        f"{url}: {len(few)} queries with 1 proposal, {len(many)} with {MANY}. "
        f"Added queries:\n{repeated}"
    )
    assert len(many) <= budget, f"{url}: {len(many)} queries:\n" + "\n".join(
        q["sql"] for q in many
    )
    return len(many)


# --- The data set ------------------------------------------------------------------


@dataclass
class World:
    dependencies: list
    topics: list
    sessions: list
    people: list
    proposals: list = field(default_factory=list)
    supporters: dict = field(default_factory=dict)  # proposal pk -> user pks
    feedback: int = 0  # survey answers in held sessions

    def visible(self) -> list[Proposal]:
        return [p for p in self.proposals if not p.is_hidden]


def bulk_people(n: int, dependency, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@qc.gov.co",
            full_name=f"Persona QC {prefix} {i:03d}",
            dependency=dependency,
            password="!",  # unusable
        )
        for i in range(n)
    )


def held(days_ago: int, dependency, title: str) -> Session:
    start = (timezone.now() - timedelta(days=days_ago)).replace(second=0, microsecond=0)
    return SessionFactory(
        title=title,
        dependency=dependency,
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        registration_opens_at=start - timedelta(days=10),
        registration_closes_at=start - timedelta(hours=2),
        status=Session.Status.HELD,
    )


def add_held_sessions(world: World, start: int, stop: int) -> None:
    """Held sessions ``start..stop-1`` with attendance and survey answers."""
    registrations, feedback = [], []
    for j in range(start, stop):
        session = held(
            1 + 9 * j, world.dependencies[j % 3], title=f"Café QC sesión {j:03d}"
        )
        world.sessions.append(session)
        for k in range(6):
            person = world.people[(5 * j + k) % len(world.people)]
            came = k != 5
            registrations.append(
                Registration(
                    session=session,
                    user=person,
                    status=Registration.Status.CONFIRMED,
                    checked_in_at=session.starts_at if came else None,
                )
            )
            if came:
                feedback.append(
                    Feedback(
                        session=session,
                        user=person,
                        felt_heard=1 + (j + k) % 5,
                        useful=4,
                        trust=3,
                    )
                )
    Registration.objects.bulk_create(registrations)
    Feedback.objects.bulk_create(feedback)
    world.feedback += len(feedback)


@pytest.fixture
def world(servidor, other_dependency):
    dependencies = [
        servidor.dependency,
        other_dependency,
        DependencyFactory(name="Dirección QC tercera"),
    ]
    people = [servidor, *bulk_people(PEOPLE - 1, other_dependency, "qc")]
    topics = [Topic.objects.create(name=f"Tema QC {i}") for i in range(3)]
    data = World(dependencies=dependencies, topics=topics, sessions=[], people=people)
    add_held_sessions(data, 0, 3)
    return data


def proposal_row(world: World, i: int, now) -> Proposal:
    """Proposal number ``i``: status, kind, topic, session, dependency vary with i."""
    status = STATUSES[i % len(STATUSES)]
    anonymous = i % 7 == 3
    created = now - timedelta(days=i % 300, hours=i % 24, minutes=1)
    if anonymous:  # the day only, as services.submit_proposal stores it
        created = datetime.combine(
            timezone.localdate(created),
            time.min,
            tzinfo=timezone.get_current_timezone(),
        )
    session = world.sessions[i % len(world.sessions)] if i % 5 in (0, 1) else None
    text = f"Texto de la propuesta QC {i}: mejorar los procesos internos."
    if i % 2 == 0:
        text += " Contiene la palabra buscada."
    proposal = Proposal(
        kind=KINDS[i % len(KINDS)],
        title=f"Propuesta QC {i:04d}",
        text=text,
        topic=world.topics[i % 3] if i % 4 else None,
        session=session,
        author=None if anonymous else world.people[1 + i % (len(world.people) - 1)],
        is_anonymous=anonymous,
        origin=Proposal.Origin.ROOM if session and i % 2 else Proposal.Origin.ONLINE,
        created_at=created,
        responsible_dependency=world.dependencies[i // 6 % 3] if i % 4 != 1 else None,
        status=status,
        is_hidden=i % 11 == 5,
        hidden_reason="Lenguaje ofensivo" if i % 11 == 5 else "",
    )
    today = timezone.localdate()
    if status != S.RECEIVED:
        proposal.first_answered_at = created + timedelta(days=1 + i % 5)
    if status in (S.ACCEPTED, S.IN_PROGRESS, S.IMPLEMENTED):
        proposal.accepted_at = created + timedelta(days=2)
        proposal.commitment = f"Compromiso QC {i}"
        overdue = i // 18 % 2 == 0 or status == S.IMPLEMENTED
        proposal.due_date = today + timedelta(days=-5 if overdue else 10)
    if status == S.IMPLEMENTED:
        proposal.implemented_at = created + timedelta(days=3)
        proposal.outcome = f"Resultado QC {i}"
        proposal.impact = f"Impacto QC {i}"
    if status == S.NOT_VIABLE:
        proposal.closing_reason = "No hay presupuesto."
        proposal.closed_at = created + timedelta(days=2)
    return proposal


def add_proposals(world: World, stop: int) -> None:
    """Bulk-create proposals up to ``stop`` in all, with supports and timelines."""
    now = timezone.now()
    start = len(world.proposals)
    rows = [proposal_row(world, i, now) for i in range(start, stop)]
    chosen = {}  # row index -> supporters
    for i, proposal in enumerate(rows, start=start):
        if proposal.is_hidden:
            continue
        supporters = {world.people[(i + k) % len(world.people)] for k in range(i % 5)}
        if i % 3 == 0:
            supporters.add(world.people[0])  # the Servidor who browses the list
        supporters.discard(proposal.author)
        chosen[i] = supporters
        # Bulk inserts skip the services, which keep the stored count: set it here.
        proposal.support_count = len(supporters)
    created = Proposal.objects.bulk_create(rows)
    world.proposals.extend(created)
    supports, changes = [], []
    for i, proposal in enumerate(created, start=start):
        changes.append(
            StatusChange(
                proposal=proposal,
                event=E.CREATED,
                to_status=S.RECEIVED,
                note="Recibida.",
                actor=proposal.author,
                created_at=proposal.created_at,
            )
        )
        if proposal.status != S.RECEIVED:
            changes.append(
                StatusChange(
                    proposal=proposal,
                    event=E.STATUS,
                    from_status=S.RECEIVED,
                    to_status=proposal.status,
                    note="Cambio de estado.",
                    actor=world.people[0],
                    created_at=proposal.first_answered_at,
                )
            )
        if proposal.is_hidden:
            continue
        supporters = chosen[i]
        supports += [Support(proposal=proposal, user=u) for u in supporters]
        world.supporters[proposal.pk] = {u.pk for u in supporters}
    StatusChange.objects.bulk_create(changes)
    Support.objects.bulk_create(supports)


# --- The proposal list -------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?q=palabra", "?orden=apoyos"])
def test_proposal_list(login, servidor, world, query):
    url = f"/propuestas/{query}"

    def grow(n):
        add_proposals(world, n)

    def check(response, n):
        visible = world.visible()
        if query.startswith("?q="):
            visible = [p for p in visible if "palabra" in p.text]
        assert visible, "the data set must have rows for this page"
        page = response.context["page"]
        assert page.paginator.count == len(visible)
        shown = page.object_list
        assert len(shown) == min(len(visible), PAGE_SIZE)
        assert all(not p.is_hidden for p in shown)
        supporters = [world.supporters[p.pk] for p in shown]
        assert [p.support_count for p in shown] == [len(s) for s in supporters]
        assert [p.i_support for p in shown] == [servidor.pk in s for s in supporters]
        if query == "?orden=apoyos":
            counts = [p.support_count for p in shown]
            assert counts == sorted(counts, reverse=True)
            assert counts[0] == max(len(s) for s in world.supporters.values())
        html = response.content.decode()
        assert html.count(ROW) == len(shown)
        assert all(p.title in html for p in shown)
        if n == MANY and not query:  # the newest rows include anonymous ones
            assert "Anónima" in html
            assert any(p.i_support for p in shown)

    count = assert_constant_queries(login(servidor), url, grow=grow, check=check)
    print(f"{url}: {count} queries")


# --- A proposal page ----------------------------------------------------------------


def long_timeline(proposal: Proposal, world: World, despacho, n: int) -> int:
    """Add ``n`` entries (every third one internal); returns how many are public."""
    start = proposal.created_at
    changes = [
        StatusChange(
            proposal=proposal,
            event=[E.PROGRESS, E.ANSWERED, E.ASSIGNED][k % 3],
            from_status=proposal.status,
            to_status=proposal.status,
            note=f"Nota de seguimiento QC {k}",
            actor=despacho if k % 2 else world.people[1 + k % (len(world.people) - 1)],
            created_at=start + timedelta(minutes=k + 1),
            is_public=k % 3 != 2,
        )
        for k in range(n)
    ]
    StatusChange.objects.bulk_create(changes)
    return sum(1 for c in changes if c.is_public)


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("despacho", S.IN_ANALYSIS),  # status, accept, assign and answer forms
        ("despacho", S.ACCEPTED),  # status, assign, answer and progress forms
        ("servidor", S.ACCEPTED),
    ],
)
def test_proposal_page(request, login, world, despacho, viewer, status):
    user = request.getfixturevalue(viewer)
    now = timezone.now()
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.PROPOSAL,
        title="La propuesta QC con seguimiento",
        text="Texto de la propuesta QC con un seguimiento largo.",
        topic=world.topics[0],
        session=world.sessions[0],
        author=world.people[1],
        created_at=now - timedelta(days=30),
        responsible_dependency=world.dependencies[1],
        status=status,
        first_answered_at=now - timedelta(days=29),
        accepted_at=now - timedelta(days=28) if status == S.ACCEPTED else None,
        commitment="Compromiso QC" if status == S.ACCEPTED else "",
        due_date=timezone.localdate() - timedelta(days=3)
        if status == S.ACCEPTED
        else None,
    )
    StatusChange.objects.create(
        proposal=proposal,
        event=E.CREATED,
        to_status=S.RECEIVED,
        note="Recibida.",
        actor=proposal.author,
        created_at=proposal.created_at,
    )
    services.support_proposal(proposal=proposal, user=user)
    expected = {"supports": 1, "public": 1, "internal": 0}

    def grow(n):
        if n == 1:
            return
        add_proposals(world, n - 1)  # the page's proposal plus n - 1 others
        public = long_timeline(proposal, world, despacho, 150)
        expected["public"] += public
        expected["internal"] += 150 - public
        Support.objects.bulk_create(
            Support(proposal=proposal, user=person)
            for person in world.people[2:62]
            if person != user
        )
        services.recount_supports([proposal.pk])  # bulk inserts skip the counter
        expected["supports"] = Support.objects.filter(proposal=proposal).count()

    def check(response, n):
        shown = response.context["proposal"]
        assert shown.pk == proposal.pk
        assert shown.support_count == expected["supports"]
        assert shown.i_support
        timeline = expected["public"] + (
            expected["internal"] if viewer == "despacho" else 0
        )
        assert len(shown.timeline) == timeline
        html = response.content.decode()
        assert html.count(TIMELINE_ENTRY) == timeline
        assert f"{expected['supports']} apoyo" in html
        assert "Compromiso vencido" in html or status != S.ACCEPTED
        forms = {"status_form", "answer_form", "assign_form"}
        if status == S.IN_ANALYSIS:
            forms.add("accept_form")
        if status == S.ACCEPTED:
            forms.add("progress_form")
        if viewer == "despacho":
            assert forms <= set(response.context.keys())
        else:
            assert not forms & set(response.context.keys())
        assert html.count(INTERNAL_BADGE) == (
            expected["internal"] if viewer == "despacho" else 0
        )
        if n == MANY:
            assert Proposal.objects.count() == MANY
            assert "Nota de seguimiento QC 148" in html  # public
            assert ("Nota de seguimiento QC 149" in html) == (viewer == "despacho")

    count = assert_constant_queries(
        login(user), f"/propuestas/{proposal.pk}/", grow=grow, check=check
    )
    print(f"/propuestas/<pk>/ as {viewer} ({status}): {count} queries")


# --- The dashboard -------------------------------------------------------------------


def expected_figures(world: World, start, end, dependency=None) -> dict:
    """The dashboard figures computed in Python from the data set."""
    tz = timezone.get_current_timezone()
    low = datetime.combine(start, time.min, tzinfo=tz)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)

    def concerns(p):
        session_dependency = p.session.dependency_id if p.session else None
        return dependency is None or dependency.pk in (
            p.responsible_dependency_id,
            session_dependency,
        )

    in_period = [
        p for p in world.visible() if low <= p.created_at < high and concerns(p)
    ]
    today = timezone.localdate()
    overdue = [
        p
        for p in world.visible()
        if p.status in (S.ACCEPTED, S.IN_PROGRESS)
        and p.due_date < today
        and (dependency is None or p.responsible_dependency_id == dependency.pk)
    ]
    sessions = [
        s
        for s in world.sessions
        if low <= s.starts_at < high
        and (dependency is None or s.dependency_id == dependency.pk)
    ]
    return {
        "fulfilled": sum(
            1
            for p in world.visible()
            if p.status == S.IMPLEMENTED
            and low <= p.implemented_at < high
            and concerns(p)
        ),
        "received": len(in_period),
        "answered": sum(1 for p in in_period if p.first_answered_at),
        "accepted": sum(1 for p in in_period if p.accepted_at),
        "implemented": sum(1 for p in in_period if p.status == S.IMPLEMENTED),
        "not_viable": sum(1 for p in in_period if p.status == S.NOT_VIABLE),
        "overdue": len(overdue),
        "sessions_held": len(sessions),
    }


@pytest.mark.parametrize("filtered", [False, True], ids=["default", "filtered"])
def test_dashboard(login, despacho, world, filtered, settings):
    # Measure the computation itself, not the cached figures (tested elsewhere).
    settings.PROPOSALS_DASHBOARD_CACHE_SECONDS = 0
    today = timezone.localdate()
    # The Servidor's dependency: proposal 0 (the small data set) belongs to it.
    dependency = world.dependencies[0] if filtered else None
    if filtered:
        start, end = today - timedelta(days=150), today
        url = (
            f"/propuestas/tablero/?desde={start:%Y-%m-%d}&hasta={end:%Y-%m-%d}"
            f"&dependencia={dependency.pk}"
        )
    else:
        period = default_period()
        start, end = period.start, period.end
        url = "/propuestas/tablero/"

    def grow(n):
        if n == MANY:
            add_held_sessions(world, len(world.sessions), 30)
        add_proposals(world, n)

    def check(response, n):
        dashboard = response.context["dashboard"]
        figures = dashboard.figures
        expected = expected_figures(world, start, end, dependency)
        assert expected["received"] > 0
        assert expected["sessions_held"] > 0
        fulfilled = expected.pop("fulfilled")
        for key, value in expected.items():
            assert figures[key] == value, key
        assert (
            sum(sum(row[s] for s in S.values) for row in dashboard.by_month)
            == figures["received"]
        )
        assert len(dashboard.overdue) == min(figures["overdue"], 20)
        assert len(dashboard.fulfilled) == min(fulfilled, 20)
        low_bound = datetime.combine(
            start, time.min, tzinfo=timezone.get_current_timezone()
        )
        assert all(p.implemented_at >= low_bound for p in dashboard.fulfilled)
        assert figures["pulse_answers"] > 0
        if n == MANY:
            assert figures["received"] >= 40
            assert figures["overdue"] > 0 and figures["implemented"] > 0
            assert len(dashboard.by_month) > 1
            assert dashboard.by_dependency and dashboard.by_topic
            assert len(dashboard.pulse_trend) > 1
        html = response.content.decode()
        assert "Tablero de seguimiento" in html
        assert all(p.title in html for p in dashboard.overdue)

    # The section per campaign adds at most three queries (campaigns, ratings per
    # session, the comments of the campaigns shown), flat in the data: see
    # test_dashboard_campaigns.
    count = assert_constant_queries(
        login(despacho), url, grow=grow, check=check, budget=MAX_QUERIES + 3
    )
    print(f"{url}: {count} queries")


# --- The workbook export -----------------------------------------------------------


def test_workbook_export(login, despacho, world):
    """Proposals, sessions, commitments and survey sheets: one query each."""
    url = "/propuestas/tablero/exportar.xlsx"

    def grow(n):
        if n == MANY:
            add_held_sessions(world, len(world.sessions), 30)
        add_proposals(world, n)

    def check(response, n):
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        period = default_period()
        expected = expected_figures(world, period.start, period.end)
        assert workbook["Propuestas"].max_row == 1 + expected["received"]
        assert workbook["Sesiones"].max_row == 1 + expected["sessions_held"]
        if n == MANY:
            assert workbook["Compromisos"].max_row > 1
        months = [row[0].value for row in workbook["Encuesta"].iter_rows(min_row=2)]
        assert months[-1] == "Todo el periodo" and len(months) > 1

    count = assert_constant_queries(login(despacho), url, grow=grow, check=check)
    print(f"{url}: {count} queries")
