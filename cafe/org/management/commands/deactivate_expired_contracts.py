"""Deactivate the people whose contract ended (the daily job, by hand)."""

from django.core.management.base import BaseCommand

from cafe.org import staff


class Command(BaseCommand):
    help = "Desactiva a quienes terminó el contrato según el directorio de personal."

    def handle(self, *args, **options):
        count = staff.deactivate_expired_contracts()
        self.stdout.write(f"Personas desactivadas: {count}")
