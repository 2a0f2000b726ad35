"""Demo proposals in every status, with supports and follow-up."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cafe.common.business_days import add_business_days
from cafe.org.models import Dependency
from sessions_app.models import Session, Topic

from . import services
from .bulletin import compose_bulletin
from .models import Proposal
from .services.commitments import MAX_BUSINESS_DAYS, agreement_due_date

IDEAS = [
    (
        "propuesta",
        "Viáticos sin papel",
        "Tramitar los viáticos en línea, con firma digital, "
        "para no imprimir formatos ni esperar tres firmas físicas.",
    ),
    (
        "inquietud",
        "Calor en el piso 4",
        "En las tardes el piso 4 supera los 28 grados y no "
        "hay ventilación: afecta la concentración y la salud.",
    ),
    (
        "pregunta",
        "¿Habrá teletrabajo los viernes?",
        "Queremos saber si se mantendrá el "
        "esquema de teletrabajo los viernes durante el próximo año.",
    ),
    (
        "propuesta",
        "Pausas activas guiadas",
        "Programar pausas activas de diez minutos a "
        "media mañana, guiadas por Talento Humano.",
    ),
    (
        "propuesta",
        "Turnos de atención escalonados",
        "Escalonar los turnos de almuerzo en "
        "los puntos de atención para no cerrar ventanillas.",
    ),
    (
        "inquietud",
        "Sillas en mal estado",
        "Varias sillas de la sala de servicio están "
        "rotas y generan dolor de espalda al final del día.",
    ),
]


def seed_proposals(stdout) -> None:
    if Proposal.objects.exists():
        return
    User = get_user_model()
    despacho = User.objects.filter(groups__name="Despacho").first()
    enlace = User.objects.filter(groups__name="Enlace de dependencia").first()
    staff = list(User.objects.filter(groups__name="Servidor", is_superuser=False)[:30])
    sessions = list(
        Session.objects.filter(status=Session.Status.HELD).order_by("starts_at")
    )
    talent = enlace.liaison_of if enlace else Dependency.objects.first()
    topics = list(Topic.objects.filter(is_active=True).order_by("name"))
    created = []
    for index, (kind, title, text) in enumerate(IDEAS):
        author = staff[index % len(staff)]
        session = sessions[index % len(sessions)] if sessions else None
        if session and not session.is_in_audience(author):
            session = None
        sent_at = timezone.now() - timedelta(days=60 - index * 7)
        proposal, code = services.submit_proposal(
            user=author,
            kind=kind,
            title=title,
            text=text,
            topic=topics[index % len(topics)] if topics else None,
            session=session,
            anonymous=index == 1,
            now=sent_at,
        )
        if proposal is None:  # anonymous: it waits for a batch; publish it now
            services.publish_anonymous_batch(now=sent_at)
            proposal = services.find_by_tracking_code(code)
        for supporter in staff[index + 1 : index + 6]:
            services.support_proposal(proposal=proposal, user=supporter)
        created.append(proposal)
    first, second, third, fourth, fifth, _sixth = created
    services.change_status(
        proposal_id=first.pk,
        actor=despacho,
        new_status="en_analisis",
        note="La Subsecretaría Corporativa revisa la viabilidad.",
    )
    services.accept_proposal(
        proposal_id=first.pk,
        actor=despacho,
        dependency=talent,
        commitment="Formulario de viáticos en línea con firma digital.",
        due_date=timezone.localdate() + timedelta(days=40),
        note="Aceptada: se incluye en el plan de transformación digital.",
    )
    services.change_status(
        proposal_id=first.pk,
        actor=enlace,
        new_status="en_implementacion",
        note="Se contrató el desarrollo del formulario.",
    )
    services.answer_proposal(
        proposal_id=third.pk,
        actor=despacho,
        answer="Sí: el esquema se mantiene durante 2027.",
    )
    for proposal in (fourth, fifth):
        services.change_status(
            proposal_id=proposal.pk,
            actor=despacho,
            new_status="en_analisis",
            note="En revisión con el área.",
        )
        services.accept_proposal(
            proposal_id=proposal.pk,
            actor=despacho,
            dependency=talent,
            commitment="Implementar la propuesta en el trimestre.",
            due_date=timezone.localdate() + timedelta(days=20),
            note="Aceptada.",
        )
    services.change_status(
        proposal_id=fourth.pk,
        actor=enlace,
        new_status="en_implementacion",
        note="Piloto con dos dependencias.",
    )
    services.change_status(
        proposal_id=fourth.pk,
        actor=enlace,
        new_status="implementada",
        note="Las pausas activas ya son parte de la jornada.",
        outcome="Pausas de 10 minutos a las 10:00 en todas las sedes.",
        impact="520 personas participan cada semana; menos quejas de dolor muscular.",
    )
    Proposal.objects.filter(pk=fifth.pk).update(
        due_date=timezone.localdate() - timedelta(days=3)
    )
    services.change_status(
        proposal_id=second.pk,
        actor=despacho,
        new_status="no_viable",
        note="El edificio es arrendado; se instalarán ventiladores.",
    )
    if sessions and enlace:
        _seed_agreement(sessions[-1], talent, enlace)
    _classify_for_transparency(despacho, public=(first, fourth), withheld=fifth)
    compose_bulletin()
    stdout.write(f"Propuestas de demostración: {Proposal.objects.count()}.")


def _seed_agreement(session, dependency, enlace) -> None:
    """An agreement of the latest held session, with an extension waiting."""
    comunicaciones = (
        get_user_model().objects.filter(groups__name="Comunicaciones").first()
    )
    if comunicaciones is None:
        return
    today = timezone.localdate()
    days = next(
        (
            n
            for n in range(10, MAX_BUSINESS_DAYS + 1, 10)
            if agreement_due_date(session=session, business_days=n) > today
        ),
        None,
    )
    if days is None:  # a session too old for a standing agreement
        return
    agreement = services.record_agreement(
        session_id=session.pk,
        actor=comunicaciones,
        title="Mesa de trabajo sobre teletrabajo",
        commitment="Instalar una mesa con Talento Humano para revisar las reglas del "
        "teletrabajo y presentar una propuesta.",
        dependency=dependency,
        business_days=days,
    )
    services.request_extension(
        proposal_id=agreement.pk,
        actor=enlace,
        new_due_date=add_business_days(agreement.due_date, 10),
        reason="La mesa necesita la información de la encuesta de clima, que llega "
        "el próximo mes.",
    )


def _classify_for_transparency(despacho, *, public, withheld) -> None:
    """Some of the demo's record in the public transparency page, some withheld."""
    from sessions_app.models import Minutes
    from sessions_app.services.transparency import classify_minutes

    from .services.transparency import classify_commitment

    published = Minutes.objects.filter(status=Minutes.Status.PUBLISHED)
    for index, minutes in enumerate(published.order_by("session__starts_at")):
        if index % 3 == 2:
            classify_minutes(
                session_id=minutes.session_id,
                actor=despacho,
                classification="reservada",
                basis="art19par",
            )
        else:
            classify_minutes(
                session_id=minutes.session_id,
                actor=despacho,
                classification="publica",
                public_summary=minutes.summary,
                public_agreements=minutes.agreements,
            )
    for proposal in public:
        proposal.refresh_from_db()
        classify_commitment(
            proposal_id=proposal.pk,
            actor=despacho,
            classification="publica",
            public_commitment=proposal.commitment,
            public_outcome=proposal.outcome,
        )
    classify_commitment(
        proposal_id=withheld.pk,
        actor=despacho,
        classification="clasificada",
        basis="art18a",
    )
