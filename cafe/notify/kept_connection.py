"""The SMTP session that single deliveries share, one per worker thread.

A rush of registrations queues hundreds of one-message deliveries; opening an SMTP
session for each (TCP, EHLO, and on a real relay STARTTLS and AUTH) costs more than
sending the message. So the session stays open for the next message, and is
replaced when it has been idle longer than ``NOTIFY_SMTP_KEEP_SECONDS`` (servers
drop idle clients), when the e-mail settings change, or after any error (its state
is then unknown). A kept session the server has dropped in the meantime is replaced
and the message sent once more over a new one: the server had not accepted it.
"""

import contextlib
import smtplib
import threading
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

_kept = threading.local()


def _settings_key() -> tuple:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def close() -> None:
    """Close this thread's kept session, if any."""
    connection = getattr(_kept, "connection", None)
    _kept.connection = None
    if connection is not None:
        # A session that is already gone cannot be closed politely.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()


def _connection() -> tuple[object, bool]:
    """This thread's open session and whether it was opened just now."""
    now = time.monotonic()
    if getattr(_kept, "connection", None) is not None and (
        _kept.key != _settings_key()
        or now - _kept.used > settings.NOTIFY_SMTP_KEEP_SECONDS
    ):
        close()
    opened = getattr(_kept, "connection", None) is None
    if opened:
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        connection.open()
        _kept.connection, _kept.key = connection, _settings_key()
    _kept.used = now
    return _kept.connection, opened


def send(message: EmailMessage) -> None:
    """Send ``message`` over the kept session; SMTP errors are raised as
    ``message.send()`` raises them."""
    try:
        message.connection, opened = _connection()
        try:
            message.send()
        except (smtplib.SMTPServerDisconnected, ConnectionError):
            if opened:
                raise
            close()  # dropped while idle: one more try, on a new session
            message.connection, _opened = _connection()
            message.send()
    except BaseException:
        close()
        raise
