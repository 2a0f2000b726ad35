"""Escalation of overdue commitments to the head of the responsible dependency.

A commitment (an accepted proposal or an agreement) overdue by more than
PROPOSALS_ESCALATE_AFTER_DAYS business days is escalated once: one e-mail to the
dependency's head (``Dependency.head``, kept by the staff directory) through the
outbox, keyed by the commitment and its due date, and an internal timeline entry.
If an approved extension moves the date and it is missed again, that is a new
escalation. A daily job (and ``manage.py escalate_overdue``) runs it; running it
twice sends nothing more.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cafe.branding import absolute_url
from cafe.common.business_days import add_business_days
from cafe.notify.models import Delivery
from cafe.notify.services import send_templated

from ..models import Proposal, StatusChange

S = Proposal.Status


def escalation_key(proposal: Proposal) -> str:
    return f"escalation:{proposal.pk}:{proposal.due_date.isoformat()}"


def is_escalable(due_date: date, today: date, after_days: int) -> bool:
    """Overdue by more than ``after_days`` business days on ``today``."""
    return add_business_days(due_date, after_days) < today


def overdue_to_escalate(*, today: date, after_days: int):
    """Standing commitments past the threshold whose dependency has an active head.

    Business days are never more than calendar days, so the query keeps only the
    due dates at least ``after_days`` calendar days old; the calendar decides the
    rest."""
    candidates = (
        Proposal.objects.filter(
            status__in=[S.ACCEPTED, S.IN_PROGRESS],
            is_hidden=False,
            due_date__lt=today - timedelta(days=after_days),
        )
        .select_related("responsible_dependency__head")
        .order_by("due_date", "pk")
    )
    return [p for p in candidates if is_escalable(p.due_date, today, after_days)]


def escalate_overdue_commitments(*, today: date | None = None) -> dict[str, int]:
    """E-mail each head once per overdue commitment of their dependency.

    Returns how many were escalated now, already escalated before, and skipped
    because the dependency has no active head."""
    today = today or timezone.localdate()
    after_days = settings.PROPOSALS_ESCALATE_AFTER_DAYS
    counts = {"escalated": 0, "already": 0, "no_head": 0}
    for proposal in overdue_to_escalate(today=today, after_days=after_days):
        dependency = proposal.responsible_dependency
        head = dependency.head if dependency else None
        if head is None or not head.is_active or not head.email:
            counts["no_head"] += 1
            continue
        counts["escalated" if _escalate(proposal, head, today) else "already"] += 1
    return counts


def _escalate(proposal: Proposal, head, today: date) -> bool:
    key = escalation_key(proposal)
    with transaction.atomic():
        # The lock makes "already sent?" and the timeline entry one decision.
        Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
        if Delivery.objects.filter(idempotency_key=key).exists():
            return False
        send_templated(
            key=key,
            template="proposals/commitment_escalated",
            context={
                "user": head,
                "proposal": proposal,
                "dependency": proposal.responsible_dependency,
                "days_overdue": (today - proposal.due_date).days,
                "after_days": settings.PROPOSALS_ESCALATE_AFTER_DAYS,
                "detail_url": absolute_url(
                    reverse("proposals:detail", args=[proposal.pk])
                ),
            },
            to=head.email,
            recipient=head,
            kind="commitment_escalation",
        )
        StatusChange.objects.create(
            proposal=proposal,
            event=StatusChange.Event.ESCALATED,
            from_status=proposal.status,
            to_status=proposal.status,
            note=_(
                "Vencido desde el %(due)s: se informó a %(head)s, a cargo de %(dep)s."
            )
            % {
                "due": date_format(proposal.due_date, "d/m/Y"),
                "head": head.full_name,
                "dep": proposal.responsible_dependency,
            },
            actor=None,
            created_at=timezone.now(),
            is_public=False,
        )
    return True
