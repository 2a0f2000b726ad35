"""The monthly bulletin (Soy 10), with a frozen clock in Bogotá (UTC-5): what the draft
of last month contains, that only an approved edition is sent and only once, that the
fan-out to thousands of people stays cheap per batch and keeps to the provider's rate,
and the management pages of Comunicaciones."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cafe.branding import absolute_url
from cafe.notify import services as notify
from cafe.notify.models import Delivery, MessageContent
from cafe.notify.selectors import pending_shared_ids
from cafe.org.models import User
from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import bulletin, services
from proposals.bulletin_digest import digest
from proposals.models import Bulletin, Proposal
from proposals.tests.factories import ProposalFactory
from sessions_app.models import Minutes, Session, Topic
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db
BOGOTA = ZoneInfo("America/Bogota")
S = Proposal.Status


def at(*args):
    return datetime(*args, tzinfo=BOGOTA)


# Composing on Tuesday 1 December 2026, early in the morning in Bogotá.
COMPOSE_DAY = at(2026, 12, 1, 7, 0)


def session_at(start, *, status=Session.Status.HELD, **kwargs):
    return SessionFactory(
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        registration_opens_at=start - timedelta(days=10),
        registration_closes_at=start - timedelta(hours=2),
        status=status,
        **kwargs,
    )


def conclusions(session, summary, status=Minutes.Status.PUBLISHED):
    return Minutes.objects.create(
        session=session,
        summary=summary,
        agreements=f"Acuerdos de {session.title}",
        status=status,
        published_at=session.ends_at if status == Minutes.Status.PUBLISHED else None,
    )


def proposal(title, **kwargs):
    kwargs.setdefault("author", None)
    kwargs.setdefault("created_at", at(2026, 8, 1, 9, 0))
    return ProposalFactory(title=title, **kwargs)


@pytest.fixture
def frozen():
    """The whole test at the composing day (sessions of the test client included)."""
    with time_machine.travel(COMPOSE_DAY, tick=False) as traveller:
        yield traveller


def compose(when=COMPOSE_DAY):
    with time_machine.travel(when, tick=False):
        return bulletin.compose_bulletin()


def approve(edition, actor=None):
    """Approve through the service; on-commit callbacks (the pump) do not run here."""
    with time_machine.travel(COMPOSE_DAY + timedelta(hours=2), tick=False):
        return bulletin.approve_bulletin(bulletin_id=edition.pk, actor=actor)


def seed_people(count, *, start=0, inactive=0):
    """Bulk-create ``count`` active people (and ``inactive`` inactive ones)."""
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"masivo{n}@prueba.gov.co",
                full_name=f"Persona masiva {n:05d}",
                password=password,
                is_active=n < start + count,
            )
            for n in range(start, start + count + inactive)
        ],
        batch_size=1000,
    )


def active_emails():
    return sorted(User.objects.filter(is_active=True).values_list("email", flat=True))


def csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# --- Composition ---------------------------------------------------------------------


@pytest.fixture
def november():
    """Sessions, conclusions, proposals and campaigns around November 2026."""
    dep = DependencyFactory(name="Dirección de Talento Humano")
    internal = Topic.objects.create(
        name="Campaña Cuidémonos", kind=Topic.Kind.INTERNAL_CAMPAIGN
    )
    external = Topic.objects.create(
        name="Campaña Bogotá Transparente", kind=Topic.Kind.EXTERNAL_CAMPAIGN
    )
    theme = Topic.objects.create(name="Teletrabajo", kind=Topic.Kind.THEME)
    october_campaign = Topic.objects.create(
        name="Campaña de octubre", kind=Topic.Kind.INTERNAL_CAMPAIGN
    )
    cancelled_campaign = Topic.objects.create(
        name="Campaña cancelada", kind=Topic.Kind.EXTERNAL_CAMPAIGN
    )

    # Held in November (Bogotá time); the first starts at 00:30 on 1 November and the
    # last at 23:00 on 30 November (already 1 December in UTC).
    first = session_at(at(2026, 11, 1, 0, 30), title="Sesión del 1 de noviembre")
    conclusions(first, "Conclusión publicada del primero de noviembre.")
    mid = session_at(
        at(2026, 11, 12, 9, 0), title="Sesión del 12 de noviembre", topic=internal
    )
    conclusions(mid, "Conclusión publicada de mediados de noviembre.")
    last = session_at(
        at(2026, 11, 30, 23, 0), title="Sesión del 30 de noviembre", topic=external
    )
    conclusions(last, "Conclusión publicada del último día de noviembre.")
    in_review = session_at(
        at(2026, 11, 20, 9, 0), title="Sesión con conclusiones en revisión", topic=theme
    )
    conclusions(
        in_review, "Borrador que Despacho aún revisa.", Minutes.Status.IN_REVIEW
    )
    draft_minutes = session_at(at(2026, 11, 21, 9, 0), title="Sesión con borrador")
    conclusions(draft_minutes, "Borrador sin enviar.", Minutes.Status.DRAFT)
    # Not held in November: October, December (Bogotá), and a cancelled one.
    october = session_at(
        at(2026, 10, 31, 23, 30), title="Sesión de octubre", topic=october_campaign
    )
    conclusions(october, "Conclusión publicada de octubre.")
    december = session_at(at(2026, 12, 1, 0, 30), title="Sesión de diciembre")
    conclusions(december, "Conclusión publicada de diciembre.")
    session_at(
        at(2026, 11, 18, 9, 0),
        title="Sesión cancelada",
        status=Session.Status.CANCELLED,
        topic=cancelled_campaign,
    )
    upcoming = session_at(
        at(2026, 12, 10, 9, 0), title="Sesión próxima", status=Session.Status.PUBLISHED
    )

    done = {"outcome": "Se hizo", "impact": "Todo el personal", "due_date": None}
    implemented = [
        proposal(
            "Implementada el 1 de noviembre",
            status=S.IMPLEMENTED,
            implemented_at=at(2026, 11, 1, 0, 10),
            accepted_at=at(2026, 9, 1, 9, 0),
            responsible_dependency=dep,
            **done,
        ),
        proposal(
            "Implementada el 30 de noviembre por la noche",
            status=S.IMPLEMENTED,
            implemented_at=at(2026, 11, 30, 23, 30),
            accepted_at=at(2026, 9, 2, 9, 0),
            **done,
        ),
    ]
    proposal(
        "Implementada pero oculta",
        status=S.IMPLEMENTED,
        implemented_at=at(2026, 11, 15, 9, 0),
        accepted_at=at(2026, 9, 3, 9, 0),
        is_hidden=True,
        **done,
    )
    proposal(
        "Implementada en octubre",
        status=S.IMPLEMENTED,
        implemented_at=at(2026, 10, 31, 23, 0),
        accepted_at=at(2026, 9, 4, 9, 0),
        **done,
    )
    proposal(
        "Implementada en diciembre",
        status=S.IMPLEMENTED,
        implemented_at=at(2026, 12, 1, 0, 5),
        accepted_at=at(2026, 9, 5, 9, 0),
        **done,
    )
    promise = {"commitment": "Lo haremos", "due_date": date(2027, 3, 31)}
    accepted = [
        proposal(
            "Aceptada en noviembre",
            status=S.ACCEPTED,
            accepted_at=at(2026, 11, 3, 10, 0),
            responsible_dependency=dep,
            **promise,
        ),
        proposal(
            "Aceptada en noviembre y ya en implementación",
            status=S.IN_PROGRESS,
            accepted_at=at(2026, 11, 30, 22, 0),
            **promise,
        ),
    ]
    proposal(
        "Aceptada en octubre",
        status=S.ACCEPTED,
        accepted_at=at(2026, 10, 31, 20, 0),
        **promise,
    )
    proposal(
        "Aceptada en noviembre pero oculta",
        status=S.ACCEPTED,
        accepted_at=at(2026, 11, 10, 10, 0),
        is_hidden=True,
        **promise,
    )
    return {
        "held": [first, mid, in_review, draft_minutes, last],
        "published": [first, mid, last],
        "implemented": implemented,
        "accepted": accepted,
        "upcoming": upcoming,
    }


def test_the_draft_of_december_tells_exactly_november(november):
    edition, created = compose()
    assert created
    assert edition.status == Bulletin.Status.DRAFT
    assert (edition.period_start, edition.period_end) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    data = edition.data
    assert data["period"] == {"start": "2026-11-01", "end": "2026-11-30"}

    # Held sessions of November, in order; conclusions only when published.
    assert [s["title"] for s in data["sessions"]] == [s.title for s in november["held"]]
    told = {s["title"]: s["conclusions"] for s in data["sessions"] if s["conclusions"]}
    assert told == {s.title: s.minutes.summary for s in november["published"]}
    assert data["sessions"][-1]["date"] == "30/11/2026"  # Bogotá, not UTC
    everything = json.dumps(data, ensure_ascii=False)
    for absent in (
        "Borrador que Despacho aún revisa.",
        "Borrador sin enviar.",
        "Conclusión publicada de octubre.",
        "Conclusión publicada de diciembre.",
        "Sesión de octubre",
        "Sesión de diciembre",
        "Sesión cancelada",
    ):
        assert absent not in everything

    assert [p["title"] for p in data["implemented"]] == [
        p.title for p in november["implemented"]
    ]
    assert data["implemented"][0]["dependency"] == "Dirección de Talento Humano"
    assert data["implemented"][0]["url"].endswith(
        f"/propuestas/{november['implemented'][0].pk}/"
    )
    assert [c["title"] for c in data["commitments"]] == [
        p.title for p in november["accepted"]
    ]
    assert data["commitments"][0]["due"] == "31/03/2027"
    assert [c["name"] for c in data["campaigns"]] == [
        "Campaña Bogotá Transparente",
        "Campaña Cuidémonos",
    ]
    assert [s["title"] for s in data["upcoming"]] == ["Sesión próxima"]


def test_the_email_tells_a_digest_and_the_web_edition_everything(
    november, settings, login, comunicaciones
):
    settings.PROPOSALS_BULLETIN_SECTION_ITEMS = 1
    first, last = november["implemented"]
    for person in UserFactory.create_batch(3):
        services.support_proposal(proposal=last, user=person)

    edition, _created = compose()
    # The edition itself is complete: exactly last month.
    assert [p["title"] for p in edition.data["implemented"]] == [
        first.title,
        last.title,
    ]
    assert len(edition.data["sessions"]) == 5

    # The e-mail: the most supported proposal, a session with published conclusions,
    # and how many more the web edition has.
    _subject, text, html = bulletin.render(edition)
    assert last.title in text and first.title not in text
    assert "Se muestran 1 de 2 propuestas." in text
    assert "Se muestran 1 de 5 sesiones." in html
    assert november["published"][0].minutes.summary in text
    web = f"/propuestas/boletin/{edition.pk}/"
    edition_url = absolute_url(web)
    assert f"Lea la edición completa: {edition_url}" in text
    assert "de 1 sesiones" not in text  # a list within the limit says nothing more

    # The preview shows what the e-mail tells; the web edition shows everything.
    client = login(comunicaciones)
    preview = client.get(f"/propuestas/boletin/{edition.pk}/editar/").content
    assert first.title not in preview.decode() and last.title in preview.decode()
    page = client.get(web).content.decode()
    assert first.title in page and last.title in page
    assert "Se muestran" not in page


def test_the_preview_shows_each_new_note_and_recomposition(
    november, settings, login, comunicaciones, frozen
):
    """A new note or a recomposition shows at once in the preview."""
    settings.PROPOSALS_BULLETIN_SECTION_ITEMS = 1
    edition, _created = compose()
    client = login(comunicaciones)
    url = f"/propuestas/boletin/{edition.pk}/editar/"
    assert "Se muestran 1 de 5 sesiones." in client.get(url).content.decode()

    client.post(url, {"note": "Gracias a **todas** las dependencias."})
    assert "<strong>todas</strong>" in client.get(url).content.decode()

    late = session_at(at(2026, 11, 20, 9, 0), title="Sesión registrada tarde")
    conclusions(late, "Conclusiones que llegaron tarde")
    client.post(url, {"note": "Nota", "accion": "recomponer"})
    edition.refresh_from_db()
    assert edition.data_version == 2
    assert "Se muestran 1 de 6 sesiones." in client.get(url).content.decode()

    settings.PROPOSALS_BULLETIN_SECTION_ITEMS = 10
    assert "Sesión registrada tarde" in client.get(url).content.decode()


def test_the_email_digest_is_kept_with_the_content(november, settings):
    """The preview reads the digest stored with the edition; every write of the
    content writes it again."""
    settings.PROPOSALS_BULLETIN_SECTION_ITEMS = 1
    edition, _created = compose()
    edition.refresh_from_db()
    assert edition.digest == digest(edition.data, 1)
    assert edition.digest["totals"]["sessions"] == 5
    assert len(edition.digest["sessions"]) == 1

    late = session_at(at(2026, 11, 20, 9, 0), title="Sesión registrada tarde")
    conclusions(late, "Conclusiones que llegaron tarde")
    bulletin.refresh_draft(bulletin_id=edition.pk)
    edition.refresh_from_db()
    assert edition.digest["totals"]["sessions"] == 6
    assert edition.digest == digest(edition.data, 1)


def test_composing_again_returns_the_same_edition(november):
    edition, created = compose()
    assert created
    # Conclusions published late do not change the frozen content by themselves.
    late = november["held"][2].minutes
    late.status = Minutes.Status.PUBLISHED
    late.save()
    again, created_again = compose(at(2026, 12, 20, 16, 0))
    assert not created_again
    assert again.pk == edition.pk
    assert again.data == edition.data
    assert Bulletin.objects.count() == 1
    # Comunicaciones can recompose the draft on purpose.
    refreshed = bulletin.refresh_draft(bulletin_id=edition.pk)
    assert "Borrador que Despacho aún revisa." in json.dumps(
        refreshed.data, ensure_ascii=False
    )
    assert Bulletin.objects.count() == 1


def test_the_month_is_the_previous_one_in_bogota():
    # 22:00 on 30 November in Bogotá is already 1 December in UTC: still October.
    october, _created = compose(at(2026, 11, 30, 22, 0))
    assert october.period_start == date(2026, 10, 1)
    assert october.period_end == date(2026, 10, 31)
    november, created = compose(at(2026, 12, 1, 0, 30))
    assert created
    assert (november.period_start, november.period_end) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
    january, _created = compose(at(2027, 1, 1, 6, 0))
    assert (january.period_start, january.period_end) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert Bulletin.objects.count() == 3


def test_a_commitment_dropped_in_the_same_month_is_not_announced():
    proposal(
        "Aceptada y luego declarada no viable",
        status=S.NOT_VIABLE,
        accepted_at=at(2026, 11, 3, 10, 0),
        closed_at=at(2026, 11, 20, 10, 0),
        commitment="Lo haremos",
        closing_reason="No hay presupuesto",
        due_date=date(2027, 3, 31),
    )
    edition, _created = compose()
    assert edition.data["commitments"] == []


# --- Only approved editions are sent, once ------------------------------------------


def test_a_draft_is_never_sent(mailoutbox, comunicaciones, servidor):
    edition, _created = compose()
    for minutes in (0, 5, 120):
        with time_machine.travel(COMPOSE_DAY + timedelta(minutes=minutes), tick=False):
            assert notify.pump_shared(limit=0) == 0
            assert notify.sweep_pending() == 0
    with pytest.raises(ValidationError):
        bulletin.fan_out(edition)
    # Approved by hand but without its rendered e-mail: still refused.
    edition.status = Bulletin.Status.APPROVED
    with pytest.raises(ValidationError):
        bulletin.fan_out(edition)
    assert not MessageContent.objects.exists()
    # A draft with its e-mail already rendered is refused too.
    edition.refresh_from_db()
    subject, text, html = bulletin.render(edition)
    edition.content = MessageContent.objects.create(
        key="vista-previa", subject=subject, body_text=text, body_html=html
    )
    edition.save()
    with pytest.raises(ValidationError):
        bulletin.fan_out(edition)
    assert notify.pump_shared(limit=0) == 0
    assert not Delivery.objects.exists()
    assert mailoutbox == []
    edition.refresh_from_db()
    assert edition.status == Bulletin.Status.DRAFT
    assert edition.recipients == 0


def test_approving_twice_sends_once_to_every_active_person(
    frozen,
    login,
    comunicaciones,
    servidor,
    enlace,
    despacho,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    quiet = UserFactory(wants_invitations=False, wants_reminders=False)
    gone = UserFactory(is_active=False)
    edition, _created = compose()
    client = login(comunicaciones)
    url = f"/propuestas/boletin/{edition.pk}/aprobar/"
    frozen.shift(timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    frozen.shift(timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == f"/propuestas/boletin/{edition.pk}/editar/"

    recipients = sorted(address for m in mailoutbox for address in m.to)
    assert recipients == active_emails()
    assert len(recipients) == len(set(recipients)) == 5
    assert quiet.email in recipients  # the bulletin has no opt-out
    assert gone.email not in recipients
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert {m.subject for m in mailoutbox} == {
        "Soy 10: lo que pasó en Un Café con el Secretario (noviembre 2026)"
    }
    edition.refresh_from_db()
    assert edition.approved_by == comunicaciones
    assert edition.recipients == 5
    assert MessageContent.objects.count() == 1
    assert Delivery.objects.filter(content=edition.content).count() == 5
    assert set(Delivery.objects.values_list("state", flat=True)) == {"enviado"}

    # Neither the service, a second fan-out nor the pump send anything more.
    bulletin.approve_bulletin(bulletin_id=edition.pk, actor=comunicaciones)
    assert bulletin.fan_out(edition) == 5
    assert notify.pump_shared(limit=0) == 0
    assert len(mailoutbox) == 5
    assert Delivery.objects.count() == 5


# --- Fan-out at scale -----------------------------------------------------------------


def queries_of_batch(ids) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = notify.deliver_batch(delivery_ids=ids)
    assert result == {"sent": len(ids), "failed": 0, "pending": 0}
    assert set(Delivery.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        Delivery.State.SENT
    }
    return len(captured.captured_queries)


def test_fan_out_to_3000_people_and_queries_per_batch_do_not_grow(mailoutbox):
    # A small edition first: batches of 50 and 10 out of 60 recipients.
    seed_people(60, inactive=5)
    october, _created = compose(at(2026, 11, 2, 8, 0))
    october = approve(october, actor=User.objects.first())
    assert Delivery.objects.filter(content=october.content).count() == 60
    small = pending_shared_ids(limit=None)
    small_50 = queries_of_batch(small[:50])
    small_10 = queries_of_batch(small[50:60])

    # Then the November edition to 3,000 people.
    seed_people(2940, start=65)
    assert User.objects.filter(is_active=True).count() == 3000
    november, _created = compose()
    november = approve(november, actor=User.objects.first())
    rows = Delivery.objects.filter(content=november.content)
    assert rows.count() == 3000
    assert november.recipients == 3000
    assert rows.values("recipient").distinct().count() == 3000
    assert not rows.filter(recipient__is_active=False).exists()
    assert bulletin.fan_out(november) == 3000
    assert rows.count() == 3000  # the second fan-out created nothing

    big = pending_shared_ids(limit=None)
    assert len(big) == 3000
    big_50 = queries_of_batch(big[:50])
    big_10 = queries_of_batch(big[50:60])
    # Each accepted message is marked sent at once (one UPDATE each, so a crash repeats
    # at most the message in flight); the rest of a batch does not grow with it.
    assert small_50 - 50 == big_50 - 50 == small_10 - 10 == big_10 - 10
    assert big_50 - 50 <= 4  # a handful: claim, read rows, read the content
    assert len(mailoutbox) == 60 + 60
    assert rows.filter(state=Delivery.State.PENDING).count() == 2940
    assert len({(m.subject, m.to[0]) for m in mailoutbox}) == 120  # no duplicates


def test_the_pump_keeps_to_the_rate_and_the_batch_size(settings, monkeypatch):
    seed_people(120)
    edition, _created = compose()
    edition = approve(edition)
    batches = []
    real = notify.deliver_batch

    def spy(*, delivery_ids):
        batches.append(len(delivery_ids))
        return real(delivery_ids=delivery_ids)

    monkeypatch.setattr(notify, "deliver_batch", spy)
    settings.NOTIFY_BULK_RATE_PER_MINUTE = 30
    settings.NOTIFY_BULK_BATCH_SIZE = 50
    pending = Delivery.objects.filter(state=Delivery.State.PENDING)

    assert notify.pump_shared() == 30  # one minute at the provider's rate
    assert batches == [30]
    assert pending.count() == 90
    assert notify.pump_shared(limit=70) == 70
    assert batches == [30, 50, 20]
    assert pending.count() == 20
    settings.NOTIFY_BULK_BATCH_SIZE = 8
    assert notify.pump_shared(limit=100) == 20
    assert batches == [30, 50, 20, 8, 8, 4]
    assert notify.pump_shared(limit=0) == 0
    assert batches == [30, 50, 20, 8, 8, 4]
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 120


# --- Management pages -------------------------------------------------------------


def test_progress_failed_recipients_and_retry(
    frozen,
    login,
    comunicaciones,
    smtp_settings,
    django_capture_on_commit_callbacks,
):
    people = [UserFactory() for _ in range(3)]
    edition, _created = compose()
    client = login(comunicaciones)
    # The mail server refuses the first recipient for good.
    smtp_settings.fail_next("550 5.1.1 Buzon inexistente", stage="RCPT")
    frozen.shift(timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/propuestas/boletin/{edition.pk}/aprobar/")
    failed = Delivery.objects.get(state=Delivery.State.FAILED)
    assert "550" in failed.last_error
    assert len(smtp_settings.messages) == 3
    assert failed.to_email in {p.email for p in [*people, comunicaciones]}

    page = client.get(f"/propuestas/boletin/{edition.pk}/editar/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Enviados: 3 · Pendientes: 0 · Fallidos: 1" in text
    assert "4 destinatarios" in text
    assert failed.to_email in text
    assert "550 5.1.1 Buzon inexistente" in text
    retry_url = f"/propuestas/boletin/{edition.pk}/reintentar/{failed.pk}/"
    assert retry_url in text
    fragment = client.get(f"/propuestas/boletin/{edition.pk}/progreso/")
    assert "Fallidos: 1" in fragment.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url)
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == Delivery.State.SENT
    assert len(smtp_settings.messages) == 4
    assert smtp_settings.messages[-1]["To"] == failed.to_email
    text = client.get(f"/propuestas/boletin/{edition.pk}/editar/").content.decode()
    assert "Enviados: 4 · Pendientes: 0 · Fallidos: 0" in text
    assert "Envío terminado" in text
    assert retry_url not in text
    # Retrying a row that was sent does not send it again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry_url)
    assert len(smtp_settings.messages) == 4
    # A delivery of another message cannot be retried through this edition.
    other = Delivery.objects.create(
        idempotency_key="otro",
        kind="otro",
        to_email="x@prueba.gov.co",
        subject="Otro",
        state=Delivery.State.FAILED,
    )
    foreign = f"/propuestas/boletin/{edition.pk}/reintentar/{other.pk}/"
    assert client.post(foreign).status_code == 404
    other.refresh_from_db()
    assert other.state == Delivery.State.FAILED
    edition.refresh_from_db()
    assert edition.status == Bulletin.Status.APPROVED


def test_who_may_see_what(frozen, login, comunicaciones, servidor):
    draft, _created = compose()
    boss = login(comunicaciones)
    staff = login(servidor)
    base = f"/propuestas/boletin/{draft.pk}"
    for url in (f"{base}/editar/", f"{base}/correo/", f"{base}/progreso/"):
        assert staff.get(url).status_code == 403
        assert boss.get(url).status_code == 200
    compose_url = "/propuestas/boletin/componer/"
    for url in (f"{base}/aprobar/", f"{base}/reintentar/1/", compose_url):
        assert staff.post(url).status_code == 403
    assert staff.get(f"{base}/").status_code == 404
    assert boss.get(f"{base}/").status_code == 200
    assert f'href="{base}/"' not in staff.get("/propuestas/boletin/").content.decode()

    approve(draft, actor=comunicaciones)
    page = staff.get(f"{base}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sesiones realizadas" in text
    assert staff.get("/propuestas/boletin/").status_code == 200
    assert f'href="{base}/"' in staff.get("/propuestas/boletin/").content.decode()
    assert staff.get(f"{base}/editar/").status_code == 403


def test_the_email_preview_allows_inline_styles_but_no_scripts(
    frozen, login, comunicaciones
):
    edition, _created = compose()
    client = login(comunicaciones)
    draft_preview = client.get(f"/propuestas/boletin/{edition.pk}/correo/")
    assert draft_preview.status_code == 200
    _subject, _text, html = bulletin.render(edition)
    assert draft_preview.content.decode() == html

    edition = approve(edition, actor=comunicaciones)
    response = client.get(f"/propuestas/boletin/{edition.pk}/correo/")
    assert response.status_code == 200
    assert response.content.decode() == edition.content.body_html
    assert 'style="' in edition.content.body_html
    assert "<script" not in edition.content.body_html.lower()
    policy = csp(response)
    assert "'unsafe-inline'" in policy["style-src"]
    script = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in script
    assert "'unsafe-eval'" not in script
    assert "*" not in script
    # The rest of the site keeps the strict policy.
    strict = csp(client.get(f"/propuestas/boletin/{edition.pk}/editar/"))
    assert "'unsafe-inline'" not in strict["style-src"]


def test_delivered_through_a_real_smtp_server(
    smtp_settings, comunicaciones, django_capture_on_commit_callbacks
):
    people = [UserFactory() for _ in range(3)]
    UserFactory(is_active=False)
    edition, _created = compose()
    with django_capture_on_commit_callbacks(execute=True):
        approve(edition, actor=comunicaciones)
    messages = smtp_settings.messages
    assert sorted(m["To"] for m in messages) == sorted(
        p.email for p in [*people, comunicaciones]
    )
    for message in messages:
        assert "Soy 10" in message["Subject"]
        assert "noviembre 2026" in message["Subject"]
        html = message.get_body(preferencelist=("html",))
        text = message.get_body(preferencelist=("plain",))
        assert html is not None and html.get_content_type() == "text/html"
        assert text is not None and text.get_content_type() == "text/plain"
        assert "Sesiones realizadas" in html.get_content()
        assert "SESIONES REALIZADAS" in text.get_content()
        assert f"/propuestas/boletin/{edition.pk}/" in text.get_content()
    assert len({m["Message-ID"] for m in messages}) == 4
    assert set(Delivery.objects.values_list("state", flat=True)) == {"enviado"}
