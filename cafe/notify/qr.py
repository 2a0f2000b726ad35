"""QR codes as PNG images for e-mails (segno writes PNG without an imaging library).

A QR attachment is stored in the outbox as its text and drawn when the message is
built, by the worker: the caller's transaction (which may hold a row lock) does not
pay for it, and the same text always gives the same image.
"""

from io import BytesIO

import segno


def qr_png(text: str) -> bytes:
    """The PNG of the QR code of ``text`` (error correction M, 5 px per module)."""
    buffer = BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind="png", scale=5, border=4, dark="#000000", light="#ffffff"
    )
    return buffer.getvalue()
