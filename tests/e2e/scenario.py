"""A small, complete world for the browser tests: every role, sessions in every
state, proposals along the whole flow, bulletins and outbox rows."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from cafe.notify.models import Delivery
from cafe.testing.factories import DependencyFactory, UserFactory
from proposals import bulletin
from proposals import services as proposal_services
from proposals.models import Bulletin, Proposal
from proposals.tests.factories import ProposalFactory
from sessions_app import services as session_services
from sessions_app.models import Feedback, Session
from sessions_app.tests.factories import (
    RegistrationFactory,
    SessionFactory,
    TopicFactory,
    held_session,
)

PASSWORD = "clave-de-prueba-2026"  # the factories' password


def build() -> dict:
    talent = DependencyFactory(name="Dirección de Talento Humano", acronym="DTH")
    other = DependencyFactory(name="Oficina Asesora de Planeación", acronym="OAP")
    people = {
        "servidor": UserFactory(
            full_name="Laura Martínez", email="laura@prueba.gov.co", dependency=talent
        ),
        "comunicaciones": UserFactory(
            full_name="Andrés Gómez",
            email="andres@prueba.gov.co",
            role="Comunicaciones",
        ),
        "despacho": UserFactory(
            full_name="Carlos Restrepo", email="carlos@prueba.gov.co", role="Despacho"
        ),
        "enlace": UserFactory(
            full_name="Diana Cárdenas",
            email="diana@prueba.gov.co",
            role="Enlace de dependencia",
            dependency=talent,
            liaison_of=talent,
        ),
        "admin": UserFactory(
            full_name="Mesa TIC",
            email="tic@prueba.gov.co",
            is_superuser=True,
            is_staff=True,
        ),
    }
    colleagues = UserFactory.create_batch(6, dependency=talent)
    topic = TopicFactory(name="Bienestar laboral", kind="campana_interna")
    now = timezone.now()
    published = SessionFactory(
        title="Café con Talento Humano", dependency=talent, topic=topic, capacity=3
    )
    entity = SessionFactory(
        title="Encuentro temático digital",
        format=Session.Format.VIRTUAL,
        place="",
        meeting_url="https://reuniones.prueba.gov.co/cafe",
        starts_at=(now + timedelta(days=20)).replace(second=0, microsecond=0),
    )
    draft = SessionFactory(
        title="Borrador de diciembre", dependency=other, status="borrador"
    )
    SessionFactory(title="Sesión cancelada", status="cancelada", cancel_reason="Agenda")
    held = held_session(title="Café con Planeación", dependency=talent, topic=topic)
    review = held_session(title="Café en revisión", dependency=other)
    RegistrationFactory(session=published, user=people["servidor"])
    RegistrationFactory(session=published, user=colleagues[0])
    for person in [people["servidor"], *colleagues[:5]]:
        RegistrationFactory(session=held, user=person, checked_in_at=held.starts_at)
    for person in colleagues[:5]:
        Feedback.objects.create(
            session=held, user=person, felt_heard=4, useful=5, trust=3
        )
    comunicaciones, despacho = people["comunicaciones"], people["despacho"]
    session_services.save_minutes(
        session_id=held.pk,
        actor=comunicaciones,
        data={"summary": "Se acordaron **tres** prioridades.", "agreements": "- Mesa"},
    )
    session_services.submit_minutes(session_id=held.pk, actor=comunicaciones)
    session_services.approve_minutes(session_id=held.pk, actor=despacho)
    session_services.save_minutes(
        session_id=review.pk, actor=comunicaciones, data={"summary": "Pendiente."}
    )
    session_services.submit_minutes(session_id=review.pk, actor=comunicaciones)

    received = ProposalFactory(
        title="Viáticos sin papel", author=colleagues[1], session=held, topic=topic
    )
    accepted = ProposalFactory(title="Pausas activas", author=people["servidor"])
    proposal_services.change_status(
        proposal_id=accepted.pk,
        actor=despacho,
        new_status="en_analisis",
        note="Revisión",
    )
    proposal_services.accept_proposal(
        proposal_id=accepted.pk,
        actor=despacho,
        commitment="Pausas guiadas diarias",
        due_date=None,
        note="Aceptada",
        dependency=talent,
    )
    hidden = ProposalFactory(title="Oculta por moderación", is_hidden=True)
    _queued, code = proposal_services.submit_proposal(
        user=colleagues[2],
        kind="pregunta",
        title="¿Habrá teletrabajo?",
        text="Queremos saber si se mantiene el teletrabajo los viernes.",
        anonymous=True,
    )
    (anonymous,) = proposal_services.publish_anonymous_batch()
    draft_bulletin, _ = bulletin.compose_bulletin()
    sent_bulletin = Bulletin.objects.create(
        period_start=draft_bulletin.period_start - timedelta(days=31),
        period_end=draft_bulletin.period_start - timedelta(days=1),
        data=draft_bulletin.data,
    )
    bulletin.approve_bulletin(bulletin_id=sent_bulletin.pk, actor=comunicaciones)
    Delivery.objects.filter(kind="bulletin").update(state=Delivery.State.SENT)
    Delivery.objects.create(
        idempotency_key="fallido:1",
        kind="test",
        to_email="rebota@prueba.gov.co",
        subject="Prueba",
        body_text="Texto",
        state=Delivery.State.FAILED,
        last_error="550 buzón inexistente",
    )
    return {
        **people,
        "talent": talent,
        "other": other,
        "colleagues": colleagues,
        "published": published,
        "entity": entity,
        "draft": draft,
        "held": held,
        "review": review,
        "received": received,
        "accepted": accepted,
        "hidden": hidden,
        "anonymous": anonymous,
        "code": code,
        "draft_bulletin": draft_bulletin,
        "sent_bulletin": sent_bulletin,
        "groups": list(Group.objects.values_list("name", flat=True)),
        "Proposal": Proposal,
    }
