"""Backups that restore: a consistent ``pg_dump`` (custom format) and the uploaded
media, with a manifest of every table's row count and checksum taken from the same
snapshot as the dump; a restore into an empty database checks the copy against it.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

import psycopg2
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.utils import timezone
from psycopg2 import sql

from .models import Backup

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


def _dsn(params: dict) -> dict:
    return {
        "dbname": params["NAME"],
        "user": params.get("USER") or None,
        "password": params.get("PASSWORD") or None,
        "host": params.get("HOST") or None,
        "port": params.get("PORT") or None,
    }


def _pg_env(params: dict) -> dict:
    env = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if params.get(key):
            env[name] = str(params[key])
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ImproperlyConfigured(
            f"Falta {name}: instale el cliente de PostgreSQL (postgresql-client)."
        )
    return path


def _run(args: list[str], params: dict, failure: str) -> None:
    """Run a PostgreSQL client tool; its own error message on failure."""
    done = subprocess.run(  # noqa: S603 (fixed arguments, no user input)
        args, env=_pg_env(params), capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise ValidationError(f"{failure}: {done.stderr.strip()[-500:]}")


def table_manifest(cursor) -> dict:
    """Each table's row count and an order-independent checksum of its rows."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    )
    tables = {}
    for (name,) in cursor.fetchall():
        cursor.execute(
            sql.SQL(
                "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' "
                "ORDER BY md5(t::text))), '') FROM {} t"
            ).format(sql.Identifier(name))
        )
        rows, checksum = cursor.fetchone()
        tables[name] = {"rows": rows, "checksum": checksum}
    return tables


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_backup(*, root: Path | None = None) -> Path:
    """Write a backup folder under ``root`` (``CAFE_BACKUP_DIR``); return it."""
    params = connection.settings_dict
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured("Las copias de respaldo requieren PostgreSQL.")
    started = time.perf_counter()
    root = Path(root or settings.CAFE_BACKUP_DIR)
    folder = root / f"cafe-{timezone.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    # One snapshot for the manifest and the dump, held open while pg_dump runs.
    snapshot_conn = psycopg2.connect(**_dsn(params))
    try:
        snapshot_conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with snapshot_conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = table_manifest(cursor)
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(folder / DUMP),
                    params["NAME"],
                ],
                params,
                "pg_dump falló",
            )
    finally:
        snapshot_conn.rollback()
        snapshot_conn.close()
    files = {DUMP: _sha256(folder / DUMP)}
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        with tarfile.open(folder / MEDIA, "w:gz") as archive:
            archive.add(media, arcname=".")
        files[MEDIA] = _sha256(folder / MEDIA)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": params["NAME"],
        "tables": tables,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    size = sum(p.stat().st_size for p in folder.iterdir())
    Backup.objects.create(
        path=str(folder),
        size_bytes=size,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        seconds=time.perf_counter() - started,
    )
    return folder


def restore_backup(
    *, folder: Path, params: dict | None = None, media_root: Path | None = None
) -> dict:
    """Restore ``folder`` into the (empty) database ``params`` (the default one) and
    check every table against the manifest. Returns the manifest; raises
    ValidationError on any difference."""
    params = params or connection.settings_dict
    manifest = json.loads((folder / MANIFEST).read_text())
    for name, digest in manifest["files"].items():
        if _sha256(folder / name) != digest:
            raise ValidationError(f"El archivo {name} no coincide con el manifiesto.")
    target = psycopg2.connect(**_dsn(params))
    target.autocommit = True
    try:
        with target.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            if cursor.fetchone()[0]:
                raise ValidationError(
                    "La base de datos de destino no está vacía: restaure en una nueva."
                )
            _run(
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--dbname",
                    params["NAME"],
                    str(folder / DUMP),
                ],
                params,
                "pg_restore falló",
            )
            restored = table_manifest(cursor)
    finally:
        target.close()
    differences = [
        name
        for name in sorted(set(manifest["tables"]) | set(restored))
        if manifest["tables"].get(name) != restored.get(name)
    ]
    if differences:
        raise ValidationError(
            "La copia restaurada no coincide en: " + ", ".join(differences)
        )
    if media_root and (folder / MEDIA).exists():
        with tarfile.open(folder / MEDIA, "r:gz") as archive:
            archive.extractall(Path(media_root), filter="data")
    return manifest
