"""Apply the retention periods; ``--dry-run`` shows what would go, changing nothing."""

from django.core.management.base import BaseCommand

from cafe.org.retention import apply_retention


class Command(BaseCommand):
    help = "Purga o anonimiza los datos personales que superaron su plazo de retención."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Solo muestra qué se purgaría, sin cambiar nada.",
        )

    def handle(self, *args, dry_run=False, **options):
        outcomes = apply_retention(dry_run=dry_run)
        title = "Simulación (no cambia nada)" if dry_run else "Retención aplicada"
        self.stdout.write(title)
        for outcome in outcomes:
            self.stdout.write(f"  {outcome.label}: {outcome.count}")
        self.stdout.write(f"  Total: {sum(o.count for o in outcomes)}")
