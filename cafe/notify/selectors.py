"""Reads of the outbox."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .models import Delivery


def stale_pending_ids(*, limit: int) -> list[int]:
    """Pending rows that no worker holds and that have waited long enough."""
    now = timezone.now()
    waited = now - timedelta(seconds=settings.NOTIFY_SWEEP_AFTER_SECONDS)
    return list(
        Delivery.objects.filter(
            state=Delivery.State.PENDING, updated_at__lte=waited, content__isnull=True
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )


def pending_shared_ids(*, limit: int | None) -> list[int]:
    """Pending shared-content rows nobody holds, oldest first (sent by the pump)."""
    now = timezone.now()
    queryset = (
        Delivery.objects.filter(state=Delivery.State.PENDING, content__isnull=False)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(queryset[:limit] if limit else queryset)


def progress(queryset) -> dict[str, int]:
    """Sent / pending / failed counts of a set of deliveries."""
    counts = dict(queryset.values_list("state").annotate(n=Count("pk")).order_by())
    return {state: counts.get(state, 0) for state in Delivery.State.values}


def outbox_page(*, state: str = "", kind: str = ""):
    """Deliveries for the outbox page, newest first, optionally filtered."""
    qs = Delivery.objects.only(
        "pk",
        "kind",
        "to_email",
        "subject",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk")


def outbox_totals() -> dict[str, int]:
    """How many rows are in each state."""
    return progress(Delivery.objects.all())


def outbox_kinds() -> list[str]:
    return list(
        Delivery.objects.order_by("kind").values_list("kind", flat=True).distinct()
    )
