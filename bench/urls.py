"""The product's URLs plus the benchmark's two floors (not product pages).

- ``/_bench/piso/``: the base template for a logged-in person, no query of its own:
  what every page costs before it does anything.
- ``/_bench/piso-post/``: a form post that locks one row and inserts one row, the
  least a registration could do.

Both go through every middleware (login session, CSRF, privacy notice, CSP, axes).
The two tables are created by ``bench.fixture`` in the benchmark's database only.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.http import require_POST

LOCK_TABLE = "bench_floor_lock"
ROW_TABLE = "bench_floor_row"


@login_required
def floor(request):
    return render(request, "base.html")


@login_required
@require_POST
def floor_post(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {LOCK_TABLE} WHERE id = 1 FOR UPDATE")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {ROW_TABLE} (user_id) VALUES (%s)",  # noqa: S608
            [request.user.pk],
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("_bench/piso/", floor, name="bench_floor"),
    path("_bench/piso-post/", floor_post, name="bench_floor_post"),
    path("", include("cafe.urls")),
]
