"""Throw-away PostgreSQL databases for the benchmark, beside DATABASE_URL's."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]
# One key for every process of a run, so sessions made in one are valid in the others.
SECRET_KEY = os.environ.get("CAFE_BENCH_SECRET_KEY") or secrets.token_urlsafe(50)


def server_url() -> str:
    """The PostgreSQL server the benchmark uses: the one DATABASE_URL names."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "El benchmark necesita PostgreSQL: defina DATABASE_URL "
            '(por ejemplo con eval "$(scripts/services.sh start)").'
        )
    return url


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def fresh_database(name: str) -> str:
    """Drop and create database ``name`` on the server, migrate it, return its URL."""
    base = server_url()
    connection = psycopg2.connect(with_name(base, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    url = with_name(base, name)
    manage("migrate", "--noinput", "-v", "0", database_url=url)
    return url


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a child process of the benchmark: production-like settings
    (DEBUG off) on the given database, tasks in-process, nothing sent outside."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECURE="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        CAFE_BENCH_SECRET_KEY=SECRET_KEY,
        CELERY_BROKER_URL="",
        DJANGO_SETTINGS_MODULE="cafe.settings",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def run(args: list[str], *, env: dict[str, str], what: str) -> str:
    """Run ``python args`` from the project root; its output, or exit with both of
    its streams when it fails."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{what} falló:\n{result.stdout}{result.stderr}")
    return result.stdout


def manage(*args: str, database_url: str, **extra: str) -> str:
    """Run ``manage.py`` with ``args`` on ``database_url``; return its output."""
    return run(
        ["manage.py", *args],
        env=child_env(database_url, **extra),
        what=f"manage.py {' '.join(args)}",
    )
