"""Run the weekly overdue-commitments digest by hand."""

from django.core.management.base import BaseCommand

from proposals import communications


class Command(BaseCommand):
    help = "Envía el resumen semanal de compromisos vencidos o por vencer."

    def handle(self, *args, **options):
        sent = communications.send_overdue_digests()
        self.stdout.write(f"Enlaces: {sent['liaisons']} · Despacho: {sent['despacho']}")
