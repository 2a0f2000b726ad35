"""The registration rush: many people register for one session at the same instant.

gunicorn serves the application with production settings on a throw-away database.
``clients`` threads, each logged in as a different person, post the registration form
together, the way the htmx button does, for a session with ``seats`` seats. The
database must end with exactly ``seats`` confirmed and the rest waitlisted, and no
request may fail.

    python -m cafe.bench.rush [--clients 300] [--seats 40] [--workers 4]
"""

import argparse
import http.client
import json
import logging
import math
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from .db import ROOT, child_env, fresh_database, manage

DATABASE = "cafe_bench_rush"
# The registration path stays production-like (outbox row written, sent in-process on
# commit), but the message goes to memory instead of an SMTP server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AUTH_BACKEND = "cafe.org.backends.CachedPermissionBackend"
REQUEST_TIMEOUT_S = 120
READY_TIMEOUT_S = 30
STOP_TIMEOUT_S = 30
WARM_UP_VISITS_PER_WORKER = 5
ERROR_ALERT = re.compile(r'class="alert alert-danger">(.*?)</div>', re.DOTALL)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Client:
    session_key: str
    csrf_secret: str
    csrf_token: str


@dataclass(frozen=True)
class Outcome:
    latency_ms: float | None
    error: str | None  # None when the person got a seat or a place on the waitlist
    started: float
    finished: float


# --- Work done inside the bench database (run by ``manage.py shell`` children) ------


def seed_in_child(clients: int, seats: int) -> None:
    """Create the dependency, its people, their logins and the session; print JSON."""
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.http import HttpRequest
    from django.middleware.csrf import get_token
    from django.urls import reverse
    from django.utils import timezone

    from cafe.org.models import Dependency, User
    from cafe.org.services import accept_privacy_notice, ensure_base_role
    from sessions_app.models import Session

    dependency = Dependency.objects.create(name="Dirección de la prueba de carga")
    users = User.objects.bulk_create(
        User(
            email=f"persona{n:04d}@carga.gov.co",
            full_name=f"Persona de prueba {n:04d}",
            dependency=dependency,
            # An unusable password: hashing hundreds of real ones would take minutes.
            password=make_password(None),
        )
        for n in range(clients)
    )
    now = timezone.now()
    starts_at = (now + timedelta(days=10)).replace(second=0, microsecond=0)
    session = Session.objects.create(
        title="Café de la prueba de carga",
        dependency=dependency,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        place="Auditorio principal",
        capacity=seats,
        registration_opens_at=now - timedelta(minutes=5),
        registration_closes_at=starts_at - timedelta(hours=2),
        status=Session.Status.PUBLISHED,
        published_at=now,
        host_name="Secretario General",
    )
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    logins = []
    for user in users:
        ensure_base_role(user=user)
        accept_privacy_notice(user=user, ip_address="127.0.0.1")
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = AUTH_BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        request = HttpRequest()
        token = get_token(request)
        logins.append([store.session_key, request.META["CSRF_COOKIE"], token])
    fixture = {
        "session_id": session.pk,
        "detail_path": reverse("sessions:detail", args=[session.pk]),
        "register_path": reverse("sessions:register", args=[session.pk]),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "clients": logins,
    }
    print(json.dumps(fixture))


def count_in_child(session_id: int) -> None:
    """Print the number of registrations of the session by state, as JSON."""
    from django.db.models import Count

    from sessions_app.models import Registration

    rows = (
        Registration.objects.filter(session_id=session_id)
        .values("status")
        .annotate(n=Count("pk"))
    )
    print(json.dumps({row["status"]: row["n"] for row in rows}))


def in_child(code: str, database_url: str) -> dict:
    output = manage("shell", "-v", "0", "-c", code, database_url=database_url)
    return json.loads(output.strip().splitlines()[-1])


# --- The server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(log, lines: int = 30) -> str:
    log.seek(0)
    return "\n".join(log.read().decode(errors="replace").splitlines()[-lines:])


def wait_until_ready(process: subprocess.Popen, port: int, log) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn terminó al arrancar:\n{log_tail(log)}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    raise SystemExit(f"gunicorn no respondió en {READY_TIMEOUT_S} s:\n{log_tail(log)}")


@contextmanager
def gunicorn(database_url: str, workers: int):
    """Serve the application on a free local port; yield (port, log); always stop."""
    port = free_port()
    command = [
        *(sys.executable, "-m", "gunicorn", "cafe.wsgi"),
        *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
        *("--timeout", str(REQUEST_TIMEOUT_S), "--backlog", "2048"),
        *("--graceful-timeout", "10"),
        # gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl, shared by every
        # gunicorn of the user: two runs at once would take it from each other.
        "--no-control-socket",
    ]
    env = child_env(database_url, EMAIL_BACKEND=EMAIL_BACKEND)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_ready(process, port, log)
            yield port, log
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- The clients ---------------------------------------------------------------------


def problem(response: http.client.HTTPResponse, page: str) -> str | None:
    """Why a response is not a registration (None when it is one)."""
    if response.getheader("HX-Redirect"):
        return f"redirigido a {response.getheader('HX-Redirect')}"
    if response.status != 200:
        return f"HTTP {response.status}"
    if match := ERROR_ALERT.search(page):
        return match.group(1).strip()
    if "alert-success" not in page and "alert-warning" not in page:
        return "respuesta sin mensaje de inscripción"
    return None


def cookies(fixture: dict, client: Client) -> str:
    return (
        f"{fixture['session_cookie']}={client.session_key}; "
        f"{fixture['csrf_cookie']}={client.csrf_secret}"
    )


def warm_up(port: int, fixture: dict, workers: int) -> None:
    """Open the session page a few times per worker before the rush.

    A server that has been up a while has its templates compiled and its lazy imports
    done; without this the first requests of each worker would measure start-up.
    """
    client = Client(*fixture["clients"][0])

    def visit(_index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(
                "GET",
                fixture["detail_path"],
                headers={"Cookie": cookies(fixture, client)},
            )
            connection.getresponse().read()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(visit, range(workers * WARM_UP_VISITS_PER_WORKER)))


def register(port: int, fixture: dict, client: Client, barrier) -> Outcome:
    """Wait for everybody, then post the registration form as the htmx button does."""
    origin = f"http://127.0.0.1:{port}"
    detail = origin + fixture["detail_path"]
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookies(fixture, client),
        "Origin": origin,
        "Referer": detail,
        "HX-Request": "true",
        "HX-Target": "inscripcion",
        "HX-Current-URL": detail,
    }
    body = urlencode({"csrfmiddlewaretoken": client.csrf_token, "needs": ""})
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=REQUEST_TIMEOUT_S
    )
    barrier.wait()
    started = time.perf_counter()
    try:
        connection.request("POST", fixture["register_path"], body=body, headers=headers)
        response = connection.getresponse()
        page = response.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
        return Outcome(None, error, started, time.perf_counter())
    finally:
        connection.close()
    finished = time.perf_counter()
    latency_ms = (finished - started) * 1000
    return Outcome(latency_ms, problem(response, page), started, finished)


def rush(port: int, fixture: dict) -> list[Outcome]:
    """Start one thread per person; they all post at the same instant."""
    clients = [Client(*login) for login in fixture["clients"]]
    barrier = threading.Barrier(len(clients))
    outcomes: list[Outcome | None] = [None] * len(clients)

    def run(index: int) -> None:
        outcomes[index] = register(port, fixture, clients[index], barrier)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile, rounded to a tenth of a millisecond."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)], 1)


# --- The benchmark -------------------------------------------------------------------


def run_rush(*, clients: int = 300, seats: int = 40, workers: int = 4) -> dict:
    """Run the rush on a fresh database and return what the database and clients saw.

    ``confirmed`` and ``waitlisted`` are counted in the database afterwards; ``errors``
    are requests that got no registration (HTTP error, privacy redirect, an error
    message in the panel, a timeout or a broken connection).
    """
    database_url = fresh_database(DATABASE)
    fixture = in_child(
        f"from cafe.bench.rush import seed_in_child; seed_in_child({clients}, {seats})",
        database_url,
    )
    manage("collectstatic", "--noinput", "-v", "0", database_url=database_url)
    with gunicorn(database_url, workers) as (port, log):
        warm_up(port, fixture, workers)
        outcomes = rush(port, fixture)
        errors = Counter(o.error for o in outcomes if o.error is not None)
        if errors:
            logger.warning("Errores de los clientes: %s", errors.most_common(5))
            logger.warning("Final del registro de gunicorn:\n%s", log_tail(log))
    counts = in_child(
        "from cafe.bench.rush import count_in_child; "
        f"count_in_child({fixture['session_id']})",
        database_url,
    )
    latencies = [o.latency_ms for o in outcomes if o.latency_ms is not None]
    return {
        "clients": clients,
        "seats": seats,
        "confirmed": counts.get("confirmada", 0),
        "waitlisted": counts.get("en_espera", 0),
        "errors": sum(errors.values()),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "wall_s": round(
            max(o.finished for o in outcomes) - min(o.started for o in outcomes), 2
        ),
    }


def target_met(result: dict) -> bool:
    clients, seats = result["clients"], result["seats"]
    return (
        result["confirmed"] == min(seats, clients)
        and result["waitlisted"] == max(clients - seats, 0)
        and result["errors"] == 0
    )


def table(result: dict, workers: int) -> str:
    clients, seats = result["clients"], result["seats"]
    rows = [
        ("confirmadas", result["confirmed"], f"meta {min(seats, clients)}"),
        ("en lista de espera", result["waitlisted"], f"meta {max(clients - seats, 0)}"),
        ("errores", result["errors"], "meta 0"),
        ("latencia p50", f"{result['p50_ms']} ms", ""),
        ("latencia p95", f"{result['p95_ms']} ms", ""),
        ("duración de la avalancha", f"{result['wall_s']} s", ""),
    ]
    lines = [
        f"Avalancha de inscripciones: {clients} personas, {seats} cupos, "
        f"gunicorn con {workers} workers"
    ]
    lines += [
        f"  {name:<26}{value!s:>10}  {note}".rstrip() for name, value, note in rows
    ]
    lines.append(f"Resultado: {'CUMPLE' if target_met(result) else 'NO CUMPLE'}")
    return "\n".join(lines)


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("debe ser un entero positivo")
    return number


def main() -> int:
    parser = argparse.ArgumentParser(description="Avalancha de inscripciones.")
    parser.add_argument("--clients", type=positive, default=300)
    parser.add_argument("--seats", type=positive, default=40)
    parser.add_argument("--workers", type=positive, default=4)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    result = run_rush(clients=args.clients, seats=args.seats, workers=args.workers)
    print(table(result, args.workers))
    print(json.dumps(result))
    return 0 if target_met(result) else 1


if __name__ == "__main__":
    sys.exit(main())
