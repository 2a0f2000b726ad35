"""Build a synthetic entity at a chosen scale, with bulk inserts.

At ``--factor 1``: 50 dependencies, 5,000 staff, 24 months of sessions (1,200 sessions,
about 36,000 registrations) and the next six weeks published, 20,000 proposals with
about 80,000 status changes and 30,000 supports, and 10,000 pulse answers. Everything
is deterministic (a fixed random seed).
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cafe.org.models import Dependency, User
from proposals.models import Proposal, StatusChange, Support
from sessions_app.models import Feedback, Registration, Session, Topic

BATCH = 2000
S = Proposal.Status
FLOW = [S.RECEIVED, S.IN_ANALYSIS, S.ACCEPTED, S.IN_PROGRESS, S.IMPLEMENTED]
WORDS = [
    "viáticos",
    "trámite",
    "digital",
    "capacitación",
    "bienestar",
    "pausas",
    "sede",
    "atención",
    "ciudadanía",
    "contratación",
    "archivo",
    "horario",
    "teletrabajo",
    "parqueadero",
    "comunicación",
    "firma",
    "formato",
    "ventanilla",
    "calidad",
    "seguridad",
    "salud",
    "clima",
    "liderazgo",
    "reconocimiento",
    "movilidad",
]


class Command(BaseCommand):
    help = (
        "Crea una entidad sintética a escala (inserciones masivas) para el benchmark."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, factor, seed, **options):
        if factor <= 0 or factor > 10:
            raise CommandError("El factor debe estar entre 0 y 10.")
        if Proposal.objects.filter(title__startswith="[escala]").exists():
            raise CommandError("Ya hay datos de escala: use una base de datos vacía.")
        rng = random.Random(seed)
        started = timezone.now()
        with transaction.atomic():
            counts = build(factor, rng)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # As after any bulk load: the planner's statistics and the visibility
            # map, now, rather than whenever autovacuum gets to them (the benchmark
            # measures right after this command).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        elapsed = (timezone.now() - started).total_seconds()
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        self.stdout.write(f"Datos de escala listos en {elapsed:.1f} s ({summary}).")


def scaled(base: int, factor: float, minimum: int = 1) -> int:
    return max(minimum, round(base * factor))


def build(factor: float, rng: random.Random) -> dict[str, int]:
    now = timezone.now()
    tz = timezone.get_current_timezone()
    deps = Dependency.objects.bulk_create(
        Dependency(
            name=f"[escala] Dependencia {i:03d}", acronym=f"D{i:03d}", code=f"{i}"
        )
        for i in range(scaled(50, factor, 3))
    )
    topics = Topic.objects.bulk_create(
        Topic(name=f"[escala] Tema {i}", kind=rng.choice(Topic.Kind.values))
        for i in range(12)
    )
    password = make_password("escala-2026")
    users = User.objects.bulk_create(
        (
            User(
                email=f"escala{i:05d}@escala.gov.co",
                full_name=f"Persona Escala {i:05d}",
                dependency=deps[i % len(deps)],
                password=password,
                privacy_notice_version="escala",
            )
            for i in range(scaled(5000, factor, 10))
        ),
        batch_size=BATCH,
    )
    servidor = Group.objects.get(name="Servidor")
    User.groups.through.objects.bulk_create(
        (User.groups.through(user_id=u.pk, group_id=servidor.pk) for u in users),
        batch_size=BATCH,
    )
    by_dep: dict[int, list[User]] = {}
    for user in users:
        by_dep.setdefault(user.dependency_id, []).append(user)

    # 24 months of history, and the next six weeks already published (at least a
    # page of them at any scale, as any entity has its next cycle announced).
    history = scaled(1200, factor, 4)
    upcoming = max(scaled(60, factor), 24)
    moments = [now - timedelta(days=730 - i * 730 / history) for i in range(history)]
    moments += [now + timedelta(days=2 + i * 40 / upcoming) for i in range(upcoming)]
    sessions = []
    for index, day in enumerate(moments):
        start = datetime.combine(timezone.localtime(day).date(), time(9, 0), tzinfo=tz)
        held = start < now
        sessions.append(
            Session(
                title=f"[escala] Café {index}",
                dependency=deps[index % len(deps)] if index % 10 else None,
                topic=topics[index % len(topics)],
                starts_at=start,
                ends_at=start + timedelta(minutes=90),
                place="Sala de juntas",
                capacity=30,
                registration_opens_at=start - timedelta(days=20),
                registration_closes_at=start - timedelta(hours=2),
                status=Session.Status.HELD if held else Session.Status.PUBLISHED,
                host_name="Secretario General",
                held_at=start + timedelta(hours=2) if held else None,
            )
        )
    sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)

    registrations, feedback = [], []
    for session in sessions:
        pool = by_dep.get(session.dependency_id) or users
        chosen = rng.sample(pool, min(len(pool), 30))
        for user in chosen:
            came = session.status == Session.Status.HELD and rng.random() < 0.8
            registrations.append(
                Registration(
                    session=session,
                    user=user,
                    status=Registration.Status.CONFIRMED,
                    created_at=min(
                        session.registration_opens_at + timedelta(hours=1), now
                    ),
                    checked_in_at=session.starts_at if came else None,
                )
            )
            if came and rng.random() < 0.35:
                feedback.append(
                    Feedback(
                        session=session,
                        user=user,
                        felt_heard=rng.randint(2, 5),
                        useful=rng.randint(2, 5),
                        trust=rng.randint(1, 5),
                    )
                )
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    Feedback.objects.bulk_create(feedback, batch_size=BATCH)

    proposals, plans = [], []
    held_sessions = [s for s in sessions if s.status == Session.Status.HELD]
    for index in range(scaled(20000, factor, 20)):
        author = users[rng.randrange(len(users))]
        anonymous = rng.random() < 0.15
        created = now - timedelta(days=rng.uniform(1, 720))
        steps = rng.choice([0, 1, 2, 3, 4, 4, 3, 2])
        not_viable = steps in (1, 2) and rng.random() < 0.3
        status = S.NOT_VIABLE if not_viable else FLOW[steps]
        due = None
        if steps >= 2 and not not_viable:
            due = (created + timedelta(days=rng.randint(20, 120))).date()
        words = rng.sample(WORDS, 5)
        proposals.append(
            Proposal(
                kind=rng.choice(Proposal.Kind.values),
                title=f"[escala] Propuesta {index}: {words[0]} y {words[1]}",
                text=f"Propongo mejorar {' '.join(words)} en la dependencia.",
                topic=topics[index % len(topics)],
                session=held_sessions[index % len(held_sessions)]
                if held_sessions
                else None,
                author=None if anonymous else author,
                is_anonymous=anonymous,
                created_at=created,
                responsible_dependency=deps[index % len(deps)] if steps >= 1 else None,
                status=status,
                commitment="Compromiso de la dependencia" if due else "",
                due_date=due,
                outcome="Se implementó" if status == S.IMPLEMENTED else "",
                impact="Mejoró el trámite para el personal"
                if status == S.IMPLEMENTED
                else "",
                first_answered_at=created + timedelta(days=rng.randint(1, 15))
                if steps
                else None,
                accepted_at=created + timedelta(days=16) if due else None,
                implemented_at=created + timedelta(days=40)
                if status == S.IMPLEMENTED
                else None,
            )
        )
        plans.append((steps, not_viable))

    # Timelines and supports are drawn before the proposals are inserted (the same
    # draws, in the same order, as always), so each proposal is inserted with its
    # support count: the number of distinct people who support it, i.e. the Support
    # rows that will really exist (a repeated person would be ignored as a conflict).
    changes, supports = [], []
    for proposal, (steps, not_viable) in zip(proposals, plans, strict=True):
        previous = ""
        moment = proposal.created_at
        path = [S.RECEIVED, *FLOW[1 : steps + 1]]
        if not_viable:
            path = [S.RECEIVED, *FLOW[1:steps], S.NOT_VIABLE]
        for position, status in enumerate(path):
            changes.append(
                StatusChange(
                    proposal=proposal,
                    event=StatusChange.Event.CREATED if position == 0 else "estado",
                    from_status=previous,
                    to_status=status,
                    note="Seguimiento",
                    created_at=moment,
                )
            )
            previous = status
            moment += timedelta(days=5)
        supporters = {
            user.pk: user
            for user in rng.sample(users, min(len(users), rng.randint(0, 3)))
        }
        supports += [Support(proposal=proposal, user=u) for u in supporters.values()]
        proposal.support_count = len(supporters)
    # Bulk inserts return the primary keys on PostgreSQL and SQLite, and the
    # timelines and supports built above read them from their proposal objects.
    proposals = Proposal.objects.bulk_create(proposals, batch_size=BATCH)
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    Support.objects.bulk_create(supports, batch_size=BATCH, ignore_conflicts=True)
    return {
        "dependencias": len(deps),
        "personas": len(users),
        "sesiones": len(sessions),
        "inscripciones": len(registrations),
        "propuestas": len(proposals),
        "seguimiento": len(changes),
        "encuestas": len(feedback),
    }
