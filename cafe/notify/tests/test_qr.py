"""A QR attachment: stored as its text, drawn as an inline PNG when the message is
built."""

from email import message_from_bytes

import pytest

from cafe.notify.models import Delivery
from cafe.notify.qr import qr_png
from cafe.notify.services import Attachment, build_message, send_templated

pytestmark = pytest.mark.django_db

URL = "https://cafe.example.gov.co/sesiones/asistencia/MQ:firma/"


def test_qr_attachment_is_stored_as_text_and_sent_as_an_inline_png(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_templated(
            key="test:qr",
            template="notify/test",
            context={"sent_on": "23/11/2026 10:00"},
            to="ana@prueba.gov.co",
            attachments=(
                Attachment(
                    "codigo.png",
                    b"",
                    "image/png",
                    content_id="codigo",
                    qr_text=URL,
                ),
            ),
        )
    delivery = Delivery.objects.get(idempotency_key="test:qr")
    [stored] = delivery.attachments
    assert stored["qr_text"] == URL
    assert stored["content"] == ""  # the image is not kept in the outbox

    assert len(mailoutbox) == 1
    raw = message_from_bytes(build_message(delivery).message().as_bytes())
    [part] = [p for p in raw.walk() if p.get_filename() == "codigo.png"]
    assert part.get_content_type() == "image/png"
    assert part["Content-ID"] == "<codigo>"
    assert part["Content-Disposition"].startswith("inline")
    image = part.get_payload(decode=True)
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert image == qr_png(URL)
