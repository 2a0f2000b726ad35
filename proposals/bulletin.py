"""The monthly bulletin digest (Soy 10): compose a draft from last month, let
Comunicaciones add a note and approve it, then send it to all active staff in batches.

Only an approved edition is ever fanned out; approving twice sends once (the outbox
keys ``bulletin:<edition>:<person>`` are unique), and the pump sends the rows at the
provider's rate, in batches that finish far inside the broker's visibility timeout.
"""

from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.branding import absolute_url
from cafe.notify.models import Delivery, MessageContent
from cafe.notify.selectors import progress
from cafe.notify.services import pump_shared, queue_shared, render_email
from sessions_app.models import Minutes, Session, Topic

from .dashboard import Period
from .models import Bulletin, Proposal
from .moderation_rules import CONTROL_CHARACTERS


def previous_month(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    return Period(start=end.replace(day=1), end=end)


def _url(name: str, pk: int) -> str:
    return absolute_url(reverse(name, args=[pk]))


def _capped(queryset, *, limit: int, most_relevant: tuple, shown: tuple):
    """At most ``limit`` rows (the first by ``most_relevant``) in ``shown`` order,
    and how many rows there are in all."""
    total = queryset.count()
    if total > limit:
        keep = queryset.order_by(*most_relevant).values_list("pk", flat=True)[:limit]
        queryset = queryset.filter(pk__in=list(keep))
    return list(queryset.order_by(*shown)), total


def collect(period: Period) -> dict:
    """Everything the edition tells, as plain values frozen at composition time.

    Each list is capped at ``PROPOSALS_BULLETIN_SECTION_ITEMS`` (an e-mail to all
    staff stays readable in a month of fifty sessions and hundreds of commitments):
    the most supported proposals, the first sessions held, the next sessions coming.
    ``totals`` says how many there were, so the edition links to the rest."""
    limit = settings.PROPOSALS_BULLETIN_SECTION_ITEMS
    start, end = period.bounds
    held = Session.objects.filter(
        status=Session.Status.HELD, starts_at__gte=start, starts_at__lt=end
    ).select_related("dependency", "topic")
    held, held_total = _capped(
        held, limit=limit, most_relevant=("starts_at", "pk"), shown=("starts_at", "pk")
    )
    published = {
        m.session_id: m
        for m in Minutes.objects.filter(
            session__in=held, status=Minutes.Status.PUBLISHED
        )
    }
    in_period = Proposal.objects.filter(is_hidden=False).select_related(
        "responsible_dependency"
    )
    # Commitments made that month and still standing (not declared not viable since).
    accepted = in_period.filter(accepted_at__gte=start, accepted_at__lt=end).exclude(
        status=Proposal.Status.NOT_VIABLE
    )
    implemented = in_period.filter(
        status=Proposal.Status.IMPLEMENTED,
        implemented_at__gte=start,
        implemented_at__lt=end,
    )
    upcoming = Session.objects.filter(
        status=Session.Status.PUBLISHED,
        starts_at__gte=timezone.now(),
        starts_at__lt=timezone.now() + timedelta(days=45),
    ).select_related("dependency")
    accepted, accepted_total = _capped(
        accepted,
        limit=limit,
        most_relevant=("-support_count", "accepted_at", "pk"),
        shown=("accepted_at", "pk"),
    )
    implemented, implemented_total = _capped(
        implemented,
        limit=limit,
        most_relevant=("-support_count", "implemented_at", "pk"),
        shown=("implemented_at", "pk"),
    )
    upcoming, upcoming_total = _capped(
        upcoming,
        limit=limit,
        most_relevant=("starts_at", "pk"),
        shown=("starts_at", "pk"),
    )
    campaigns = Topic.objects.filter(
        sessions__status=Session.Status.HELD,
        sessions__starts_at__gte=start,
        sessions__starts_at__lt=end,
        kind__in=[Topic.Kind.INTERNAL_CAMPAIGN, Topic.Kind.EXTERNAL_CAMPAIGN],
    ).distinct()
    proposals_url = absolute_url(reverse("proposals:list"))
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "totals": {
            "sessions": held_total,
            "commitments": accepted_total,
            "implemented": implemented_total,
            "upcoming": upcoming_total,
        },
        "more_urls": {
            "sessions": absolute_url(reverse("sessions:archive")),
            "commitments": f"{proposals_url}?estado={Proposal.Status.ACCEPTED}",
            "implemented": f"{proposals_url}?estado={Proposal.Status.IMPLEMENTED}",
            "upcoming": absolute_url(reverse("sessions:list")),
        },
        "sessions": [
            {
                "title": s.title,
                "date": timezone.localtime(s.starts_at).strftime("%d/%m/%Y"),
                "audience": s.dependency.name
                if s.dependency_id
                else _("Toda la entidad"),
                "url": _url("sessions:detail", s.pk),
                "conclusions": published[s.pk].summary if s.pk in published else "",
                "agreements": published[s.pk].agreements if s.pk in published else "",
            }
            for s in held
        ],
        "commitments": [
            {
                "title": p.title,
                "commitment": p.commitment,
                "due": p.due_date.strftime("%d/%m/%Y") if p.due_date else "",
                "dependency": str(p.responsible_dependency or ""),
                "url": _url("proposals:detail", p.pk),
            }
            for p in accepted
        ],
        "implemented": [
            {
                "title": p.title,
                "outcome": p.outcome,
                "impact": p.impact,
                "dependency": str(p.responsible_dependency or ""),
                "url": _url("proposals:detail", p.pk),
            }
            for p in implemented
        ],
        "upcoming": [
            {
                "title": s.title,
                "date": timezone.localtime(s.starts_at).strftime("%d/%m/%Y %H:%M"),
                "audience": s.dependency.name
                if s.dependency_id
                else _("Toda la entidad"),
                "format": s.get_format_display(),
                "url": _url("sessions:detail", s.pk),
            }
            for s in upcoming
        ],
        "campaigns": [
            {"name": t.name, "kind": t.get_kind_display(), "description": t.description}
            for t in campaigns.order_by("name")
        ],
    }


def compose_bulletin(*, today: date | None = None) -> tuple[Bulletin, bool]:
    """The draft of last month's edition; composing again returns the same one."""
    period = previous_month(today or timezone.localdate())
    existing = Bulletin.objects.filter(period_start=period.start).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        bulletin, created = Bulletin.objects.get_or_create(
            period_start=period.start,
            defaults={"period_end": period.end, "data": collect(period)},
        )
    return bulletin, created


def refresh_draft(*, bulletin_id: int) -> Bulletin:
    """Recompose a draft from the current data (e.g. conclusions published late)."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_id)
        _check_draft(bulletin)
        bulletin.data = collect(Period(bulletin.period_start, bulletin.period_end))
        bulletin.save(update_fields=["data"])
    return bulletin


def _check_draft(bulletin: Bulletin) -> None:
    if bulletin.status != Bulletin.Status.DRAFT:
        raise ValidationError(_("La edición ya fue aprobada: no se puede cambiar."))


def save_note(*, bulletin_id: int, note: str) -> Bulletin:
    note = CONTROL_CHARACTERS.sub("", note or "").strip()
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_id)
        _check_draft(bulletin)
        bulletin.editorial_note = note
        bulletin.save(update_fields=["editorial_note"])
    return bulletin


def render(bulletin: Bulletin) -> tuple[str, str, str]:
    """Subject, text and HTML of the edition, exactly as it is sent."""
    return render_email(
        "proposals/bulletin",
        {
            "bulletin": bulletin,
            "data": bulletin.data,
            "web_url": _url("proposals:bulletin", bulletin.pk),
        },
    )


def approve_bulletin(*, bulletin_id: int, actor) -> Bulletin:
    """Approve and send. Approving an edition that is already approved does nothing."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_id)
        if bulletin.status != Bulletin.Status.DRAFT:
            return bulletin
        subject, text, html = render(bulletin)
        bulletin.content = MessageContent.objects.create(
            key=f"bulletin:{bulletin.pk}",
            subject=subject,
            body_text=text,
            body_html=html,
        )
        bulletin.status = Bulletin.Status.APPROVED
        bulletin.approved_by = actor
        bulletin.approved_at = timezone.now()
        bulletin.save()
        fan_out(bulletin)
        # Start at once; the beat pump sends the rest at the provider's rate. With no
        # broker (in-process tasks) everything goes now.
        limit = 0 if settings.CELERY_TASK_ALWAYS_EAGER else None
        transaction.on_commit(partial(pump_shared, limit=limit))
    return bulletin


def fan_out(bulletin: Bulletin) -> int:
    """One pending outbox row per active staff member (the bulletin has no opt-out).

    Running it again creates nothing new. Returns the number of recipients.
    """
    if bulletin.status == Bulletin.Status.DRAFT or bulletin.content_id is None:
        raise ValidationError(_("Solo se envía una edición aprobada."))
    people = get_user_model().objects.filter(is_active=True).values_list("pk", "email")
    recipients = [(f"bulletin:{bulletin.pk}:{pk}", email, pk) for pk, email in people]
    queue_shared(content=bulletin.content, recipients=recipients, kind="bulletin")
    Bulletin.objects.filter(pk=bulletin.pk).update(recipients=len(recipients))
    bulletin.recipients = len(recipients)
    return len(recipients)


def bulletin_progress(bulletin: Bulletin) -> dict:
    """Sent / pending / failed counts, and whether the sending is over (read-only)."""
    if bulletin.content_id is None:
        counts = dict.fromkeys(Delivery.State.values, 0)
    else:
        counts = progress(Delivery.objects.filter(content_id=bulletin.content_id))
    counts["done"] = bool(bulletin.recipients) and counts[Delivery.State.PENDING] == 0
    return counts
