"""Send what waits in the outbox: mass mailings at the configured rate, and rows left
pending by a broker outage."""

from django.core.management.base import BaseCommand

from cafe.notify import services


class Command(BaseCommand):
    help = "Envía lo pendiente de la bandeja de salida (masivos y rezagados)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Sin límite por minuto (todo lo pendiente).",
        )

    def handle(self, *args, **options):
        shared = services.pump_shared(limit=0 if options["all"] else None)
        swept = services.sweep_pending()
        self.stdout.write(f"Envíos masivos en cola: {shared} · rezagados: {swept}")
