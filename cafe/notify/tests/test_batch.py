"""The batch path of shared contents (bulletins, invitations): one MIME body built once
and reused byte for byte, the envelope worked out as Django's SMTP backend does, and a
claim that PostgreSQL plans through the primary key."""

import random
import string
from email import message_from_bytes, policy
from email.policy import compat32

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText, sanitize_address
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from cafe.notify import mime, services
from cafe.notify.models import Delivery, MessageContent

pytestmark = pytest.mark.django_db

HTML = "<p>Hola, <strong>Bogotá</strong>: así quedó el mes.</p>\n"
TEXT = "Hola, Bogotá: así quedó el mes.\n" + "Línea larga " * 120 + "\n.\nFrom here\n"


@pytest.fixture(autouse=True)
def fresh_bodies():
    mime.shared_body.cache_clear()
    yield
    mime.shared_body.cache_clear()


def shared_rows(count, *, key="boletin", html=HTML):
    content = MessageContent.objects.create(
        key=key,
        subject="Soy 10: lo que pasó en el Café (noviembre 2026)",
        body_text=TEXT,
        body_html=html,
    )
    services.queue_shared(
        content=content,
        recipients=[
            (f"{key}:{n}", f"persona{n}@prueba.gov.co", None) for n in range(count)
        ],
        kind="bulletin",
    )
    return list(
        Delivery.objects.filter(content=content)
        .select_related("content")
        .order_by("pk")
    )


def parsed(data: bytes):
    return message_from_bytes(data, policy=policy.default)


def test_the_shared_message_is_the_standard_message(settings):
    settings.EMAIL_USE_LOCALTIME = False
    delivery = shared_rows(1)[0]
    email = services.build_message(delivery, reuse_body=True)
    assert isinstance(email, mime.SharedContentEmail)
    # The attributes any backend sees are those of the plain message.
    plain = services.build_message(delivery)
    for attribute in ("subject", "body", "from_email", "to", "extra_headers"):
        assert getattr(email, attribute) == getattr(plain, attribute)
    assert [tuple(a) for a in email.alternatives] == [(HTML, "text/html")]

    prepared = email.message()
    assert isinstance(prepared, mime.PreparedMessage)
    for linesep in ("\n", "\r\n"):
        # Byte for byte what the standard generator writes for the same message.
        assert prepared.as_bytes(linesep=linesep) == mime._flatten(prepared, linesep)

    ours = parsed(prepared.as_bytes())
    theirs = parsed(EmailMultiAlternatives.message(plain).as_bytes())
    assert list(ours.keys()) == list(theirs.keys())
    for name in ("Subject", "From", "To", "Message-ID", "MIME-Version"):
        assert ours[name] == theirs[name]
    assert ours.get_content_type() == theirs.get_content_type()
    assert [(p.get_content_type(), p.get_content()) for p in ours.iter_parts()] == [
        (p.get_content_type(), p.get_content()) for p in theirs.iter_parts()
    ]


def test_every_recipient_gets_its_own_headers_over_the_same_body():
    rows = shared_rows(3)
    messages = [services.build_message(d, reuse_body=True).message() for d in rows]
    bodies = {m.as_bytes().split(b"\n\n", 1)[1] for m in messages}
    assert len(bodies) == 1
    assert [m["To"] for m in messages] == [d.to_email for d in rows]
    assert len({m["Message-ID"] for m in messages}) == 3
    assert [m["Message-ID"] for m in messages] == [
        services._message_id(d) for d in rows
    ]


def test_anything_unusual_goes_through_django():
    delivery = shared_rows(1)[0]
    email = services.build_message(delivery, reuse_body=True)
    email.cc = ["copia@prueba.gov.co"]
    assert not isinstance(email.message(), mime.PreparedMessage)
    assert email.message()["Cc"] == "copia@prueba.gov.co"

    email = services.build_message(delivery, reuse_body=True)
    email.subject = "Otro asunto"
    assert parsed(email.message().as_bytes())["Subject"] == "Otro asunto"

    # A prepared message changed after message() is still serialised correctly.
    prepared = services.build_message(delivery, reuse_body=True).message()
    prepared["X-Extra"] = "sí, con tilde"
    assert prepared.as_bytes() == mime._flatten(prepared, "\n")
    prepared.attach(SafeMIMEText("Una parte más.", "plain", "utf-8"))
    assert prepared.as_bytes() == mime._flatten(prepared, "\n")
    assert len(list(parsed(prepared.as_bytes()).iter_parts())) == 3


def test_rows_without_html_or_with_attachments_use_the_standard_message():
    plain_text = shared_rows(1, key="texto", html="")[0]
    assert not isinstance(
        services.build_message(plain_text, reuse_body=True), mime.SharedContentEmail
    )
    attached = shared_rows(1, key="adjunto")[0]
    attached.attachments = [
        services.Attachment("a.txt", "hola", "text/plain").to_json()
    ]
    email = services.build_message(attached, reuse_body=True)
    assert not isinstance(email, mime.SharedContentEmail)
    assert email.attachments


def test_folding_matches_the_standard_policy():
    rnd = random.Random(7)
    values = [
        "persona1@prueba.gov.co",
        "Tue, 01 Dec 2026 11:15:33 -0500",
        "<cafe.1.0123456789abcdef@secretariageneral.gov.co>",
        " espacio al inicio",
        "espacio al final ",
        "dos  espacios",
        "x" * 74,
        "x" * 75,
        "x " * 50,
        "ñandú@prueba.gov.co",
        "a\tb",
    ]
    values += [
        "".join(rnd.choice(string.printable[:95]) for _ in range(rnd.randint(1, 100)))
        for _ in range(500)
    ]
    for linesep in ("\n", "\r\n"):
        folding = compat32.clone(linesep=linesep)
        for name in ("To", "Date", "Message-ID"):
            for value in values:
                assert mime._fold(folding, name, value) == folding.fold_binary(
                    name, value
                ), (name, value)


@pytest.mark.parametrize(
    "address",
    [
        "persona1@prueba.gov.co",
        "Persona.Uno+boletin@Prueba.GOV.co",
        "x_y-z!#$%&'*/=?^`{|}~@sub-1.dominio.gov.co",
        "a@b",
        "ana@ñandú.gov.co",
        "Ana Pérez <ana@prueba.gov.co>",
        '"ana pérez"@prueba.gov.co',
        "josé@prueba.gov.co",
    ],
)
def test_envelope_recipients_are_what_django_would_send(address):
    assert mime._envelope_recipient(address, "utf-8") == sanitize_address(
        address, "utf-8"
    )


def test_a_content_is_built_once_for_all_its_batches(monkeypatch, mailoutbox):
    built = []
    real = mime.SharedBody.__init__

    def spy(self, **kwargs):
        built.append(kwargs["subject"])
        real(self, **kwargs)

    monkeypatch.setattr(mime.SharedBody, "__init__", spy)
    rows = shared_rows(7)
    ids = [d.pk for d in rows]
    assert services.deliver_batch(delivery_ids=ids[:4])["sent"] == 4
    assert services.deliver_batch(delivery_ids=ids[4:])["sent"] == 3
    assert len(built) == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(d.to_email for d in rows)


def test_a_batch_through_a_real_smtp_server(smtp_settings):
    rows = shared_rows(5)
    smtp_settings.fail_next("451 4.3.0 Intente luego", stage="DATA")
    smtp_settings.fail_next("550 5.1.1 Buzon inexistente", stage="RCPT")
    result = services.deliver_batch(delivery_ids=[d.pk for d in rows])
    assert result == {"sent": 3, "failed": 1, "pending": 1}
    received = smtp_settings.messages
    assert len(received) == 3
    for message in received:
        assert "Soy 10: lo que pasó" in message["Subject"]
        for kind, sent in (("html", HTML), ("plain", TEXT)):
            part = message.get_body(preferencelist=(kind,))
            assert part.get_content().replace("\r\n", "\n") == sent
    states = dict(Delivery.objects.values_list("to_email", "state"))
    assert sorted(states.values()) == ["enviado"] * 3 + ["fallido", "pendiente"]
    # The row left pending goes out in the next round, and nothing twice.
    again = services.deliver_batch(delivery_ids=[d.pk for d in rows])
    assert again == {"sent": 1, "failed": 0, "pending": 0}
    assert len(smtp_settings.messages) == 4
    assert len({m["To"] for m in smtp_settings.messages}) == 4
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 4


def test_the_claim_is_planned_through_the_primary_key(postgres):
    # Statistics taken when nothing was pending (the usual state of the table), then a
    # fan-out: a pending index would look tiny and be scanned for every batch.
    old = shared_rows(300, key="anterior")
    Delivery.objects.filter(pk__in=[d.pk for d in old]).update(
        state=Delivery.State.SENT
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notify_delivery")
    ids = [d.pk for d in shared_rows(300, key="nuevo")][:50]
    now = timezone.now()
    # The WHERE clause of deliver_batch's claim.
    claim = (
        Delivery.objects.filter(pk__in=ids, state=Delivery.State.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by()
    )
    plan = claim.explain()
    assert "notify_pending" not in plan, plan
    assert claim.update(claimed_until=now) == 50
