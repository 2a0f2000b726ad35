"""Import Talento Humano's roster: a dry run unless --apply."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cafe.org import directory


class Command(BaseCommand):
    help = "Carga la nómina de Talento Humano (CSV o XLSX). Sin --apply, solo revisa."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--apply", action="store_true", help="aplicar los cambios")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="el archivo no es la nómina completa: no desactivar ausentes",
        )
        parser.add_argument(
            "--lenient",
            action="store_true",
            help="aplicar las filas válidas aunque haya filas rechazadas",
        )

    def handle(self, *args, file, apply, partial, lenient, **options):
        path = Path(file)
        try:
            record, plan = directory.check_file(
                name=path.name,
                content=path.read_bytes(),
                full_roster=not partial,
                actor=None,
            )
            self._report(plan)
            if apply:
                plan = directory.apply_import(
                    record=record, actor=None, strict=not lenient
                )
                self.stdout.write(self.style.SUCCESS(f"Aplicado: {plan.summary()}"))
            else:
                self.stdout.write("Revisión sin cambios (use --apply para aplicar).")
        except (OSError, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc

    def _report(self, plan):
        out = self.stdout
        out.write(f"Resumen: {plan.summary()}")
        for row in plan.to_add[:20]:
            out.write(f"  + {row.email}")
        for row, _pk, fields in plan.to_change[:20]:
            out.write(f"  ~ {row.email}: {directory.describe_change(fields)}")
        for _pk, email in plan.to_deactivate[:20]:
            out.write(f"  - {email}")
        for refusal in plan.refused:
            out.write(f"  ! fila {refusal.line} ({refusal.email}): {refusal.reason}")
        for name in plan.new_dependencies:
            out.write(f"  ? dependencia nueva propuesta: {name}")
