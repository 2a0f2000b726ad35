"""``python -m bench`` (``make bench``): what people feel, in one run, as ratios.

1. Scale: for each factor F, a fresh database loaded by ``seed_scale --factor F``;
   every main page's queries and median time (``bench.pages``).
2. Load at one factor, through gunicorn (4 sync workers) on PostgreSQL, with Redis as
   the cache and another Redis as the broker, a Celery worker delivering the outbox
   to a local SMTP sink, and locust acting for the fixture's people: paced (about a
   second between a person's clicks), saturated (no pause), the floor page alone
   saturated, and paced again with both Redis frozen (SIGSTOP) in the middle.
3. The registration rush on the same gunicorn, next to the floor POST.
4. The bulletin fan-out to ``--recipients`` people into an SMTP sink, next to a plain
   ``smtplib`` loop (``bench.fanout``).

Prints the tables, writes them as Markdown when asked (``--markdown``), and exits
with status 1 when a target is missed (timings only warn with
``--timings-advisory``).
"""

import argparse
import json
import sys
import time
from pathlib import Path

from cafe.testing.smtp import SmtpSink

from . import db, services
from .load import FLOOR, run_locust, summarize
from .report import Report, ms
from .rush import run_rush

MAX_QUERIES = 15
PACED_FLOOR_RATIO = 5.0
DASHBOARD_FLOOR_RATIO = 10.0
DASHBOARDS = {"Tablero", "Tablero filtrado"}
SATURATED_SHARE = 0.08
REDIS_FLAT_BYTES = 20 * 1024 * 1024
SCALE_RATIO = 2.0
SEED_LIMIT_S = 600
RUSH_SHARE = 0.25


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    add = parser.add_argument
    add("--factors", type=float, nargs="+", default=[0.01, 1.0, 10.0], metavar="F")
    add("--load-factor", type=float, default=1.0, metavar="F")
    add("--requests", type=int, default=15, help="visitas por página (escala)")
    add("--people", type=int, default=200, help="personas con sesión iniciada")
    add("--clients", type=int, default=24, help="usuarios de locust (pestañas)")
    add("--pause", type=float, default=1.0, help="segundos entre clics (ritmo)")
    add("--paced", type=int, default=600, help="segundos de carga a ritmo humano")
    add("--saturated", type=int, default=120, help="segundos de carga saturada")
    add("--floor", type=int, default=60, help="segundos del piso saturado")
    add("--outage", type=int, default=60, help="segundos de la fila de Redis caído")
    add("--freeze", type=int, default=20, help="segundos con Redis congelado")
    add("--warmup", type=int, default=10, help="segundos fuera de las medidas")
    add("--rush-clients", type=int, default=300)
    add("--seats", type=int, default=40)
    add("--workers", type=int, default=4)
    add("--recipients", type=int, default=5000, help="boletín (0: no se mide)")
    add("--roster-rows", type=int, default=50_000, help="nómina (0: no se mide)")
    add("--timings-advisory", action="store_true")
    add("--markdown", type=Path)
    return parser.parse_args()


def database_name(factor: float) -> str:
    return "cafe_bench_f" + f"{factor:g}".replace(".", "_")


def main() -> int:
    args = arguments()
    if args.outage <= args.freeze:
        raise SystemExit("--outage debe ser mayor que --freeze.")
    report = Report(sys.stdout, advisory=args.timings_advisory)
    db.server_url()
    factors = sorted(set(args.factors) | {args.load_factor})
    db.manage(
        "collectstatic", "--noinput", "-v", "0", env=db.child_env(db.server_url())
    )
    with services.workdir() as work:
        scale = {}
        for factor in factors:
            scale[factor] = seed_and_measure(factor, args, work, report)
            if factor != args.load_factor:
                db.drop_database(database_name(factor))
        report_scale(scale, factors, report)
        report_roster(args.roster_rows, work, report)
        load(args, work, report)
    if args.recipients:
        report_fanout(args.recipients, report)
    if args.markdown:
        args.markdown.write_text(report.markdown())
    if report.misses:
        report.say("\nMetas incumplidas:\n- " + "\n- ".join(report.misses))
        return 1
    report.step("Todas las metas se cumplen.")
    return 0


# --- 1. Scale ------------------------------------------------------------------------


def seed_and_measure(factor: float, args, work: Path, report: Report) -> dict:
    name = database_name(factor)
    report.step(f"F = {factor:g}: base de datos {name}, migraciones y carga…")
    url = db.fresh_database(name)
    env = db.child_env(url)
    started = time.perf_counter()
    seeded = db.manage("seed_scale", "--factor", str(factor), env=env)
    seconds = time.perf_counter() - started
    report.say(f"  {seeded.strip()} ({seconds:.0f} s)")
    fixture = work / f"fixture-{name}.json"
    db.run(
        [
            *("-m", "bench.fixture", str(fixture)),
            *("--people", str(args.people)),
            *("--rush-clients", str(args.rush_clients), "--seats", str(args.seats)),
        ],
        env=env,
        what="El fixture",
    )
    output = db.run(
        ["-m", "bench.pages", str(fixture), str(args.requests)],
        env=env,
        what="La medición de páginas",
    )
    pages = {row["page"]: row for row in json.loads(output.strip().splitlines()[-1])}
    return {"seed_s": seconds, "pages": pages, "fixture": fixture, "url": url}


def report_scale(scale: dict, factors: list[float], report: Report) -> None:
    small, large = factors[0], factors[-1]
    for factor in factors:
        if scale[factor]["seed_s"] > SEED_LIMIT_S:
            report.miss(
                f"seed_scale --factor {factor:g} tomó {scale[factor]['seed_s']:.0f} s",
                timing=True,
            )
    header = ["Página"]
    header += [f"Consultas F={f:g}" for f in factors]
    header += [f"Mediana ms F={f:g}" for f in factors]
    if large != small:
        header += [f"F={large:g} ÷ F={small:g}"]
    rows = []
    for name in scale[large]["pages"]:
        counts = [scale[f]["pages"][name]["queries"] for f in factors]
        medians = [scale[f]["pages"][name]["median_ms"] for f in factors]
        ratio = medians[-1] / medians[0]
        rows.append([name, *map(str, counts), *(f"{m:.1f}" for m in medians)])
        if large != small:
            rows[-1].append(f"{ratio:.2f}")
        if name == FLOOR:
            continue
        if max(counts) > MAX_QUERIES:
            report.miss(f"{name}: más de {MAX_QUERIES} consultas ({max(counts)})")
        if len(set(counts)) > 1:
            report.miss(f"{name}: las consultas cambian con la escala ({counts})")
        if large != small and ratio > SCALE_RATIO:
            report.miss(
                f"{name}: a F={large:g} tarda {ratio:.1f}× lo de F={small:g}",
                timing=True,
            )
    seeds = ", ".join(f"F={f:g}: {scale[f]['seed_s']:.0f} s" for f in factors)
    report.table(
        "Escala: consultas y mediana de cada página (cliente de pruebas, un proceso)",
        header,
        rows,
        note=f"seed_scale: {seeds}.",
    )


# --- 2. Load and 3. rush -----------------------------------------------------------


def load(args, work: Path, report: Report) -> None:
    url = db.with_name(db.server_url(), database_name(args.load_factor))
    fixture_path = work / f"fixture-{database_name(args.load_factor)}.json"
    fixture = json.loads(fixture_path.read_text())
    cache = services.Redis(work, "cache", "allkeys-lru", "256mb")
    broker = services.Redis(work, "broker", "noeviction", "256mb")
    sink = SmtpSink()
    sink.start()
    env = db.child_env(
        url,
        CACHE_URL=cache.url(0),
        CELERY_BROKER_URL=broker.url(0),
        DJANGO_CONN_MAX_AGE="60",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
    )
    try:
        with (
            services.celery_worker(env, work),
            services.gunicorn(env, work, args.workers) as (port, _log),
        ):
            shapes = run_shapes(args, work, fixture_path, port, cache, broker, report)
            report.step(f"Avalancha: {args.rush_clients} personas, {args.seats} cupos…")
            rush = run_rush(port, fixture, env)
            time.sleep(5)  # let the worker deliver what the last writes queued
        report_load(shapes, args, report)
        report_rush(rush, args, report)
        report.say(f"Correos entregados al buzón SMTP local: {len(sink.messages)}")
    finally:
        sink.stop()
        cache.stop()
        broker.stop()


def run_shapes(args, work, fixture, port, cache, broker, report) -> dict:
    def memory() -> int:
        return cache.used_memory() + broker.used_memory()

    common = {"fixture": fixture, "workdir": work, "port": port}
    common["clients"] = args.clients
    report.step("Calentamiento…")
    run_locust(name="calentamiento", pause=0, seconds=args.warmup, **common)

    report.step(f"Carga a ritmo humano: {args.paced} s…")
    samples_memory = [memory()]

    def sample_memory(elapsed: float) -> None:
        if elapsed >= len(samples_memory) * 5:
            samples_memory.append(memory())

    paced = run_locust(
        name="ritmo", pause=args.pause, seconds=args.paced, tick=sample_memory, **common
    )
    samples_memory.append(memory())

    report.step(f"Carga saturada: {args.saturated} s…")
    saturated = run_locust(name="saturada", pause=0, seconds=args.saturated, **common)
    report.step(f"Piso saturado: {args.floor} s…")
    floor = run_locust(name="piso", pause=0, seconds=args.floor, only=FLOOR, **common)

    report.step(f"Ritmo humano con Redis congelado {args.freeze} s: {args.outage} s…")
    frozen: dict[str, float] = {}
    begin = (args.outage - args.freeze) / 2

    def outage(elapsed: float) -> None:
        if "start" not in frozen and elapsed >= begin:
            cache.freeze()
            broker.freeze()
            frozen["start"] = time.time()
        elif "end" not in frozen and elapsed >= begin + args.freeze:
            cache.thaw()
            broker.thaw()
            frozen["end"] = time.time()

    try:
        down = run_locust(
            name="redis", pause=args.pause, seconds=args.outage, tick=outage, **common
        )
    finally:
        cache.thaw()
        broker.thaw()
    warm = args.warmup / 2
    return {
        "paced": summarize(paced, warmup=warm),
        "saturated": summarize(saturated, warmup=warm),
        "floor": summarize(floor, warmup=warm),
        "outage": summarize(down, warmup=warm),
        "during": summarize(down, window=(frozen["start"], frozen["end"])),
        "memory": samples_memory,
    }


def report_load(shapes: dict, args, report: Report) -> None:
    paced, saturated, floor = shapes["paced"], shapes["saturated"], shapes["floor"]
    floor_p95 = paced["pages"].get(FLOOR, {}).get("p95") or 1e-9
    rows = []
    for page, figures in paced["pages"].items():
        ratio = figures["p95"] / floor_p95
        limit = DASHBOARD_FLOOR_RATIO if page in DASHBOARDS else PACED_FLOOR_RATIO
        busy = saturated["pages"].get(page)
        is_write = page.startswith("Escritura")
        rows.append(
            [
                page,
                str(figures["requests"]),
                str(figures["errors"] + (busy["errors"] if busy else 0)),
                *(ms(figures[q]) for q in ("p50", "p95", "p99")),
                "—" if is_write else f"{ratio:.1f}",
                *(ms(busy[q]) if busy else "—" for q in ("p50", "p95", "p99")),
            ]
        )
        if not is_write and page != FLOOR and ratio > limit:
            report.miss(
                f"{page}: p95 a ritmo humano {ratio:.1f}× el del piso "
                f"(meta ≤ {limit:g}×)",
                timing=True,
            )
    report.table(
        f"Carga mixta por página (F = {args.load_factor:g}, {args.people} personas, "
        f"{args.clients} pestañas de locust, gunicorn con {args.workers} workers)",
        [
            *("Página", "Solicitudes (ritmo)", "Errores"),
            *("p50 ms ritmo", "p95 ms ritmo", "p99 ms ritmo", "p95 × piso"),
            *("p50 ms saturada", "p95 ms saturada", "p99 ms saturada"),
        ],
        rows,
        note="Errores: de ambas formas. El piso es la plantilla base para una persona "
        "con sesión iniciada, en la misma mezcla.",
    )
    memory = shapes["memory"]
    growth = memory[-1] - memory[0]
    peak = max(memory) - memory[0]
    mib = 1024 * 1024
    share = saturated["throughput"] / max(floor["throughput"], 1e-9)
    summary = [
        ("A ritmo humano", paced, f"{memory[0] / mib:.1f} → {memory[-1] / mib:.1f} MB"),
        ("Saturada", saturated, ""),
        ("Piso solo, saturado", floor, ""),
        (f"Ritmo, Redis congelado {args.freeze} s", shapes["outage"], ""),
        ("  solo mientras Redis está congelado", shapes["during"], ""),
    ]
    report.table(
        "Carga mixta: resumen",
        [
            *("Forma", "Solicitudes/s", "Solicitudes", "Errores"),
            *("p50 ms", "p95 ms", "p99 ms", "Memoria de Redis"),
        ],
        [
            [
                label,
                f"{s['throughput']:.1f}",
                str(s["requests"]),
                str(s["errors"]),
                *(ms(s.get(q, 0)) for q in ("p50", "p95", "p99")),
                mem,
            ]
            for label, s, mem in summary
        ],
        note=f"Saturada ÷ piso: {share:.0%} (meta ≥ {SATURATED_SHARE:.0%}). Memoria "
        f"de Redis (caché + broker) durante la carga a ritmo humano: crece "
        f"{growth / mib:+.1f} MB, pico {peak / mib:+.1f} MB (meta ± 20 MB).",
    )
    for label, shape in (
        ("a ritmo humano", paced),
        ("saturada", saturated),
        ("del piso", floor),
        ("con Redis congelado", shapes["outage"]),
    ):
        if shape["errors"]:
            report.miss(
                f"carga {label}: {shape['errors']} errores ({shape['error_kinds']})"
            )
    if share < SATURATED_SHARE:
        report.miss(
            f"saturada: {share:.1%} del rendimiento del piso "
            f"(meta ≥ {SATURATED_SHARE:.0%})",
            timing=True,
        )
    if abs(growth) > REDIS_FLAT_BYTES or peak > REDIS_FLAT_BYTES:
        report.miss(f"la memoria de Redis no es plana ({growth / mib:+.1f} MB)")


def report_rush(rush: dict, args, report: Report) -> None:
    registration, floor = rush["registration"], rush["floor"]
    share = registration["throughput"] / max(floor["throughput"], 1e-9)
    expected = (args.seats, args.rush_clients - args.seats, 0)
    got = tuple(registration[k] for k in ("confirmed", "waitlisted", "errors"))
    if got != expected:
        report.miss(
            f"avalancha: {got[0]} confirmadas, {got[1]} en espera, {got[2]} errores "
            f"(se esperaban {expected[0]}, {expected[1]} y 0; "
            f"{registration['error_kinds']})"
        )
    if floor["errors"]:
        report.miss(
            f"POST del piso: {floor['errors']} errores ({floor['error_kinds']})"
        )
    if share < RUSH_SHARE:
        report.miss(
            f"avalancha: {share:.0%} del rendimiento del POST del piso "
            f"(meta ≥ {RUSH_SHARE:.0%})",
            timing=True,
        )
    report.table(
        f"Avalancha de inscripciones ({args.rush_clients} personas a la vez, "
        f"{args.seats} cupos, la misma gunicorn)",
        [
            *("POST", "Confirmadas", "En espera", "Errores"),
            *("p50 ms", "p95 ms", "Total s", "Solicitudes/s"),
        ],
        [
            [
                "Inscripción",
                *map(str, got),
                ms(registration["p50"]),
                ms(registration["p95"]),
                f"{registration['wall_s']:.1f}",
                f"{registration['throughput']:.0f}",
            ],
            [
                "Piso: bloquear una fila e insertar una",
                "—",
                "—",
                str(floor["errors"]),
                ms(floor["p50"]),
                ms(floor["p95"]),
                f"{floor['wall_s']:.1f}",
                f"{floor['throughput']:.0f}",
            ],
        ],
        note=f"Inscripción ÷ piso: {share:.0%} (meta ≥ {RUSH_SHARE:.0%}).",
    )


def report_roster(rows: int, work: Path, report: Report) -> None:
    from .roster import LIMIT_S, run_roster

    if not rows:
        return
    report.step(f"Importación de una nómina de {rows} personas…")
    result = run_roster(rows=rows, work=work)
    if not result["added_first"]:
        report.miss("nómina: la primera carga no creó a todas las personas")
    if not result["nothing_again"]:
        report.miss("nómina: la segunda carga del mismo archivo cambió algo")
    if result["first_s"] > LIMIT_S:
        report.miss(
            f"nómina: {result['first_s']:.0f} s (meta ≤ {LIMIT_S:.0f} s)", timing=True
        )
    report.table(
        "Importación de la nómina (import_staff --apply)",
        ["Filas", "Primera carga (s)", "Misma carga otra vez (s)"],
        [[str(rows), f"{result['first_s']:.1f}", f"{result['again_s']:.1f}"]],
        note=f"Meta: ≤ {LIMIT_S:.0f} s para 50 000 filas; la segunda no cambia nada.",
    )


def report_fanout(recipients: int, report: Report) -> None:
    from .fanout import TARGET_RATIO, problems, run_fanout

    report.step(f"Envío del boletín a {recipients} personas…")
    result = run_fanout(recipients=recipients)
    for text, timing in problems(result):
        report.miss(f"boletín: {text}", timing=timing)
    report.table(
        "Envío del boletín al buzón SMTP local",
        ["Camino", "Mensajes", "Segundos", "Mensajes/s", "Consultas por lote"],
        [
            [
                "Aplicación (lotes del outbox)",
                str(result["delivered"]),
                f"{result['app_seconds']:.2f}",
                f"{result['app_per_second']:.0f}",
                ", ".join(map(str, result["queries_per_batch"])),
            ],
            [
                "Piso: bucle de smtplib",
                str(recipients),
                f"{result['floor_seconds']:.2f}",
                f"{result['floor_per_second']:.0f}",
                "—",
            ],
        ],
        note=f"Aplicación ÷ piso: {result['ratio']:.0%} (meta ≥ {TARGET_RATIO:.0%}).",
    )


if __name__ == "__main__":
    sys.exit(main())
