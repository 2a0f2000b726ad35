"""The weekly follow-up digest: liaisons get their dependency's commitments that are
overdue or due within 7 days; Despacho gets the entity-wide summary."""

from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cafe.branding import absolute_url
from cafe.notify.services import send_templated

from .models import Proposal

DUE_SOON_DAYS = 7


def _item(proposal, today) -> dict:
    return {
        "title": proposal.title,
        "dependency": str(proposal.responsible_dependency or ""),
        "due": proposal.due_date,
        "days": (proposal.due_date - today).days,
        "overdue": proposal.due_date < today,
        "status": proposal.get_status_display(),
        "url": absolute_url(reverse("proposals:detail", args=[proposal.pk])),
    }


def send_overdue_digests(*, today=None) -> dict[str, int]:
    """One digest per person and ISO week, so running it twice sends nothing more."""
    today = today or timezone.localdate()
    iso = today.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    due = (
        Proposal.objects.filter(
            status__in=[Proposal.Status.ACCEPTED, Proposal.Status.IN_PROGRESS],
            due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
            is_hidden=False,
        )
        .select_related("responsible_dependency")
        .order_by("due_date", "pk")
    )
    by_dependency = defaultdict(list)
    everything = []
    for proposal in due:
        item = _item(proposal, today)
        by_dependency[proposal.responsible_dependency_id].append(item)
        everything.append(item)
    users = get_user_model().objects.filter(is_active=True)
    liaisons = users.filter(
        liaison_of_id__in=[pk for pk in by_dependency if pk],
        groups__permissions__codename="follow_up_proposals",
    ).distinct()
    sent = {"liaisons": 0, "despacho": 0}
    for user in liaisons:
        _send(
            user, f"overdue:{week}:{user.pk}", by_dependency[user.liaison_of_id], False
        )
        sent["liaisons"] += 1
    if everything:
        despacho = users.filter(
            Q(groups__permissions__codename="answer_proposals")
        ).distinct()
        for user in despacho:
            _send(user, f"overdue-summary:{week}:{user.pk}", everything, True)
            sent["despacho"] += 1
    return sent


def _send(user, key: str, items: list[dict], summary: bool) -> None:
    send_templated(
        key=key,
        template="proposals/overdue_digest",
        context={
            "user": user,
            "items": items,
            "overdue": [i for i in items if i["overdue"]],
            "soon": [i for i in items if not i["overdue"]],
            "summary": summary,
            "list_url": absolute_url(reverse("proposals:list") + "?vencidas=on"),
        },
        to=user.email,
        recipient=user,
        kind="overdue_digest",
    )
