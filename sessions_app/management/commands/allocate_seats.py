"""Run the fair-seat allocation job by hand (safe to repeat)."""

from django.core.management.base import BaseCommand

from sessions_app.services import allocation


class Command(BaseCommand):
    help = (
        "Reparte los cupos de las sesiones cuya ventana de solicitudes ya cerró. "
        "Cada sesión se reparte una sola vez."
    )

    def handle(self, *args, **options):
        done = allocation.allocate_due_sessions()
        self.stdout.write(f"Sesiones repartidas: {done}")
