"""Load test of the live questions: a hundred phones send and support questions
while the room's screen polls its fragment.

gunicorn serves the application with production settings on a throw-away
PostgreSQL database (``cafe_board_load`` beside DATABASE_URL's). A running session
has ``--clients`` people registered and ``--approved`` questions already on the
screen. Every client, in its own thread and all at the same instant, sends one
question (one in four anonymous) and supports every question on the screen, the
way the phone page's htmx forms do; meanwhile a moderator's client polls the
screen's fragment. It passes when no request fails and the database ends exact:
``approved + clients`` questions, ``clients`` waiting for moderation, and every
question on the screen with exactly ``clients`` supports (stored count = rows).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cafe \\
        python scripts/board_load.py [--clients 100] [--approved 5] [--workers 3]

Prints one table row and exits with status 1 on any error or wrong count.
"""

import argparse
import http.client
import math
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "cafe_board_load"
SECRET_KEY = secrets.token_urlsafe(50)
AUTH_BACKEND = "cafe.org.backends.CachedPermissionBackend"
REQUEST_TIMEOUT_S = 120
READY_TIMEOUT_S = 30
POLL_EVERY_S = 0.5
ERROR_ALERT = re.compile(r'class="alert alert-danger"[^>]*>(.*?)</div>', re.DOTALL)
HEADER = "Clientes|Preguntas|Apoyos|Errores|p50 ms|p95 ms|Tablero p95 ms|Total s"


@dataclass(frozen=True)
class Login:
    session_key: str
    csrf_secret: str
    csrf_token: str


@dataclass
class Outcome:
    latencies_ms: list
    errors: list


# --- The database ------------------------------------------------------------------


def fresh_database(server_url: str) -> str:
    """Drop and create the throw-away database; return its URL."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(server_url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        name = sql.Identifier(DATABASE)
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    admin.close()
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def server_env(database_url: str) -> dict[str, str]:
    """Production-like settings (DEBUG off), tasks in-process, mail kept in memory."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="cafe.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECURE="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        CELERY_BROKER_URL="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return env


def setup_django(database_url: str) -> None:
    os.environ.update(server_env(database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def login(user) -> Login:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.http import HttpRequest
    from django.middleware.csrf import get_token

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = AUTH_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    request = HttpRequest()
    token = get_token(request)
    return Login(store.session_key, request.META["CSRF_COOKIE"], token)


def seed(clients: int, approved: int) -> dict:
    """A running session, its people, the questions on the screen, the logins."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cafe.org.models import Dependency, User
    from cafe.org.services import accept_privacy_notice, ensure_base_role
    from proposals.services import live
    from sessions_app.models import Registration, Session

    dependency = Dependency.objects.create(name="Dirección de la prueba de la sala")
    people = User.objects.bulk_create(
        User(
            email=f"sala{n:04d}@carga.gov.co",
            full_name=f"Persona de la sala {n:04d}",
            dependency=dependency,
            password=make_password(None),
        )
        for n in range(clients + approved + 1)
    )
    moderator, authors = people[0], people[1 : approved + 1]
    phones = people[1 + approved :]
    moderator.groups.add(Group.objects.get(name="Comunicaciones"))
    start = (timezone.now() - timedelta(minutes=10)).replace(microsecond=0)
    session = Session.objects.create(
        title="Café de la prueba de la sala",
        dependency=dependency,
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        place="Auditorio principal",
        capacity=len(people),
        registration_opens_at=start - timedelta(days=5),
        registration_closes_at=start - timedelta(hours=2),
        status=Session.Status.PUBLISHED,
        published_at=start - timedelta(days=5),
        host_name="Secretario General",
    )
    Registration.objects.bulk_create(
        Registration(session=session, user=u, status=Registration.Status.CONFIRMED)
        for u in people[1:]
    )
    on_screen = []
    for n, author in enumerate(authors):
        proposal, _code = live.send_live_question(
            session=session,
            user=author,
            text=f"Pregunta número {n} que ya está en la pantalla de la sala.",
        )
        live.approve_live_question(
            session=session, proposal_id=proposal.pk, actor=moderator
        )
        on_screen.append(proposal.pk)
    for user in people:
        ensure_base_role(user=user)
        accept_privacy_notice(user=user, ip_address="127.0.0.1")
    return {
        "session": session.pk,
        "on_screen": on_screen,
        "moderator": login(moderator),
        "phones": [login(user) for user in phones],
    }


def verify(session_id: int, on_screen: list, clients: int, approved: int) -> list:
    """What is wrong with the database after the run (empty when exact)."""
    from proposals.models import LiveQuestion, Proposal, Support

    wrong = []
    states = Counter(
        LiveQuestion.objects.filter(session_id=session_id).values_list(
            "state", flat=True
        )
    )
    expected = {"aprobada": approved, "por_moderar": clients}
    if dict(states) != expected:
        wrong.append(f"preguntas por estado {dict(states)} ≠ {expected}")
    anonymous = Proposal.objects.filter(session_id=session_id, is_anonymous=True)
    if anonymous.count() != clients // 4:
        wrong.append(f"anónimas {anonymous.count()} ≠ {clients // 4}")
    for proposal in Proposal.objects.filter(pk__in=on_screen):
        rows = Support.objects.filter(proposal=proposal).count()
        if not proposal.support_count == rows == clients:
            wrong.append(
                f"pregunta {proposal.pk}: contador {proposal.support_count}, "
                f"filas {rows}, esperado {clients}"
            )
    return wrong


# --- The server and the clients ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int):
    port = free_port()
    command = [
        *(sys.executable, "-m", "gunicorn", "cafe.wsgi"),
        *("--workers", str(workers), "--threads", "4", "--bind", f"127.0.0.1:{port}"),
        *("--timeout", str(REQUEST_TIMEOUT_S), "--backlog", "2048"),
        "--no-control-socket",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - our own fixed command
            command,
            cwd=ROOT,
            env=server_env(database_url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not ready(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"gunicorn no arrancó:\n{log.read().decode()}")
                time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def ready(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/readyz")
        return connection.getresponse().status == 200
    except OSError:
        return False


class Browser:
    """One phone (or the screen): its cookies, one keep-alive connection."""

    def __init__(self, port: int, login_: Login):
        self.origin = f"http://127.0.0.1:{port}"
        self.login = login_
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=REQUEST_TIMEOUT_S
        )

    def request(self, method: str, path: str, data: dict | None = None):
        from django.conf import settings

        headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.login.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={self.login.csrf_secret}",
            "HX-Request": "true",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        body = None
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode({"csrfmiddlewaretoken": self.login.csrf_token, **data})
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        page = response.read().decode(errors="replace")
        return response.status, page, (time.perf_counter() - started) * 1000


def problem(status: int, page: str, expected: str) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    if match := ERROR_ALERT.search(page):
        return re.sub(r"<[^>]+>", "", match.group(1)).strip()
    if expected not in page:
        return f"respuesta sin «{expected}»"
    return None


def phone(port, login_, index, session_id, on_screen, barrier, outcome) -> None:
    """Send one question, then support every question on the screen."""
    browser = Browser(port, login_)
    base = f"/propuestas/sesion/{session_id}/preguntas/"
    steps = [
        (
            base,
            {
                "text": f"Pregunta enviada desde el teléfono número {index}.",
                "signature": "anonima" if index % 4 == 0 else "nombre",
            },
            "Recibimos su pregunta",
        )
    ]
    steps += [(f"{base}{pk}/apoyo/", {}, "Ya la apoya") for pk in on_screen]
    barrier.wait()
    for path, data, expected in steps:
        try:
            status, page, ms = browser.request("POST", path, data)
        except (OSError, http.client.HTTPException) as exc:
            outcome.errors.append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        outcome.latencies_ms.append(ms)
        if error := problem(status, page, expected):
            outcome.errors.append(f"{path}: {error}")


def screen(port, login_, session_id, stop, outcome) -> None:
    """The room's screen, polled faster than the page does (every 3 s)."""
    browser = Browser(port, login_)
    path = f"/propuestas/sesion/{session_id}/pantalla/preguntas/"
    while not stop.is_set():
        try:
            status, page, ms = browser.request("GET", path)
        except (OSError, http.client.HTTPException) as exc:
            outcome.errors.append(f"pantalla: {type(exc).__name__}: {exc}")
        else:
            outcome.latencies_ms.append(ms)
            if error := problem(status, page, 'id="tablero"'):
                outcome.errors.append(f"pantalla: {error}")
        stop.wait(POLL_EVERY_S)


def percentile(values: list, q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)], 1)


def run(*, clients: int = 100, approved: int = 5, workers: int = 3) -> dict:
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Se necesita PostgreSQL: defina DATABASE_URL.")
    database_url = fresh_database(server)
    setup_django(database_url)
    fixture = seed(clients, approved)
    from django.db import connection

    connection.close()  # the server's workers need no idle connection of ours
    phones = Outcome([], [])
    board = Outcome([], [])
    with gunicorn(database_url, workers) as port:
        stop = threading.Event()
        barrier = threading.Barrier(clients)
        poller = threading.Thread(
            target=screen,
            args=(port, fixture["moderator"], fixture["session"], stop, board),
        )
        threads = [
            threading.Thread(
                target=phone,
                args=(
                    port,
                    login_,
                    index,
                    fixture["session"],
                    fixture["on_screen"],
                    barrier,
                    phones,
                ),
            )
            for index, login_ in enumerate(fixture["phones"])
        ]
        poller.start()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        total = time.perf_counter() - started
        stop.set()
        poller.join()
    wrong = verify(fixture["session"], fixture["on_screen"], clients, approved)
    return {
        "clients": clients,
        "questions": clients,
        "supports": clients * approved,
        "errors": len(phones.errors) + len(board.errors),
        "p50": percentile(phones.latencies_ms, 50),
        "p95": percentile(phones.latencies_ms, 95),
        "board_p95": percentile(board.latencies_ms, 95),
        "board_reads": len(board.latencies_ms),
        "total_s": round(total, 1),
        "messages": (phones.errors + board.errors)[:10],
        "wrong": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--approved", type=int, default=5)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    result = run(clients=args.clients, approved=args.approved, workers=args.workers)
    print(HEADER)
    print(
        "|".join(
            str(result[k])
            for k in (
                "clients",
                "questions",
                "supports",
                "errors",
                "p50",
                "p95",
                "board_p95",
                "total_s",
            )
        )
    )
    print(f"Lecturas del tablero durante la carga: {result['board_reads']}")
    for message in result["messages"] + result["wrong"]:
        print(f"- {message}")
    if result["errors"] or result["wrong"] or not result["board_reads"]:
        sys.exit(1)
    print("Sin errores y con los conteos exactos.")


if __name__ == "__main__":
    main()
