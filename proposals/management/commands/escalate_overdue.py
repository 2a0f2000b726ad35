"""Escalate overdue commitments to the heads of their dependencies, by hand."""

from django.core.management.base import BaseCommand

from proposals import services


class Command(BaseCommand):
    help = (
        "Informa a la jefatura de cada dependencia los compromisos vencidos hace más "
        "de PROPOSALS_ESCALATE_AFTER_DAYS días hábiles (una vez por compromiso)."
    )

    def handle(self, *args, **options):
        counts = services.escalate_overdue_commitments()
        self.stdout.write(
            f"Escalados: {counts['escalated']} · ya escalados: {counts['already']} · "
            f"sin jefatura registrada: {counts['no_head']}"
        )
