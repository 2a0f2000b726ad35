"""Run the 24-hour reminder job by hand."""

from django.core.management.base import BaseCommand

from sessions_app.services import communications


class Command(BaseCommand):
    help = "Envía los recordatorios de las sesiones de las próximas 24 horas."

    def handle(self, *args, **options):
        self.stdout.write(f"Recordatorios: {communications.send_reminders()}")
