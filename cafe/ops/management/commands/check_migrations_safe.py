"""Fail when a migration would rewrite or lock a table on a live database."""

from django.core.management.base import BaseCommand, CommandError

from cafe.ops.migration_safety import MARKER, check


class Command(BaseCommand):
    help = (
        "Revisa que las migraciones se puedan aplicar con la plataforma en servicio "
        "(docs/operacion.md)."
    )
    requires_system_checks = []

    def handle(self, *args, **options):
        problems = check()
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(
                f"{len(problems)} operación(es) de migración no son seguras con la "
                "base en servicio. Cámbielas (patrón en dos pasos, índices "
                "concurrentes) o, si se revisaron, declare en la migración "
                f'{MARKER} = "motivo".'
            )
        self.stdout.write(
            self.style.SUCCESS("Migraciones seguras con la base de datos en servicio.")
        )
