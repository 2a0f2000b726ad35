"""``manage.py bench``: the performance benchmark, in one run.

1. For each scale factor, a fresh PostgreSQL database loaded by ``seed_scale``; the
   main pages measured on it (queries, median time served again and computed after
   a write) next to the floor page.
2. The registration rush against gunicorn.
3. The bulletin fan-out into a local SMTP sink next to a plain ``smtplib`` loop.

It prints a table per part, writes them as Markdown when asked, and exits with status 1
when a target is missed.
"""

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cafe.bench import db
from cafe.bench.pages import REFERENCE

MAX_QUERIES = 15
FLOOR_RATIO = 4.0
SCALE_RATIO = 1.5
RUSH_HEADER = "Clientes|Cupos|Confirmadas|En espera|Errores|p50 ms|p95 ms|Total s"


class Command(BaseCommand):
    help = "Mide páginas, inscripción masiva y envío del boletín contra las metas."
    requires_system_checks = []  # it only orchestrates child processes

    def add_arguments(self, parser):
        parser.add_argument(
            "--factors", type=float, nargs="+", default=[0.01, 1.0], metavar="F"
        )
        parser.add_argument("--requests", type=int, default=25)
        parser.add_argument("--clients", type=int, default=300)
        parser.add_argument("--seats", type=int, default=40)
        parser.add_argument("--recipients", type=int, default=5000)
        parser.add_argument(
            "--timings-advisory",
            action="store_true",
            help="Informa los tiempos sin fallar por ellos (máquinas compartidas, CI).",
        )
        parser.add_argument("--markdown", type=Path, help="Escribe las tablas aquí.")

    def handle(self, *args, factors, requests, clients, seats, recipients, **options):
        if requests < 20:
            raise CommandError("Se necesitan al menos 20 solicitudes por página.")
        db.server_url()
        self.advisory = options["timings_advisory"]
        self.misses: list[str] = []
        self.sections: list[str] = []
        db.manage("collectstatic", "--noinput", "-v", "0", database_url=db.server_url())

        scales = {factor: self.scale(factor, requests) for factor in factors}
        self.report_pages(scales)
        self.report_rush(clients, seats)
        self.report_fanout(recipients)

        if options["markdown"]:
            options["markdown"].write_text("\n\n".join(self.sections) + "\n")
        if self.misses:
            self.stderr.write("Metas incumplidas:\n- " + "\n- ".join(self.misses))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("Todas las metas se cumplen."))

    # --- Pages -----------------------------------------------------------------

    def scale(self, factor: float, requests: int) -> dict:
        name = "cafe_bench_f" + f"{factor:g}".replace(".", "_")
        self.stdout.write(f"F = {factor:g}: base de datos {name}, carga de datos…")
        url = db.fresh_database(name)
        started = time.perf_counter()
        seeded = db.manage("seed_scale", "--factor", str(factor), database_url=url)
        seconds = time.perf_counter() - started
        self.stdout.write(f"  {seeded.strip()} ({seconds:.1f} s en total)")
        self.stdout.write(f"  midiendo páginas ({requests} solicitudes cada una)…")
        output = db.run(
            ["-m", "cafe.bench.pages"],
            env=db.child_env(
                url,
                DJANGO_ALLOWED_HOSTS="testserver",
                CAFE_BENCH_REQUESTS=str(requests),
            ),
            what="La medición de páginas",
        )
        pages = json.loads(output.strip().splitlines()[-1])
        return {"seed_seconds": seconds, "pages": pages}

    def report_pages(self, scales: dict) -> None:
        factors = sorted(scales)
        small, large = factors[0], factors[-1]
        for factor in factors:
            if factor >= 1 and scales[factor]["seed_seconds"] > 180:
                self.miss(f"la carga a F = {factor:g} tomó más de 3 minutos")
        by_page = {
            factor: {row["page"]: row for row in scales[factor]["pages"]}
            for factor in factors
        }
        floor_name = scales[large]["pages"][0]["page"]
        floor = by_page[large][floor_name]["median_ms"]
        header = ["Página"]
        for factor in factors:
            header += [f"Consultas F={factor:g}", f"Mediana ms F={factor:g}"]
        header += ["× piso", f"× F={small:g}"]
        header += [f"Calculada ms F={large:g}", "Calculada × piso"]
        header += [f"Calculada × F={small:g}"]
        header += ["Meta"]
        rows = []
        for name in by_page[large]:
            row = [name]
            for factor in factors:
                measured = by_page[factor][name]
                row += [
                    f"{measured['queries']} ({measured['cached_queries']})",
                    f"{measured['median_ms']:.2f}",
                ]
            large_row, small_row = by_page[large][name], by_page[small][name]
            versus_floor = large_row["median_ms"] / floor
            versus_small = large_row["median_ms"] / small_row["median_ms"]
            computed_floor = large_row["computed_ms"] / floor
            computed_small = large_row["computed_ms"] / small_row["computed_ms"]
            problems = []
            if name == floor_name:
                if large_row["queries"]:
                    problems.append(("el piso hace consultas", False))
            elif name == REFERENCE:
                pass  # context for the table, not a page of the product
            else:
                counts = {by_page[f][name]["queries"] for f in factors}
                if max(counts) > MAX_QUERIES:
                    problems.append((f"más de {MAX_QUERIES} consultas", False))
                if len(counts) > 1:
                    problems.append(("las consultas crecen con los datos", False))
                if versus_floor > FLOOR_RATIO:
                    problems.append((f"más de {FLOOR_RATIO:g}× el piso", True))
                if large != small and versus_small > SCALE_RATIO:
                    problems.append((f"más de {SCALE_RATIO:g}× su F={small:g}", True))
                if large != small and computed_small > SCALE_RATIO:
                    problems.append(
                        (f"calculada: más de {SCALE_RATIO:g}× su F={small:g}", True)
                    )
            row += [f"{versus_floor:.1f}", f"{versus_small:.2f}"]
            row += [
                f"{large_row['computed_ms']:.2f}",
                f"{computed_floor:.1f}",
                f"{computed_small:.2f}",
            ]
            verdict = "; ".join(text for text, _ in problems) or "cumple"
            row.append("—" if name == REFERENCE else verdict)
            rows.append(row)
            for text, timing in problems:
                self.miss(f"{name}: {text}", timing=timing)
        self.table(
            "Páginas",
            header,
            rows,
            note=(
                "Consultas: al calcular la página (entre paréntesis, servida desde la "
                "caché de páginas). Mediana: la misma persona la abre otra vez sin "
                "cambios (la caché de páginas la sirve). Calculada: la abre después "
                "de una escritura cualquiera (la página se calcula de nuevo)."
            ),
        )

    # --- Registration rush -----------------------------------------------------

    def report_rush(self, clients: int, seats: int) -> None:
        from cafe.bench.rush import run_rush

        self.stdout.write(f"Inscripción masiva: {clients} clientes, {seats} cupos…")
        result = run_rush(clients=clients, seats=seats, workers=4)
        expected = (seats, clients - seats, 0)
        got = (result["confirmed"], result["waitlisted"], result["errors"])
        if got != expected:
            self.miss(
                f"inscripción masiva: {got[0]} confirmadas, {got[1]} en espera, "
                f"{got[2]} errores (se esperaban {expected[0]}, {expected[1]} y 0)"
            )
        self.table(
            "Inscripción masiva (gunicorn, 4 workers, 127.0.0.1)",
            RUSH_HEADER.split("|"),
            [
                [
                    str(clients),
                    str(seats),
                    *map(str, got),
                    f"{result['p50_ms']:.0f}",
                    f"{result['p95_ms']:.0f}",
                    f"{result['wall_s']:.1f}",
                ]
            ],
        )

    # --- Bulletin fan-out ------------------------------------------------------

    def report_fanout(self, recipients: int) -> None:
        from cafe.bench.fanout import TARGET_RATIO, problems, run_fanout

        self.stdout.write(f"Envío del boletín a {recipients} personas…")
        result = run_fanout(recipients=recipients)
        counts = result["queries_per_batch"]
        # Throughput is a timing (advisory on a shared CI machine); lost or
        # duplicated messages and growing queries never are.
        for text, timing in problems(result):
            self.miss(f"boletín: {text}", timing=timing)
        self.table(
            "Envío del boletín al buzón SMTP local",
            ["Camino", "Mensajes", "Segundos", "Mensajes/s", "Consultas por lote"],
            [
                [
                    "Aplicación (lotes del outbox)",
                    str(result["delivered"]),
                    f"{result['app_seconds']:.2f}",
                    f"{result['app_per_second']:.0f}",
                    ", ".join(map(str, counts)),
                ],
                [
                    "Piso: bucle de smtplib",
                    str(recipients),
                    f"{result['floor_seconds']:.2f}",
                    f"{result['floor_per_second']:.0f}",
                    "—",
                ],
                [
                    "Proporción",
                    "",
                    "",
                    f"{result['ratio']:.0%} (meta ≥ {TARGET_RATIO:.0%})",
                    "",
                ],
            ],
        )

    # --- Output ----------------------------------------------------------------

    def miss(self, message: str, *, timing: bool = False) -> None:
        if timing and self.advisory:
            self.stdout.write(self.style.WARNING(f"(tiempo, informativo) {message}"))
            return
        self.misses.append(message)

    def table(
        self, title: str, header: list[str], rows: list[list[str]], note: str = ""
    ) -> None:
        widths = [
            max(len(cell) for cell in column)
            for column in zip(header, *rows, strict=True)
        ]
        lines = [f"\n{title}"]
        for cells in [header, ["-" * w for w in widths], *rows]:
            lines.append(
                "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
            )
        if note:
            lines.append(note)
        self.stdout.write("\n".join(lines))
        markdown = [f"### {title}", "", "| " + " | ".join(header) + " |"]
        markdown.append("|" + "|".join("---" for _ in header) + "|")
        markdown += ["| " + " | ".join(row) + " |" for row in rows]
        if note:
            markdown += ["", note]
        self.sections.append("\n".join(markdown))
