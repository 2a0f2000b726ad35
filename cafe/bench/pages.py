"""Query count and median server time of the main pages, on one seeded database.

Run in a child process of ``manage.py bench`` (``python -m cafe.bench.pages``) with
``DATABASE_URL`` naming a database loaded by ``seed_scale``. It goes through the whole
Django stack with the test client (every middleware, the session, the templates), with
DEBUG off and without the test-environment instrumentation, and prints one JSON line.
"""

import json
import os
import statistics
import sys
import time
from datetime import timedelta

REQUESTS = int(os.environ.get("CAFE_BENCH_REQUESTS", "25"))
# Not a page of the product: the floor's template for a logged-in person (their
# session, their row, their role navigation), the share of every page below that is
# the cost of being logged in. Reported, not held to the targets.
REFERENCE = "Referencia: plantilla base con sesión iniciada"


def main() -> None:
    import django

    django.setup()
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="cafe.bench.urls"):
        results = measure_all(REQUESTS)
    print(json.dumps(results))


def measure_all(requests: int) -> list[dict]:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from proposals.bulletin import compose_bulletin
    from proposals.models import Proposal
    from sessions_app.models import Session

    upcoming = (
        Session.objects.filter(
            dependency__isnull=False,
            status=Session.Status.PUBLISHED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at", "pk")
        .first()
    )
    actors = make_actors(upcoming.dependency)
    servidor = actors["servidor"]
    held = (
        Session.objects.filter(status=Session.Status.HELD)
        .annotate(n=Count("registrations"))
        .order_by("-n", "-starts_at")
        .first()
    )
    proposal = (
        Proposal.objects.filter(is_hidden=False)
        .annotate(n=Count("changes"))
        .order_by("-n", "-pk")
        .first()
    )
    edition, _ = compose_bulletin()
    today = timezone.localdate()
    pages = [
        ("Piso: plantilla base sin consultas", None, reverse("bench_floor")),
        (REFERENCE, "servidor", reverse("bench_floor")),
        ("Sesiones próximas", "servidor", reverse("sessions:list")),
        (
            "Detalle de sesión",
            "servidor",
            reverse("sessions:detail", args=[upcoming.pk]),
        ),
        ("Mis sesiones", "servidor", reverse("sessions:mine")),
        ("Propuestas", "servidor", reverse("proposals:list")),
        (
            "Propuestas con búsqueda",
            "servidor",
            reverse("proposals:list") + "?q=viáticos",
        ),
        (
            "Página de propuesta",
            "servidor",
            reverse("proposals:detail", args=[proposal.pk]),
        ),
        ("Tablero", "despacho", reverse("proposals:dashboard")),
        (
            "Tablero filtrado",
            "despacho",
            reverse("proposals:dashboard")
            + f"?desde={today - timedelta(days=180):%Y-%m-%d}&hasta={today:%Y-%m-%d}"
            + f"&dependencia={servidor.dependency_id}",
        ),
        ("Rotación", "comunicaciones", reverse("sessions:rotation")),
        (
            "Asistencia",
            "comunicaciones",
            reverse("sessions:attendance", args=[held.pk]),
        ),
        (
            "Vista previa del boletín",
            "comunicaciones",
            reverse("proposals:bulletin_edit", args=[edition.pk]),
        ),
    ]
    clients = {None: Client()}
    for role, user in actors.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return [
        {"page": label, "url": url, **measure(clients[role], url, requests)}
        for label, role, url in pages
    ]


def measure(client, url: str, requests: int) -> dict:
    """Two ways a page is served, each the median of ``requests`` timed requests:
    - ``median_ms``: the same person opening it again with nothing changed (the page
      cache, ``cafe.pagecache``, serves it); ``cached_queries`` is that visit's count;
    - ``computed_ms``: after a write anywhere (the page is computed again; the rows,
      filter options and figures keyed by their own content stay cached);
      ``queries`` is that visit's count, the one held to the targets."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cafe import pagecache

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} respondió {response.status_code}")

    def timed(before=None) -> float:
        timings = []
        for _ in range(requests):
            if before:
                before()
            started = time.perf_counter()
            get()
            timings.append((time.perf_counter() - started) * 1000)
        return round(statistics.median(timings), 2)

    get()  # the first visit fills the caches, as any earlier visit would
    pagecache.invalidate()
    with CaptureQueriesContext(connection) as computed:
        get()
    queries = len(computed)  # now: the next request clears the connection's log
    with CaptureQueriesContext(connection) as served:
        get()
    cached_queries = len(served)
    return {
        "queries": queries,
        "cached_queries": cached_queries,
        "median_ms": timed(),
        "computed_ms": timed(before=pagecache.invalidate),
    }


def make_actors(dependency) -> dict:
    """A staff member of ``dependency`` (registered like everyone else), and
    the Comunicaciones and Despacho people, each with the privacy notice accepted."""
    from django.contrib.auth.models import Group

    from cafe.org.models import User
    from cafe.org.services import accept_privacy_notice

    servidor = (
        User.objects.filter(dependency=dependency, is_active=True)
        .order_by("pk")
        .first()
    )
    actors = {"servidor": servidor}
    for role in ("Comunicaciones", "Despacho"):
        user, _ = User.objects.get_or_create(
            email=f"bench-{role.lower()}@escala.gov.co",
            defaults={"full_name": f"Benchmark {role}", "dependency": dependency},
        )
        user.groups.add(Group.objects.get(name=role))
        actors[role.lower()] = user
    for user in actors.values():
        accept_privacy_notice(user=user, ip_address="127.0.0.1")
    return actors


if __name__ == "__main__":
    sys.exit(main())
