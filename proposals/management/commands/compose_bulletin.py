"""Compose last month's bulletin draft by hand."""

from django.core.management.base import BaseCommand

from proposals import bulletin


class Command(BaseCommand):
    help = "Compone el borrador del boletín del mes anterior (si no existe)."

    def handle(self, *args, **options):
        edition, created = bulletin.compose_bulletin()
        state = "creado" if created else "ya existía"
        self.stdout.write(f"Borrador {edition} ({state}).")
