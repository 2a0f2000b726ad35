"""Throw-away PostgreSQL databases and child processes for the benchmark."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
# One key for every process of a run, so logins made in one are valid in the others.
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
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def admin(statement: sql.Composable) -> None:
    connection = psycopg2.connect(with_name(server_url(), "postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def drop_database(name: str) -> None:
    admin(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def fresh_database(name: str) -> str:
    """Drop and create database ``name`` on the server, migrate it, return its URL."""
    drop_database(name)
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_name(server_url(), name)
    manage("migrate", "--noinput", "-v", "0", env=child_env(url))
    return url


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a child process: production settings (DEBUG off) with the
    benchmark's floor pages, on the given database; tasks in-process unless
    ``CELERY_BROKER_URL`` is given in ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL"}
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECURE="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        CAFE_BENCH_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CELERY_BROKER_URL="",
        DJANGO_SETTINGS_MODULE="bench.settings",
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


def manage(*args: str, env: dict[str, str]) -> str:
    """Run ``manage.py`` with ``args``; return its output."""
    return run(["manage.py", *args], env=env, what=f"manage.py {' '.join(args)}")
