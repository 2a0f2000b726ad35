"""Group the proposals into recurring themes now (the nightly job, by hand)."""

import time

from django.core.management.base import BaseCommand

from proposals import themes


class Command(BaseCommand):
    help = (
        "Agrupa las propuestas por similitud en temas recurrentes y guarda el "
        "resultado que muestra el tablero (lo mismo que hace la tarea nocturna)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        stored = themes.rebuild_themes()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Temas guardados: {stored} ({elapsed:.1f} s).")
