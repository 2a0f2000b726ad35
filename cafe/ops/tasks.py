"""Scheduled jobs of operations."""

import hashlib

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cafe.branding import absolute_url
from cafe.notify.services import send_templated

from . import status


@shared_task(name="ops.check_and_alert", acks_late=True)
def check_and_alert() -> int:
    """Every 15 minutes: e-mail the operators what needs attention; the same set of
    problems is e-mailed once a day. Returns the number of problems found."""
    return alert_operators()


def alert_operators(now=None) -> int:
    now = now or timezone.now()
    found = status.problems(now)
    if not found or not settings.CAFE_OPERATOR_EMAILS:
        return len(found)
    digest = hashlib.sha256("|".join(k for k, _t in found).encode()).hexdigest()[:16]
    day = timezone.localdate(now).isoformat()
    for email in settings.CAFE_OPERATOR_EMAILS:
        send_templated(
            key=f"ops-alert:{day}:{digest}:{email}",
            template="ops/alert",
            context={
                "problems": found,
                "status_url": absolute_url(reverse("ops:status")),
            },
            to=email,
            kind="ops_alert",
        )
    return len(found)
