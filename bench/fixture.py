"""What the load needs from a seeded database, written as JSON for the other processes.

Run as ``python -m bench.fixture OUT.json --people N --rush-clients N --seats N`` with
``DJANGO_SETTINGS_MODULE=bench.settings`` on a database loaded by ``seed_scale``:

- ``people``: N logged-in staff members (the seeded ones first; more are created when
  the scale has fewer), one in ten of them with the Despacho role and one in ten with
  Comunicaciones, each with the privacy notice accepted, a login session and a CSRF
  token, as a browser would hold them;
- ``pages``: every main page, the role that sees it and the paths to visit;
- ``writes``: the sessions open for registration (each person lists those they may
  register for) and the proposals to support;
- ``rush``: a 40-seat session and its own crowd of logged-in people;
- the two tables of the POST floor (``bench.urls``).
"""

import argparse
import json
from datetime import timedelta
from importlib import import_module
from pathlib import Path

ROLES = {0: "Despacho", 1: "Comunicaciones"}  # by person index modulo 10
WORDS = ["viáticos", "trámite", "teletrabajo", "bienestar", "sede", "horario"]


def login(user, store_class, backend: str) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.http import HttpRequest
    from django.middleware.csrf import get_token

    store = store_class()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    request = HttpRequest()
    token = get_token(request)
    return {
        "session": store.session_key,
        "csrf_secret": request.META["CSRF_COOKIE"],
        "csrf_token": token,
    }


def make_users(dependency, prefix: str, count: int) -> list:
    from django.contrib.auth.hashers import make_password

    from cafe.org.models import User

    unusable = make_password(None)  # hashing hundreds of real ones would take minutes
    return User.objects.bulk_create(
        User(
            email=f"{prefix}{n:04d}@bench.gov.co",
            full_name=f"Persona de prueba {prefix} {n:04d}",
            dependency=dependency,
            password=unusable,
        )
        for n in range(count)
    )


def build(people: int, rush_clients: int, seats: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from cafe.org.models import Dependency, User
    from cafe.org.services import accept_privacy_notice, ensure_base_role
    from proposals.bulletin import compose_bulletin
    from proposals.models import Proposal
    from sessions_app.models import Session

    from . import urls

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b)
    now = timezone.now()
    bench_dependency = Dependency.objects.create(name="Dirección del benchmark")

    staff = list(User.objects.filter(is_active=True).order_by("pk")[:people])
    staff += make_users(bench_dependency, "carga", people - len(staff))
    groups = {name: Group.objects.get(name=name) for name in ROLES.values()}
    crowd = []
    for index, user in enumerate(staff):
        ensure_base_role(user=user)
        role = ROLES.get(index % 10)
        if role:
            user.groups.add(groups[role])
        accept_privacy_notice(user=user, ip_address="127.0.0.1")
        crowd.append({"role": role or "Servidor", **login(user, store_class, backend)})

    open_rows = list(
        Session.objects.filter(
            status=Session.Status.PUBLISHED,
            registration_opens_at__lte=now,
            registration_closes_at__gt=now,
        )
        .order_by("starts_at", "pk")
        .values_list("pk", "dependency_id")[:40]
    )
    open_sessions = [pk for pk, _dependency in open_rows]
    for person, user in zip(crowd, staff, strict=True):
        # The sessions this person may register for: their dependency's and those
        # open to everybody (the others answer with a refusal, not a registration).
        person["sessions"] = [
            index
            for index, (_pk, dependency) in enumerate(open_rows)
            if dependency in (None, user.dependency_id)
        ]
    held = list(
        Session.objects.filter(status=Session.Status.HELD)
        .annotate(n=Count("registrations"))
        .order_by("-n", "-starts_at")
        .values_list("pk", flat=True)[:10]
    )
    proposals = list(
        Proposal.objects.filter(is_hidden=False)
        .annotate(n=Count("changes"))
        .order_by("-n", "-pk")
        .values_list("pk", flat=True)[:200]
    )
    edition, _ = compose_bulletin()
    today = timezone.localdate()
    dashboard = reverse("proposals:dashboard")
    any_role = None
    pages = [
        ("Piso: plantilla base con sesión", any_role, [reverse("bench_floor")]),
        ("Inicio", any_role, [reverse("home")]),
        ("Sesiones próximas", any_role, [reverse("sessions:list")]),
        (
            "Detalle de sesión",
            any_role,
            [reverse("sessions:detail", args=[pk]) for pk in open_sessions],
        ),
        ("Mis sesiones", any_role, [reverse("sessions:mine")]),
        ("Archivo de sesiones", any_role, [reverse("sessions:archive")]),
        ("Propuestas", any_role, [reverse("proposals:list")]),
        (
            "Propuestas con búsqueda",
            any_role,
            [f"{reverse('proposals:list')}?q={word}" for word in WORDS],
        ),
        (
            "Página de propuesta",
            any_role,
            [reverse("proposals:detail", args=[pk]) for pk in proposals[:50]],
        ),
        ("Mis propuestas", any_role, [reverse("proposals:mine")]),
        ("Formulario de propuesta", any_role, [reverse("proposals:create")]),
        ("Tablero", "Despacho", [dashboard]),
        (
            "Tablero filtrado",
            "Despacho",
            [
                f"{dashboard}?desde={today - timedelta(days=180):%Y-%m-%d}"
                f"&hasta={today:%Y-%m-%d}&dependencia={dep}"
                for dep in Dependency.objects.order_by("pk").values_list(
                    "pk", flat=True
                )[:5]
            ],
        ),
        ("Rotación", "Comunicaciones", [reverse("sessions:rotation")]),
        (
            "Asistencia",
            "Comunicaciones",
            [reverse("sessions:attendance", args=[pk]) for pk in held],
        ),
        (
            "Vista previa del boletín",
            "Comunicaciones",
            [reverse("proposals:bulletin_edit", args=[edition.pk])],
        ),
    ]

    rush_dependency = Dependency.objects.create(name="Dirección de la avalancha")
    rush_session = Session.objects.create(
        title="Café de la avalancha",
        dependency=rush_dependency,
        starts_at=(now + timedelta(days=10)).replace(second=0, microsecond=0),
        ends_at=(now + timedelta(days=10, minutes=90)).replace(second=0, microsecond=0),
        place="Auditorio principal",
        capacity=seats,
        registration_opens_at=now - timedelta(minutes=5),
        registration_closes_at=now + timedelta(days=9),
        status=Session.Status.PUBLISHED,
        published_at=now,
        host_name="Secretario General",
    )
    rush_crowd = []
    for user in make_users(rush_dependency, "avalancha", rush_clients):
        ensure_base_role(user=user)
        accept_privacy_notice(user=user, ip_address="127.0.0.1")
        rush_crowd.append(login(user, store_class, backend))

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {urls.LOCK_TABLE} (id integer PRIMARY KEY)")
        cursor.execute(f"INSERT INTO {urls.LOCK_TABLE} VALUES (1)")  # noqa: S608
        cursor.execute(
            f"CREATE TABLE {urls.ROW_TABLE} (id bigserial PRIMARY KEY, "
            "user_id bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
        )

    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "people": crowd,
        "pages": [
            {"name": name, "role": role, "paths": paths} for name, role, paths in pages
        ],
        "writes": {
            "register": [
                reverse("sessions:register", args=[pk]) for pk in open_sessions
            ],
            "unregister": [
                reverse("sessions:unregister", args=[pk]) for pk in open_sessions
            ],
            "support": [reverse("proposals:support", args=[pk]) for pk in proposals],
            "propose": reverse("proposals:create"),
        },
        "rush": {
            "session_id": rush_session.pk,
            "detail": reverse("sessions:detail", args=[rush_session.pk]),
            "register": reverse("sessions:register", args=[rush_session.pk]),
            "floor_post": reverse("bench_floor_post"),
            "crowd": rush_crowd,
        },
    }


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rush-clients", type=int, default=300)
    parser.add_argument("--seats", type=int, default=40)
    args = parser.parse_args()
    django.setup()
    fixture = build(args.people, args.rush_clients, args.seats)
    args.out.write_text(json.dumps(fixture))


if __name__ == "__main__":
    main()
