"""Generate last month's report and e-mail it to Despacho by hand (once)."""

from django.core.management.base import BaseCommand

from proposals import report


class Command(BaseCommand):
    help = (
        "Genera el informe mensual del mes anterior y lo envía al Despacho, si ya "
        "llegó el primer día hábil del mes (una sola vez)."
    )

    def handle(self, *args, **options):
        stored = report.generate_monthly_report()
        if stored is None:
            self.stdout.write("Todavía no es el primer día hábil del mes.")
        else:
            self.stdout.write(f"Informe {stored} listo y enviado al Despacho.")
