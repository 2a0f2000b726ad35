"""Run the post-session job (survey link, conclusions) by hand."""

from django.core.management.base import BaseCommand

from sessions_app.services import communications


class Command(BaseCommand):
    help = (
        "Envía el enlace de la encuesta y las conclusiones publicadas a los asistentes."
    )

    def handle(self, *args, **options):
        result = communications.send_post_session()
        self.stdout.write(
            f"Encuestas: {result['surveys']} · conclusiones: {result['conclusions']}"
        )
