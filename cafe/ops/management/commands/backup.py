"""Back up the database (pg_dump, custom format) and the uploaded media."""

from django.core.management.base import BaseCommand, CommandError

from cafe.ops.backup import make_backup


class Command(BaseCommand):
    help = "Copia de respaldo: base de datos, archivos cargados y manifiesto."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="carpeta raíz (CAFE_BACKUP_DIR)")

    def handle(self, *args, dir=None, **options):
        try:
            folder = make_backup(root=dir)
        except Exception as exc:  # pg_dump missing, disk full...
            raise CommandError(f"La copia falló: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Copia lista en {folder}"))
