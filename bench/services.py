"""The benchmark's own servers: two Redis, the SMTP sink, a Celery worker, gunicorn.

Each starts on a free local port, and stops when its ``with`` block ends. None of
them touches a shared service: the PostgreSQL server is only given new databases.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import redis

from .db import ROOT

READY_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
REQUEST_TIMEOUT_S = 120
WORKER_NICE = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGCONT)  # in case it was frozen
        process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Redis:
    """A redis-server of the benchmark's own (never the shared one)."""

    def __init__(self, workdir: Path, name: str, policy: str, maxmemory: str):
        binary = shutil.which("redis-server")
        if not binary:
            raise SystemExit("El benchmark necesita redis-server (apt redis-server).")
        self.port = free_port()
        self.log = workdir / f"redis-{name}.log"
        self.process = subprocess.Popen(
            [
                *(binary, "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                *("--maxmemory", maxmemory, "--maxmemory-policy", policy),
                *("--logfile", str(self.log)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = redis.Redis(port=self.port, socket_timeout=2)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError as error:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    message = f"redis-server no arrancó:\n{log_tail(self.log)}"
                    raise SystemExit(message) from error
                time.sleep(0.05)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def used_memory(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        stop(self.process)


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path):
    with log.open("wb") as out:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield child
    finally:
        stop(child)


@contextmanager
def celery_worker(env: dict[str, str], workdir: Path):
    """One Celery worker (one process), delivering the outbox to the SMTP sink, at
    the priority the production unit gives it (``Nice=`` in
    ``deploy/systemd/cafe-worker.service``)."""
    command = [
        *("nice", "-n", str(WORKER_NICE)),
        *(sys.executable, "-m", "celery", "-A", "cafe", "worker"),
        *("--pool", "solo", "--loglevel", "WARNING", "--without-heartbeat"),
        *("--without-gossip", "--without-mingle"),
    ]
    with process(command, env, workdir / "celery.log") as child:
        time.sleep(1)
        if child.poll() is not None:
            tail = log_tail(workdir / "celery.log")
            raise SystemExit(f"Celery terminó al arrancar:\n{tail}")
        yield child


@contextmanager
def gunicorn(env: dict[str, str], workdir: Path, workers: int):
    """The application on a free local port (sync workers, as in production)."""
    port = free_port()
    log = workdir / "gunicorn.log"
    command = [
        *(sys.executable, "-m", "gunicorn", "cafe.wsgi"),
        *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
        *("--timeout", str(REQUEST_TIMEOUT_S), "--backlog", "2048"),
        *("--graceful-timeout", "10"),
        # gunicorn 27 otherwise opens ~/.gunicorn/gunicorn.ctl, shared by every
        # gunicorn of the user: two runs at once would take it from each other.
        "--no-control-socket",
    ]
    with process(command, env, log) as child:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if child.poll() is not None:
                raise SystemExit(f"gunicorn terminó al arrancar:\n{log_tail(log)}")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn no respondió:\n{log_tail(log)}")
            time.sleep(0.1)
        yield port, log


@contextmanager
def workdir():
    with tempfile.TemporaryDirectory(prefix="cafe-bench-") as path:
        yield Path(path)
