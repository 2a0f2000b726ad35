"""Restore a backup into the (empty) database DATABASE_URL names, and check it."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cafe.ops.backup import restore_backup


class Command(BaseCommand):
    help = (
        "Restaura una copia en una base de datos vacía y la compara con su manifiesto."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--media", action="store_true", help="restaurar también los archivos"
        )

    def handle(self, *args, folder, media, **options):
        try:
            manifest = restore_backup(
                folder=Path(folder),
                media_root=Path(settings.MEDIA_ROOT) if media else None,
            )
        except (ValidationError, OSError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        tables = len(manifest["tables"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Restaurada y verificada: {tables} tablas, {rows} filas."
            )
        )
