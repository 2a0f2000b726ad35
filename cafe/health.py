"""Liveness and readiness probes for the load balancer and the orchestrator."""

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """The process is up and answers."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return bool(client.ping())
    except Exception:
        return False


def _cache_ok() -> bool | None:
    """Whether the shared cache answers; None for a cache inside the process."""
    ping = getattr(cache, "ping", None)
    return None if ping is None else ping()


@never_cache
@require_GET
def readyz(request):
    """Ready while the database answers (503 otherwise). The broker and the cache are
    optional for serving: without them the status is "degraded" (still 200), and
    ``degraded`` names them (e-mails wait in the outbox; pages skip the cache)."""
    checks = {"database": _database_ok()}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _broker_ok()
    cache_ok = _cache_ok()
    if cache_ok is not None:
        checks["cache"] = cache_ok
    if not checks["database"]:
        status, code = "unavailable", 503
    elif all(checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    body = {"status": status, "checks": checks}
    if status == "degraded":
        body["degraded"] = sorted(name for name, ok in checks.items() if not ok)
    return JsonResponse(body, status=code)
