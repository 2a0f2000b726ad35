"""Benchmark of the bulletin fan-out: the Soy 10 edition to thousands of
people, sent into a local SMTP sink, next to the floor of a plain ``smtplib`` loop.

The parent process runs two SMTP sinks (aiosmtpd, in threads, counting messages) and
starts a child process on a fresh PostgreSQL database (``cafe_bench_fanout``). The
child:

1. creates ``recipients`` active people (one Comunicaciones among them) and a month of
   sessions and proposals, so the edition has content;
2. composes and approves the edition as Comunicaciones does; approving writes one
   outbox row per active person and, on commit, the pump hands them to the batch task
   (``notify.deliver_batch``) exactly as in production, here in-process (no broker)
   and with the provider's rate limit lifted: the point is the throughput of the
   application's sending path, not the configured per-minute allowance;
3. right after each batch of the application, sends the same messages again (built by
   the outbox's own ``build_message`` and serialised before the clock starts) to the
   second sink with a plain ``smtplib`` loop over one connection: the floor. Pairing
   the batches lets both see the same machine, which the benchmark usually shares.

The application's time is the whole sending phase (from the commit that starts the
pump to the last batch) minus the floor's batches; the floor's time is the sum of its
batches. Targets: the application reaches at least 70 % of the floor's throughput,
and every full batch costs the same number of queries.

    python -m bench.fanout [--recipients N]
"""

import argparse
import json
import logging
import socket
import statistics
import sys
import threading
import time
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from .db import child_env, fresh_database, run

DATABASE = "cafe_bench_fanout"
TARGET_RATIO = 0.70
SMTP_HOST = "127.0.0.1"


# --- Parent: the SMTP sinks and the child process -------------------------------------


class CountingHandler:
    """Accept every message and count it (and its distinct recipients)."""

    def __init__(self):
        self.messages = 0
        self.recipients: set[str] = set()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((SMTP_HOST, 0))
        return s.getsockname()[1]


@contextmanager
def smtp_sink():
    """A counting SMTP server on 127.0.0.1, in a thread of this process."""
    # aiosmtpd logs every SMTP command at INFO: thousands of lines, and time taken
    # from the sinks' thread, under a project logging configuration that shows INFO.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    controller = Controller(handler, hostname=SMTP_HOST, port=free_port())
    controller.start()
    try:
        yield controller.port, handler
    finally:
        controller.stop()


def run_fanout(*, recipients: int = 5000) -> dict:
    """Fan the bulletin out to ``recipients`` people; measure it against the floor."""
    url = fresh_database(DATABASE)
    with smtp_sink() as (app_port, app_sink), smtp_sink() as (floor_port, floor_sink):
        env = child_env(
            url,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=SMTP_HOST,
            EMAIL_PORT=str(app_port),
            EMAIL_USE_TLS="0",
            EMAIL_USE_SSL="0",
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            # No provider limit: every pending row goes out at once.
            NOTIFY_BULK_RATE_PER_MINUTE="0",
        )
        output = run(
            [
                *("-m", "bench.fanout", "--child"),
                *("--recipients", str(recipients), "--floor-port", str(floor_port)),
            ],
            env=env,
            what="El proceso del benchmark",
        )
        measured = json.loads(output.strip().splitlines()[-1])
        delivered, distinct = app_sink.messages, len(app_sink.recipients)
        floor_delivered = floor_sink.messages

    log = measured.pop("batch_log")
    size = measured["batch_size"]
    full = {batch["queries"] for batch in log if batch["rows"] == size}
    times = sorted(batch["ms"] for batch in log)
    app_rate = recipients / measured["app_seconds"]
    floor_rate = recipients / measured["floor_seconds"]
    return {
        "recipients": recipients,
        **measured,
        "app_per_second": round(app_rate, 1),
        "floor_per_second": round(floor_rate, 1),
        "ratio": round(app_rate / floor_rate, 3),
        "batches": len(log),
        "queries_per_batch": sorted({batch["queries"] for batch in log}),
        "queries_constant": len(full) <= 1,
        "batch_ms": {
            "min": times[0] if times else None,
            "median": statistics.median(times) if times else None,
            "max": times[-1] if times else None,
        },
        "delivered": delivered,
        "distinct_recipients": distinct,
        "floor_delivered": floor_delivered,
    }


def problems(result: dict) -> list[tuple[str, bool]]:
    """What misses the target or the correctness checks (empty when all is well), each
    as (text, whether it is a timing: noisy on a shared machine)."""
    n = result["recipients"]
    found = []
    if result["ratio"] < TARGET_RATIO:
        found.append(
            (
                f"rendimiento {result['ratio']:.0%} del piso "
                f"(meta ≥ {TARGET_RATIO:.0%})",
                True,
            )
        )
    if not result["queries_constant"]:
        found.append(
            (f"consultas por lote variables: {result['queries_per_batch']}", False)
        )
    if result["delivered"] != n or result["distinct_recipients"] != n:
        found.append(
            (
                f"el servidor SMTP recibió {result['delivered']} mensajes para "
                f"{result['distinct_recipients']} destinatarios (se esperaban {n})",
                False,
            )
        )
    if result["sent_rows"] != n or result["pending_rows"] or result["failed_rows"]:
        found.append(
            (
                f"envíos: {result['sent_rows']} enviados, {result['pending_rows']} "
                f"pendientes, {result['failed_rows']} fallidos "
                f"(se esperaban {n} enviados)",
                False,
            )
        )
    if result["floor_delivered"] != n:
        found.append(
            (f"el piso entregó {result['floor_delivered']} de {n} mensajes", False)
        )
    return found


def report(result: dict) -> str:
    rows = [
        ("Destinatarios", f"{result['recipients']:,}"),
        (
            "Lotes (tamaño)",
            f"{result['batches']} ({result['batch_size']} por lote, "
            "una conexión SMTP por lote)",
        ),
        ("Aprobación (render + filas)", f"{result['approve_seconds']:.2f} s"),
        (
            "Envío de la aplicación",
            f"{result['app_seconds']:.2f} s ({result['app_per_second']:,.0f}/s)",
        ),
        (
            "Piso smtplib",
            f"{result['floor_seconds']:.2f} s ({result['floor_per_second']:,.0f}/s)",
        ),
        ("Aplicación / piso", f"{result['ratio']:.0%} (meta ≥ {TARGET_RATIO:.0%})"),
        (
            "Lote de la aplicación",
            "{min} / {median} / {max} ms (mín. / mediana / máx.)".format(
                **result["batch_ms"]
            ),
        ),
        (
            "Consultas por lote",
            ", ".join(str(q) for q in result["queries_per_batch"])
            + (" (constante)" if result["queries_constant"] else " (¡variable!)"),
        ),
        (
            "Recibidos por el servidor",
            f"{result['delivered']:,} ({result['distinct_recipients']:,} distintos)",
        ),
        (
            "Filas del outbox",
            f"{result['sent_rows']:,} enviadas, {result['pending_rows']} pendientes, "
            f"{result['failed_rows']} fallidas",
        ),
    ]
    width = max(len(label) for label, _value in rows)
    lines = ["Difusión del boletín a un servidor SMTP local", ""]
    lines += [f"  {label.ljust(width)}  {value}" for label, value in rows]
    lines += [
        "",
        "  Sin límite de tasa del proveedor (NOTIFY_BULK_RATE_PER_MINUTE=0) y tareas "
        "en proceso: se mide la ruta de envío de la aplicación.",
        "  El piso envía los mismos mensajes ya serializados con smtplib, una conexión "
        "por lote, justo después de cada lote de la aplicación.",
    ]
    return "\n".join(lines)


# --- Child: the Django side, on the benchmark database --------------------------------


def seed(recipients: int):
    """``recipients`` active people (the first one in Comunicaciones) and last month's
    sessions and proposals. Returns the Comunicaciones person."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cafe.org.models import Dependency, User
    from cafe.org.roles import COMUNICACIONES
    from proposals.bulletin import previous_month
    from proposals.models import Proposal
    from sessions_app.models import Minutes, Session, Topic

    dependencies = Dependency.objects.bulk_create(
        [
            Dependency(name=f"Dirección de prueba {n}", acronym=f"DP{n}")
            for n in range(8)
        ]
    )
    password = make_password("cafe-bench-fanout")
    User.objects.bulk_create(
        [
            User(
                email=f"persona{n:05d}@bench.secretariageneral.gov.co",
                full_name=f"Persona de prueba {n:05d}",
                dependency=dependencies[n % len(dependencies)],
                password=password,
                is_active=True,
            )
            for n in range(recipients)
        ],
        batch_size=1000,
    )
    actor = User.objects.order_by("pk").first()
    actor.groups.add(Group.objects.get(name=COMUNICACIONES))

    month = previous_month(timezone.localdate())
    campaign = Topic.objects.create(
        name="Campaña de integridad",
        kind=Topic.Kind.INTERNAL_CAMPAIGN,
        description="Una campaña interna para conversar sobre integridad.",
    )

    def session(day, dependency=None, *, status=Session.Status.HELD, topic=None):
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        return Session.objects.create(
            title=f"Un Café con el Secretario en {dependency or 'toda la entidad'}",
            dependency=dependency,
            topic=topic,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=90),
            format=Session.Format.IN_PERSON,
            place="Sala de juntas del Despacho",
            capacity=30,
            registration_opens_at=start - dt.timedelta(days=10),
            registration_closes_at=start - dt.timedelta(hours=2),
            status=status,
            host_name="Secretario General",
        )

    for n, day in enumerate([month.start + dt.timedelta(days=9), month.end]):
        held = session(day, dependencies[n], topic=campaign if n == 0 else None)
        Minutes.objects.create(
            session=held,
            summary=f"Se conversó sobre los trámites de la {dependencies[n]}.",
            agreements="Revisar los tiempos de respuesta y volver a reunirse.",
            status=Minutes.Status.PUBLISHED,
            published_at=held.ends_at,
        )
    session(
        timezone.localdate() + dt.timedelta(days=10), status=Session.Status.PUBLISHED
    )

    middle = timezone.make_aware(
        dt.datetime.combine(month.start + dt.timedelta(days=14), dt.time(10, 0))
    )
    for n in range(3):
        Proposal.objects.create(
            kind=Proposal.Kind.PROPOSAL,
            title=f"Trámites internos sin papel {n}",
            text="Propongo que los trámites internos se hagan en línea y sin papel.",
            created_at=middle - dt.timedelta(days=30),
            responsible_dependency=dependencies[n],
            status=Proposal.Status.IMPLEMENTED if n == 2 else Proposal.Status.ACCEPTED,
            commitment="Digitalizar el trámite en el segundo semestre.",
            due_date=month.end + dt.timedelta(days=90),
            accepted_at=middle,
            implemented_at=middle + dt.timedelta(days=3) if n == 2 else None,
            outcome="El trámite ya se hace en línea." if n == 2 else "",
            impact="Menos papel y menos filas para todo el personal." if n == 2 else "",
        )
    return actor


def floor_messages(content_id: int) -> dict[int, tuple[str, list[str], bytes]]:
    """The edition's messages, built by the outbox's own ``build_message`` (the
    standard path) and serialised: envelope sender, recipients and bytes, by row."""
    from email.utils import parseaddr

    from django.conf import settings
    from django.core.mail.message import sanitize_address

    from cafe.notify.models import Delivery
    from cafe.notify.services import build_message

    messages = {}
    rows = Delivery.objects.filter(content_id=content_id).select_related("content")
    for delivery in rows:
        email = build_message(delivery)
        encoding = email.encoding or settings.DEFAULT_CHARSET
        messages[delivery.pk] = (
            parseaddr(sanitize_address(email.from_email, encoding))[1],
            [sanitize_address(address, encoding) for address in email.to],
            email.message().as_bytes(linesep="\r\n"),
        )
    return messages


def send_floor_batch(messages, *, port: int, hostname: str) -> None:
    """The floor: a plain smtplib loop over one connection."""
    import smtplib

    with smtplib.SMTP(SMTP_HOST, port, local_hostname=hostname, timeout=10) as smtp:
        for sender, to, data in messages:
            smtp.sendmail(sender, to, data)


def measure(actor, *, floor_port: int) -> dict:
    """Compose and approve the edition and time its sending, batch by batch; right
    after each batch of the application, the floor sends the same messages (so both
    see the same machine: the benchmark shares it with whatever else runs)."""
    from celery.signals import task_postrun, task_prerun
    from django.conf import settings
    from django.core.mail.utils import DNS_NAME
    from django.db import connection, transaction

    from cafe.notify.models import Delivery
    from proposals.bulletin import approve_bulletin, compose_bulletin

    hostname = DNS_NAME.get_fqdn()
    queries = 0
    floor_seconds = 0.0
    batches: list[dict] = []  # per batch: rows, queries, milliseconds
    starts: dict[str, tuple[int, float]] = {}
    prepared: dict[int, tuple] = {}

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    def batch_started(task_id=None, task=None, **_kwargs):
        if task.name == "notify.deliver_batch":
            starts[task_id] = (queries, time.perf_counter())

    def batch_finished(task_id=None, task=None, args=(), **_kwargs):
        nonlocal floor_seconds
        if task.name != "notify.deliver_batch":
            return
        finished = time.perf_counter()
        before, started = starts.pop(task_id)
        ids = args[0]
        batches.append(
            {
                "rows": len(ids),
                "queries": queries - before,
                "ms": round((finished - started) * 1000, 1),
            }
        )
        floor_started = time.perf_counter()
        send_floor_batch(
            [prepared[pk] for pk in ids], port=floor_port, hostname=hostname
        )
        floor_seconds += time.perf_counter() - floor_started

    task_prerun.connect(batch_started, weak=False)
    task_postrun.connect(batch_finished, weak=False)

    edition, _created = compose_bulletin()
    with connection.execute_wrapper(count):
        with transaction.atomic():
            started = time.perf_counter()
            edition = approve_bulletin(bulletin_id=edition.pk, actor=actor)
            approve_seconds = time.perf_counter() - started
            prepared.update(floor_messages(edition.content_id))
            sending = time.perf_counter()
        # The commit ran the pump: every batch went through notify.deliver_batch.
        app_seconds = time.perf_counter() - sending - floor_seconds

    rows = Delivery.objects.filter(content_id=edition.content_id)
    states = dict.fromkeys(Delivery.State.values, 0)
    for state in rows.values_list("state", flat=True):
        states[state] += 1
    return {
        "batch_size": settings.NOTIFY_BULK_BATCH_SIZE,
        "approve_seconds": round(approve_seconds, 3),
        "app_seconds": round(app_seconds, 3),
        "floor_seconds": round(floor_seconds, 3),
        "batch_log": batches,
        "sent_rows": states[Delivery.State.SENT],
        "pending_rows": states[Delivery.State.PENDING],
        "failed_rows": states[Delivery.State.FAILED],
    }


def child(*, recipients: int, floor_port: int) -> dict:
    import django

    django.setup()
    actor = seed(recipients)
    return measure(actor, floor_port=floor_port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Difusión del boletín a un servidor SMTP local frente a smtplib."
    )
    parser.add_argument("--recipients", type=int, default=5000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--floor-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        measured = child(recipients=args.recipients, floor_port=args.floor_port)
        print(json.dumps(measured))
        return 0

    result = run_fanout(recipients=args.recipients)
    missed = problems(result)
    print(report(result))
    print()
    print(
        "Resultado: "
        + ("; ".join(text for text, _timing in missed) if missed else "metas cumplidas")
    )
    print(json.dumps(result, ensure_ascii=False))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
