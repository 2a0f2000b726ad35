"""Run the monthly invitation job by hand."""

from django.core.management.base import BaseCommand

from sessions_app.services import communications


class Command(BaseCommand):
    help = "Envía las invitaciones del mes (solo el primer día hábil, salvo --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Enviar aunque hoy no sea el primer día hábil.",
        )

    def handle(self, *args, **options):
        queued = communications.send_monthly_invitations(force=options["force"])
        self.stdout.write(f"Invitaciones en la bandeja de salida: {queued}")
