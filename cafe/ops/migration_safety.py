"""Migrations safe to run on a live database (``manage.py check_migrations_safe``).

An upgrade migrates first and restarts the processes after (docs/operacion.md), so
while a migration runs, the old code keeps serving from the same tables. A migration
is flagged when it would rewrite a table or hold a long lock on one that may be large,
or break the old code still running:

- ``AddField`` of a NOT NULL column to an existing model (two steps instead: add it
  nullable, fill it in batches, then make it NOT NULL in a later release);
- ``AlterField`` that changes the column's type (a rewrite) or makes it NOT NULL (a
  full scan under an exclusive lock);
- ``AddIndex``, ``AddConstraint``, ``AlterUniqueTogether`` on an existing model
  (``AddIndexConcurrently`` / ``AddConstraintNotValid`` + ``ValidateConstraint``);
- ``RenameField``, ``RenameModel``, ``RemoveField``, ``DeleteModel`` (the running
  code still uses the old name: add the new one, release, then drop the old one).

A migration reviewed as safe anyway (a small table, a release with downtime) says so
with a class attribute naming the reason::

    class Migration(migrations.Migration):
        live_database_review = "dependencias: menos de 200 filas"

The migrations that existed when the check was introduced were reviewed together and
are listed in ``migration_baseline.txt``.
"""

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader

BASELINE = Path(__file__).with_name("migration_baseline.txt")
MARKER = "live_database_review"
CONCURRENT = {"AddIndexConcurrently", "RemoveIndexConcurrently"}


@dataclass(frozen=True)
class Problem:
    migration: str
    operation: str
    reason: str

    def __str__(self):
        return f"{self.migration}: {self.operation}: {self.reason}"


def baseline() -> set[str]:
    lines = BASELINE.read_text().splitlines() if BASELINE.exists() else []
    return {line.strip() for line in lines if line.strip() and line[0] != "#"}


def project_apps() -> set[str]:
    """The project's own apps: under the project root, and not installed packages
    (a virtual environment inside the project, such as ``.venv``, holds those)."""
    root = Path(settings.BASE_DIR)
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(root)
        and "site-packages" not in Path(config.path).parts
    }


def _column_type(field, model_state):
    field = field.clone()
    field.set_attributes_from_name(field.name or "f")
    try:
        return field.db_type(connection)
    except Exception:  # a relation to a model the state cannot render
        return None


def operation_problems(migration, state) -> list[str]:
    """The reasons ``migration``'s operations are unsafe, applied on ``state``."""
    app = migration.app_label
    created = {
        op.name_lower
        for op in migration.operations
        if isinstance(op, migrations.CreateModel)
    }
    reasons = []
    for op in migration.operations:
        name = type(op).__name__
        model = getattr(op, "model_name", None) or getattr(op, "name_lower", "")
        existing = (app, model) in state.models and model not in created
        if isinstance(op, migrations.AddField) and existing:
            field = op.field
            if not field.null and not field.many_to_many:
                reasons.append(
                    f"{name} {model}.{op.name}: columna NOT NULL en una tabla "
                    "existente; agréguela nullable, llénela por lotes y hágala NOT "
                    "NULL en una versión posterior"
                )
        elif isinstance(op, migrations.AlterField) and existing:
            old = state.models[app, model].fields.get(op.name)
            if old is not None:
                before = _column_type(old, state)
                after = _column_type(op.field, state)
                widened = type(old).__name__ == type(
                    op.field
                ).__name__ == "CharField" and (op.field.max_length or 0) >= (
                    old.max_length or 0
                )
                if before != after and not widened:
                    reasons.append(
                        f"{name} {model}.{op.name}: cambia el tipo de la columna "
                        f"({before} → {after}): reescribe la tabla"
                    )
                if old.null and not op.field.null:
                    reasons.append(
                        f"{name} {model}.{op.name}: NOT NULL revisa toda la tabla "
                        "con un bloqueo exclusivo"
                    )
        elif (
            isinstance(
                op,
                migrations.AddIndex
                | migrations.AddConstraint
                | migrations.AlterUniqueTogether,
            )
            and name not in CONCURRENT
            and existing
        ):
            reasons.append(
                f"{name} {model}: bloquea las escrituras mientras se construye; use "
                "AddIndexConcurrently (migración atomic = False) o una restricción "
                "NOT VALID validada aparte"
            )
        elif isinstance(
            op,
            migrations.RenameField
            | migrations.RenameModel
            | migrations.RemoveField
            | migrations.DeleteModel,
        ):
            reasons.append(
                f"{name} {model}: el código que sigue corriendo durante la "
                "actualización usa el nombre anterior; hágalo en dos versiones"
            )
        op.state_forwards(app, state)
    return reasons


def check(apps_to_check: set[str] | None = None) -> list[Problem]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    reviewed = baseline()
    labels = apps_to_check or project_apps()
    found = []
    for key in sorted(loader.disk_migrations):
        app, name = key
        if app not in labels or f"{app}.{name}" in reviewed:
            continue
        migration = loader.disk_migrations[key]
        if getattr(migration, MARKER, ""):
            continue
        state = loader.project_state(key, at_end=False)
        found += [
            Problem(f"{app}.{name}", reason.split(":", 1)[0], reason.split(": ", 1)[1])
            for reason in operation_problems(migration, state)
        ]
    return found
