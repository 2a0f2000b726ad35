"""The live-database check flags the migrations that rewrite or lock a table."""

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently
from django.core.management import CommandError, call_command
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

from cafe.ops import migration_safety


def state_before():
    """The project as after ops' first migration (JobRun and Backup exist)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader.project_state(("ops", "0001_operations"))


def reasons(*operations, **attrs):
    migration = type("Migration", (migrations.Migration,), attrs)("0099_x", "ops")
    migration.operations = list(operations)
    return migration_safety.operation_problems(migration, state_before())


def test_a_not_null_column_on_an_existing_table_is_flagged():
    add = migrations.AddField("jobrun", "runs", models.IntegerField(default=0))
    (reason,) = reasons(add)
    assert "jobrun.runs: columna NOT NULL" in reason
    # The first of the two steps passes; so does a column of a new model.
    nullable = migrations.AddField("jobrun", "runs", models.IntegerField(null=True))
    assert reasons(nullable) == []
    new_model = migrations.CreateModel(
        "Probe", [("id", models.BigAutoField(primary_key=True))]
    )
    assert (
        reasons(
            new_model,
            migrations.AddField("probe", "runs", models.IntegerField(default=0)),
        )
        == []
    )


def test_a_column_type_change_or_a_new_not_null_is_flagged():
    (reason,) = reasons(
        migrations.AlterField("backup", "tables", models.CharField(max_length=20))
    )
    assert "cambia el tipo de la columna" in reason
    # Widening a varchar is not a rewrite; narrowing it is.
    wider = migrations.AlterField("jobrun", "name", models.CharField(max_length=200))
    assert reasons(wider) == []
    assert reasons(
        migrations.AlterField("jobrun", "name", models.CharField(max_length=50))
    )
    (reason,) = reasons(
        migrations.AlterField("jobrun", "last_success_at", models.DateTimeField())
    )
    assert "NOT NULL revisa toda la tabla" in reason


def test_an_index_or_constraint_needs_to_be_concurrent():
    index = models.Index(fields=["name"], name="ops_jobrun_name_probe")
    (reason,) = reasons(migrations.AddIndex("jobrun", index))
    assert "AddIndexConcurrently" in reason
    constraint = models.CheckConstraint(
        condition=models.Q(size_bytes__gte=0), name="ops_backup_size_probe"
    )
    assert reasons(migrations.AddConstraint("backup", constraint))
    assert reasons(AddIndexConcurrently("jobrun", index), atomic=False) == []


def test_renames_and_removals_are_flagged():
    assert reasons(migrations.RenameField("jobrun", "last_error", "error"))
    assert reasons(migrations.RenameModel("JobRun", "ScheduledRun"))
    assert reasons(migrations.RemoveField("jobrun", "last_error"))


def test_the_marker_and_the_baseline(monkeypatch):
    add = migrations.AddField("jobrun", "runs", models.IntegerField(default=0))
    flagged = type("Migration", (migrations.Migration,), {"operations": [add]})
    marked = type(
        "Migration",
        (migrations.Migration,),
        {"operations": [add], "live_database_review": "tabla de 12 filas"},
    )
    disk = {}

    def fake_load(self, *args, **kwargs):
        original(self, *args, **kwargs)
        for key, cls in disk.items():
            migration = cls(key[1], key[0])
            migration.dependencies = [("ops", "0001_operations")]
            self.disk_migrations[key] = migration
            self.graph.add_node(key, migration)
            self.graph.add_dependency(migration, key, ("ops", "0001_operations"))

    original = MigrationLoader.build_graph
    monkeypatch.setattr(MigrationLoader, "build_graph", fake_load)
    disk[("ops", "0099_unsafe")] = flagged
    disk[("ops", "0098_reviewed")] = marked
    problems = migration_safety.check()
    assert [p.migration for p in problems] == ["ops.0099_unsafe"]
    with pytest.raises(CommandError, match="1 operación"):
        call_command("check_migrations_safe")


def test_the_project_migrations_pass(capsys):
    """Every migration is either in the reviewed baseline, marked, or safe."""
    call_command("check_migrations_safe")
    assert "seguras" in capsys.readouterr().out
    # The baseline only holds migrations that exist (no stale names).
    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = {f"{app}.{name}" for app, name in loader.disk_migrations}
    assert migration_safety.baseline() <= names


def test_installed_packages_are_not_project_apps_even_inside_the_project(settings):
    # CI's .venv sits inside the clone: its packages are under the project root.
    from cafe.ops.migration_safety import project_apps

    settings.BASE_DIR = "/"

    labels = project_apps()

    assert {"org", "proposals", "sessions_app"} <= labels
    assert not {"auth", "axes", "contenttypes"} & labels
