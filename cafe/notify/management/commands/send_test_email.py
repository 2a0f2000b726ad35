"""Send a test e-mail through the outbox, to check the SMTP configuration."""

import uuid

from django.core.management.base import BaseCommand
from django.core.validators import validate_email
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.notify.services import send_templated


class Command(BaseCommand):
    help = "Envía un correo de prueba a través de la bandeja de salida."

    def add_arguments(self, parser):
        parser.add_argument("to", help="Dirección de destino")

    def handle(self, *args, **options):
        to = options["to"].strip()
        validate_email(to)
        delivery = send_templated(
            key=f"test:{uuid.uuid4().hex}",
            template="notify/test",
            context={"sent_on": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
            to=to,
            kind="test",
        )
        delivery.refresh_from_db()
        label = Delivery.State(delivery.state).label
        self.stdout.write(f"Envío {delivery.pk}: {label} {delivery.last_error}".strip())
