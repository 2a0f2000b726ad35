"""The restore drill: seed, back up, restore into a new empty database, and compare
every table's row count and checksum; a damaged copy or a used target is refused."""

import json
import shutil
import uuid

import psycopg2
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from cafe.notify.services import send_templated
from cafe.ops import backup
from cafe.ops.models import Backup
from cafe.testing import factories
from proposals.tests.factories import ProposalFactory
from sessions_app.tests.factories import SessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_database(postgres):
    """A new, empty database beside the test one, dropped afterwards."""
    params = dict(connection.settings_dict)
    params["NAME"] = f"{params['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**backup._dsn({**params, "NAME": "postgres"}))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{params["NAME"]}"')
    yield params
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{params["NAME"]}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "archivos")
    (tmp_path / "archivos" / "actas").mkdir(parents=True)
    (tmp_path / "archivos" / "actas" / "acta-1.pdf").write_bytes(b"%PDF-1.4 acta")
    people = [factories.UserFactory() for _ in range(3)]
    SessionFactory.create_batch(2)
    ProposalFactory.create_batch(3, author=people[0])
    send_templated(
        key="respaldo:1",
        template="notify/test",
        context={"sent_on": "06/12/2026"},
        to=people[1].email,
    )
    return people


def manifest_of(params) -> dict:
    target = psycopg2.connect(**backup._dsn(params))
    try:
        with target.cursor() as cursor:
            return backup.table_manifest(cursor)
    finally:
        target.close()


def test_a_backup_restores_into_a_new_database_identical(
    seeded, new_database, tmp_path
):
    folder = backup.make_backup(root=tmp_path / "respaldos")
    manifest = json.loads((folder / backup.MANIFEST).read_text())
    assert manifest["tables"]["org_user"]["rows"] == 3
    assert manifest["tables"]["proposals_proposal"]["rows"] == 3
    assert set(manifest["files"]) == {backup.DUMP, backup.MEDIA}
    recorded = Backup.objects.get()
    assert recorded.path == str(folder)
    assert recorded.rows == sum(t["rows"] for t in manifest["tables"].values())

    restored_media = tmp_path / "restaurados"
    assert (
        backup.restore_backup(
            folder=folder, params=new_database, media_root=restored_media
        )
        == manifest
    )
    # Compared again here, independently of restore_backup's own check.
    assert manifest_of(new_database) == manifest["tables"]
    assert (restored_media / "actas" / "acta-1.pdf").read_bytes() == b"%PDF-1.4 acta"


def test_a_used_target_database_is_refused(seeded, new_database, tmp_path):
    folder = backup.make_backup(root=tmp_path)
    backup.restore_backup(folder=folder, params=new_database)
    before = manifest_of(new_database)
    with pytest.raises(ValidationError, match="no está vacía"):
        backup.restore_backup(folder=folder, params=new_database)
    assert manifest_of(new_database) == before


def test_a_corrupted_dump_is_refused_before_touching_the_target(
    seeded, new_database, tmp_path
):
    folder = backup.make_backup(root=tmp_path)
    damaged = tmp_path / "dañada"
    shutil.copytree(folder, damaged)
    dump = damaged / backup.DUMP
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(ValidationError, match="no coincide con el manifiesto"):
        backup.restore_backup(folder=damaged, params=new_database)
    assert manifest_of(new_database) == {}


def test_a_copy_that_differs_from_its_manifest_is_refused(
    seeded, new_database, tmp_path
):
    """A manifest edited by hand (or a dump from another moment) does not pass."""
    folder = backup.make_backup(root=tmp_path)
    path = folder / backup.MANIFEST
    manifest = json.loads(path.read_text())
    manifest["tables"]["org_user"]["rows"] = 4
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValidationError, match="no coincide en: org_user"):
        backup.restore_backup(folder=folder, params=new_database)


def test_the_commands(seeded, tmp_path, capsys):
    call_command("backup", dir=str(tmp_path))
    (folder,) = [p for p in tmp_path.iterdir() if p.name.startswith("cafe-")]
    assert "Copia lista" in capsys.readouterr().out
    # The restore command restores into the database DATABASE_URL names: this one
    # is in use, so it is refused with the reason and nothing changes.
    with pytest.raises(CommandError, match="no está vacía"):
        call_command("restore", str(folder))
