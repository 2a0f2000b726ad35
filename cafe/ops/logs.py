"""Structured logs: one JSON line per request, and the same request id on the Celery
tasks the request enqueued. No personal data beyond the user's id: the path is
logged without its query string, and nothing else about the person is."""

import contextvars
import logging
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

request_id = contextvars.ContextVar("request_id", default="")
user_id = contextvars.ContextVar("user_id", default=None)
HEADER = "cafe_request_id"

logger = logging.getLogger("cafe.request")


def _clean_id(value: str) -> str:
    value = (value or "").strip()
    ok = value and len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)
    return value if ok else uuid.uuid4().hex


class RequestLogMiddleware:
    """Give each request an id (the proxy's ``X-Request-ID`` when it sends a sane
    one), answer it in ``X-Request-ID``, and log the request when it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = _clean_id(request.headers.get("X-Request-ID", ""))
        request_id.set(rid)
        user_id.set(None)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = rid
            return response
        finally:
            user = getattr(request, "user", None)
            user_id.set(user.pk if user is not None and user.is_authenticated else None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path[:200],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


@receiver(request_finished, dispatch_uid="cafe_ops_request_context_end")
def _forget_request(**kwargs):
    """Django logs an error response (``django.request``) after the middleware
    returned: the ids stay set until the response is done, then go."""
    request_id.set("")
    user_id.set(None)


class ContextFilter(logging.Filter):
    """Put the request id and user id on every record."""

    def filter(self, record):
        record.request_id = request_id.get()
        record.user_id = user_id.get()
        # Django attaches the request to its error lines ("Not Found: ..."): its
        # text would carry the query string (a search, an e-mail); keep the path.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request = f"{request.method} {request.path[:200]}"
        return True
