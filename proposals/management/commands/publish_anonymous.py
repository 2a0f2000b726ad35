"""Publish the anonymous proposals waiting in the queue, by hand."""

from django.core.management.base import BaseCommand

from proposals import services


class Command(BaseCommand):
    help = (
        "Publica en un lote, en orden aleatorio y con la fecha del día, las "
        "propuestas anónimas en cola (lo mismo que hace la tarea periódica)."
    )

    def handle(self, *args, **options):
        published = services.publish_anonymous_batch()
        self.stdout.write(f"Propuestas anónimas publicadas: {len(published)}.")
