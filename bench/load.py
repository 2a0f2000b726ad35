"""Run one shape of the load with locust and turn its requests into figures."""

import csv
import math
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from .db import ROOT

FLOOR = "Piso: plantilla base con sesión"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def run_locust(
    *,
    fixture: Path,
    workdir: Path,
    name: str,
    port: int,
    clients: int,
    pause: float,
    seconds: int,
    only: str = "",
    tick=None,
) -> list[tuple[float, str, float, str]]:
    """Run locust headless for ``seconds``; call ``tick(elapsed)`` about once a
    second meanwhile; return every request as (end time, page, ms, error)."""
    samples = workdir / f"{name}.csv"
    log = workdir / f"locust-{name}.log"
    env = {
        **os.environ,
        "BENCH_FIXTURE": str(fixture),
        "BENCH_SAMPLES": str(samples),
        "BENCH_PAUSE": str(pause),
        "BENCH_ONLY": only,
        "BENCH_CLIENTS": str(clients),
    }
    command = [
        *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")),
        *("--headless", "--users", str(clients), "--spawn-rate", str(clients)),
        *("--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}"),
        *("--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"),
        *("--exit-code-on-error", "0"),
    ]
    started = time.monotonic()
    with log.open("wb") as out:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            while child.poll() is None:
                if tick:
                    tick(time.monotonic() - started)
                time.sleep(1)
        finally:
            if child.poll() is None:
                child.terminate()
                child.wait()
    if child.returncode != 0 or not samples.exists():
        raise SystemExit(f"locust ({name}) falló:\n{log.read_text(errors='replace')}")
    with samples.open(encoding="utf-8") as rows:
        return [
            (float(t), page, float(ms), error)
            for t, page, ms, error in csv.reader(rows)
        ]


def summarize(samples, *, warmup: float = 0.0, window=None) -> dict:
    """Throughput, errors and per-page percentiles.

    Requests that end in the first ``warmup`` seconds are left out of the timings
    (not of the errors); ``window`` = (start, end) keeps only those that started in
    it (a request that waits through the window counts, however long it waits).
    """
    if not samples:
        return {"requests": 0, "errors": 0, "throughput": 0.0, "pages": {}}
    first = min(t for t, *_ in samples)
    last = max(t for t, *_ in samples)
    errors = [s for s in samples if s[3]]
    kept = [s for s in samples if s[0] >= first + warmup]
    if window:

        def started_in(sample) -> bool:
            return window[0] <= sample[0] - sample[2] / 1000 <= window[1]

        kept = [s for s in samples if started_in(s)]
        errors = [s for s in errors if started_in(s)]
        span = window[1] - window[0]
    else:
        span = max(last - (first + warmup), 1e-9)
    by_page: dict[str, list[float]] = defaultdict(list)
    page_errors: dict[str, int] = defaultdict(int)
    for _t, page, ms, error in kept:
        by_page[page].append(ms)
        if error:
            page_errors[page] += 1
    everything = [ms for _t, _p, ms, _e in kept]
    return {
        "requests": len(kept),
        "errors": len(errors),
        "error_kinds": sorted({e for *_, e in errors})[:5],
        "throughput": len(kept) / span,
        "p50": percentile(everything, 50),
        "p95": percentile(everything, 95),
        "p99": percentile(everything, 99),
        "pages": {
            page: {
                "requests": len(times),
                "errors": page_errors[page],
                "p50": percentile(times, 50),
                "p95": percentile(times, 95),
                "p99": percentile(times, 99),
            }
            for page, times in sorted(by_page.items())
        },
    }
