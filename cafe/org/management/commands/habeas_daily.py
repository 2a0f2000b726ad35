"""Run the daily habeas data job now: withdrawals and escalations to Despacho."""

from django.core.management.base import BaseCommand

from cafe.org import habeas


class Command(BaseCommand):
    help = (
        "Marca como desistidos los reclamos incompletos sin respuesta en dos meses y "
        "escala a Despacho las solicitudes vencidas (una vez cada una)."
    )

    def handle(self, *args, **options):
        withdrawn = habeas.withdraw_abandoned()
        escalated = habeas.escalate_overdue()
        self.stdout.write(
            f"Desistidas: {withdrawn}. Escaladas a Despacho: {escalated}."
        )
