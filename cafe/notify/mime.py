"""One MIME body for many recipients: how the batches of a shared content are sent.

A bulletin or an invitation goes to thousands of people with the same subject and the
same text and HTML bodies; only To, Date and Message-ID change. Building and
flattening a MIME message in Python (header encoding, line checks, the boundary
search) costs more than handing it to the SMTP server, so the message of a shared
content is built once per process, with Django (``shared_body``), and its serialised
body kept. Each recipient gets a real ``SafeMIMEMultipart`` with the same parts and
its own headers, whose ``as_bytes()`` reuses that body: byte for byte what the
standard generator writes for the same message (the tests compare both).

Over Django's SMTP backend, ``send_over`` hands the message to the open SMTP session
as ``EmailBackend._send`` does, but with the envelope sender worked out once per
content instead of parsed and re-encoded for every message.

Anything unusual (Cc, Reply-To, attachments, other headers, a changed subject, body
or sender, a message modified after ``message()``, another e-mail backend) falls back
to Django's own code.
"""

import functools
import re
from email import generator
from email.utils import formatdate, make_msgid, parseaddr
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import SafeMIMEMultipart, sanitize_address
from django.core.mail.utils import DNS_NAME

HTML = "text/html"
# Set per recipient by EmailMessage.message(); every other header is shared.
OWN_HEADERS = ("To", "Date", "Message-ID")


def _flatten(message, linesep: str) -> bytes:
    """What ``SafeMIMEMultipart.as_bytes`` does (the standard, slow path)."""
    buffer = BytesIO()
    generator.BytesGenerator(buffer, mangle_from_=False).flatten(
        message, unixfrom=False, linesep=linesep
    )
    return buffer.getvalue()


# Printable ASCII with no space at either end: compat32 folds such a value, when it
# fits on the header's line, to exactly itself.
_PLAIN_VALUE = re.compile(r"[!-~](?:[ -~]*[!-~])?")


def _fold(policy, name: str, value) -> bytes:
    """``policy.fold_binary(name, value)``, directly for a short plain value (To,
    Date and Message-ID: the headers that change with every recipient)."""
    limit = policy.max_line_length or 1_000_000
    if (
        isinstance(value, str)
        and len(name) + 2 + len(value) <= limit
        and _PLAIN_VALUE.fullmatch(value)
    ):
        return f"{name}: {value}{policy.linesep}".encode("ascii")
    return policy.fold_binary(name, value)


class SharedBody:
    """A shared content (subject, text, HTML) built once into a MIME message."""

    def __init__(self, *, subject: str, body: str, html: str, from_email: str):
        self.subject, self.body, self.html = subject, body, html
        self.from_email = from_email
        template = EmailMultiAlternatives(
            subject=subject, body=body, from_email=from_email
        )
        template.attach_alternative(html, HTML)
        self.encoding = template.encoding
        # The SMTP envelope sender, as Django's backend hands it to smtplib (which
        # keeps only the address).
        sender = sanitize_address(from_email, self.encoding or settings.DEFAULT_CHARSET)
        self.envelope_sender = parseaddr(sender)[1] or sender
        mime = template.message()
        for name in OWN_HEADERS:
            del mime[name]
        self.mime = mime
        self._parts = tuple(mime.get_payload())
        # linesep -> (policy, folded shared headers, serialised body)
        self._serialised: dict[str, tuple] = {}
        # Flattening (here for SMTP) makes the generator choose the boundary, one that
        # does not occur in the parts, and store it in the Content-Type header.
        self._serialised_for("\r\n")
        self._content_type = mime["Content-Type"]

    def message(self) -> "PreparedMessage":
        return PreparedMessage(self)

    def serialise(self, message: "PreparedMessage", linesep: str) -> bytes | None:
        """The bytes of ``message`` if it still has this body, else None."""
        parts = message.get_payload()
        if (
            message["Content-Type"] != self._content_type
            or message.preamble is not None
            or message.epilogue is not None
            or len(parts) != len(self._parts)
            or any(a is not b for a, b in zip(parts, self._parts, strict=True))
        ):
            return None
        policy, folded, body = self._serialised_for(linesep)
        head = []
        for item in message.raw_items():
            cached = folded.get(item) if isinstance(item[1], str) else None
            head.append(cached or _fold(policy, *item))
        return b"".join(head) + body

    def _serialised_for(self, linesep: str) -> tuple:
        if linesep not in self._serialised:
            whole = _flatten(self.mime, linesep)  # first, as it may set the boundary
            policy = self.mime.policy.clone(linesep=linesep)
            items = list(self.mime.raw_items())
            folded = {item: policy.fold_binary(*item) for item in items}
            head = b"".join(folded[item] for item in items)
            if not whole.startswith(head):  # pragma: no cover - stdlib changed
                raise RuntimeError("unexpected serialisation of a shared message")
            self._serialised[linesep] = (policy, folded, whole[len(head) :])
        return self._serialised[linesep]


@functools.lru_cache(maxsize=16)
def shared_body(
    *, subject: str, body: str, html: str, from_email: str, charset: str
) -> SharedBody:
    """The ``SharedBody`` of a content, built once per process (a content is never
    changed once its rows are queued; the key is the content itself)."""
    return SharedBody(subject=subject, body=body, html=html, from_email=from_email)


class PreparedMessage(SafeMIMEMultipart):
    """One recipient's MIME message over a ``SharedBody``."""

    def __init__(self, shared: SharedBody):
        template = shared.mime
        super().__init__(
            _subtype=template.get_content_subtype(), encoding=template.encoding
        )
        self._headers = list(template._headers)
        self._payload = list(template.get_payload())
        self._shared = shared

    def as_bytes(self, unixfrom=False, linesep="\n"):
        fast = None if unixfrom else self._shared.serialise(self, linesep)
        return fast if fast is not None else super().as_bytes(unixfrom, linesep)


class SharedContentEmail(EmailMultiAlternatives):
    """An e-mail of a shared content to one recipient (see ``SharedBody``).

    The attributes are those of a plain ``EmailMultiAlternatives`` with the text body
    and the HTML alternative, so any backend sees the same message; only
    ``message()`` is cheaper.
    """

    def __init__(self, *, shared: SharedBody, to, headers=None, connection=None):
        super().__init__(
            subject=shared.subject,
            body=shared.body,
            from_email=shared.from_email,
            to=to,
            headers=headers,
            connection=connection,
        )
        self.attach_alternative(shared.html, HTML)
        self.shared = shared

    def _is_plain(self) -> bool:
        """Still exactly the shared content, with no header but the Message-ID."""
        shared = self.shared
        return (
            bool(self.to)
            and not (self.cc or self.reply_to or self.attachments)
            and {name.lower() for name in self.extra_headers} <= {"message-id"}
            and self.subject == shared.subject
            and self.body == shared.body
            and self.from_email == shared.from_email
            and self.encoding == shared.encoding
            and self.content_subtype == "plain"
            and [tuple(a) for a in self.alternatives] == [(shared.html, HTML)]
        )

    def message(self):
        if not self._is_plain():
            return super().message()
        # The per-recipient part of EmailMessage.message(), in the same order.
        msg = self.shared.message()
        msg["To"] = ", ".join(str(address) for address in self.to)
        msg["Date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
        if not self.extra_headers:
            msg["Message-ID"] = make_msgid(domain=DNS_NAME)
        for name, value in self.extra_headers.items():
            msg[name] = value
        return msg


# A plain ASCII address (dot-atom@domain, no display name): Django's
# sanitize_address gives it back unchanged (the tests compare both).
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def _envelope_recipient(address: str, encoding: str) -> str:
    """``sanitize_address(address, encoding)``, cheaply for a plain address."""
    if isinstance(address, str) and _PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, encoding)


def send_over(connection, message: EmailMultiAlternatives) -> None:
    """Send ``message`` over ``connection``, the batch's open e-mail backend.

    A ``SharedContentEmail`` over Django's own SMTP backend, with the SMTP session
    open, goes straight to it, exactly as ``EmailBackend._send`` would send it but
    with the envelope sender worked out once per content. Everything else goes through
    ``message.send()``. SMTP errors are raised as ``message.send()`` raises them.
    """
    smtp = getattr(connection, "connection", None)
    if (
        type(connection) is not SMTPBackend
        or smtp is None
        or not isinstance(message, SharedContentEmail)
        or message.from_email != message.shared.from_email
        or not message.recipients()
    ):
        message.send()
        return
    encoding = message.encoding or settings.DEFAULT_CHARSET
    recipients = [_envelope_recipient(a, encoding) for a in message.recipients()]
    smtp.sendmail(
        message.shared.envelope_sender,
        recipients,
        message.message().as_bytes(linesep="\r\n"),
    )
