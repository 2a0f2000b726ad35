"""Demo sessions: past ones with conclusions and survey answers, next month's cycle."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cafe.org.models import Dependency

from . import services
from .models import Campaign, Minutes, Session, Testimonial, Topic

TOPICS = [
    (
        "Bienestar y clima laboral",
        Topic.Kind.THEME,
        "Cómo nos sentimos y cómo trabajamos.",
    ),
    ("Servicio a la ciudadanía", Topic.Kind.THEME, "Qué mejorar en la atención."),
    ("Campaña «Bogotá cuidadora»", Topic.Kind.EXTERNAL_CAMPAIGN, "Retroalimentación."),
    (
        "Transformación digital interna",
        Topic.Kind.INTERNAL_CAMPAIGN,
        "Trámites sin papel.",
    ),
]


def seed_sessions(stdout) -> None:
    if Session.objects.exists():
        return
    User = get_user_model()
    comunicaciones = User.objects.filter(groups__name="Comunicaciones").first()
    despacho = User.objects.filter(groups__name="Despacho").first()
    topics = [
        Topic.objects.get_or_create(name=n, defaults={"kind": k, "description": d})[0]
        for n, k, d in TOPICS
    ]
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    deps = list(Dependency.objects.filter(is_active=True).order_by("name")[:6])

    campaigns = [
        Campaign.objects.get_or_create(
            name="Bogotá cuidadora",
            defaults={"scope": Campaign.Scope.EXTERNAL, "description": "Cuidado."},
        )[0],
        Campaign.objects.get_or_create(
            name="Cero papel",
            defaults={"scope": Campaign.Scope.INTERNAL, "description": "Sin papel."},
        )[0],
    ]

    # Three held sessions in the last months, with attendance, conclusions and survey.
    for index, dependency in enumerate(deps[:3]):
        day = today - timedelta(days=30 * (index + 1))
        start = datetime.combine(day, time(9, 0), tzinfo=tz)
        session = Session.objects.create(
            title=f"Un Café con el Secretario con {dependency}",
            topic=topics[index % len(topics)],
            dependency=dependency,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            place="Sala de juntas del Despacho",
            capacity=25,
            registration_opens_at=start - timedelta(days=20),
            registration_closes_at=start - timedelta(hours=2),
            status=Session.Status.HELD,
            host_name="Secretario General",
            published_at=start - timedelta(days=20),
            held_at=start + timedelta(minutes=90),
            created_by=comunicaciones,
        )
        session.campaigns.set(campaigns)
        members = list(User.objects.filter(dependency=dependency, is_active=True)[:8])
        for member in members:
            registration = session.registrations.create(
                user=member, status="confirmada", created_at=start - timedelta(days=5)
            )
            registration.checked_in_at = start
            registration.save(update_fields=["checked_in_at"])
            services.submit_feedback(
                session_id=session.pk,
                user=member,
                data={
                    "felt_heard": 4 + index % 2,
                    "useful": 4,
                    "trust": 3 + index % 3,
                    "comment": "Gracias por escucharnos.",
                },
                ratings={
                    c.pk: {"score": 3 + (index + c.pk) % 3, "comment": ""}
                    for c in campaigns
                },
            )
        if members:
            services.record_testimonial(
                session_id=session.pk,
                person=members[0],
                quote="Por primera vez sentí que la dirección escucha de verdad.",
                for_social=True,
                for_bulletin=True,
                consent_method=Testimonial.ConsentMethod.SIGNED,
                consent_note="Formato firmado en la sala.",
                actor=comunicaciones,
            )
        services.save_minutes(
            session_id=session.pk,
            actor=comunicaciones,
            data={
                "summary": "El equipo planteó **tres prioridades**:\n\n"
                "- Simplificar los trámites internos de viáticos.\n"
                "- Pausas activas en la jornada.\n"
                "- Mejor comunicación entre sedes.",
                "agreements": "- Mesa de trabajo con Talento Humano en 15 días.\n"
                "- Informe de avance en la próxima sesión.",
            },
        )
        services.submit_minutes(session_id=session.pk, actor=comunicaciones)
        services.approve_minutes(session_id=session.pk, actor=despacho)

    # Next month's cycle, published, plus an entity-wide thematic session.
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    blocked = datetime.combine(next_month + timedelta(days=7), time(0, 0), tzinfo=tz)
    services.add_agenda_block(
        actor=comunicaciones,
        starts_at=blocked,
        ends_at=blocked + timedelta(days=2),
        reason="Consejo de Gobierno Distrital y agenda en territorio",
    )
    plan = services.plan_month(year=next_month.year, month=next_month.month)
    services.create_planned_sessions(rows=plan[:8], actor=comunicaciones, publish=True)
    start = datetime.combine(today + timedelta(days=10), time(15, 0), tzinfo=tz)
    thematic = services.save_session(
        actor=comunicaciones,
        data={
            "title": "Encuentro temático: transformación digital",
            "description": "Un encuentro abierto a toda la entidad.",
            "topic": topics[3],
            "dependency": None,
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
            "format": Session.Format.HYBRID,
            "place": "Auditorio principal",
            "meeting_url": "https://reuniones.secretariageneral.gov.co/cafe-digital",
            "capacity": 60,
            "registration_opens_at": timezone.now() - timedelta(days=1),
            "registration_closes_at": start - timedelta(hours=2),
            # Requests for five days; then those who never came first.
            "allocation": Session.Allocation.NEWCOMERS_FIRST,
            "allocation_window_closes_at": datetime.combine(
                today + timedelta(days=5), time(17, 0), tzinfo=tz
            ),
        },
    )
    services.publish_session(session_id=thematic.pk, actor=comunicaciones)
    stdout.write(
        f"Sesiones de demostración: {Session.objects.count()}, "
        f"conclusiones publicadas: {Minutes.objects.filter(status='publicada').count()}"
    )
