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
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.branding import absolute_url
from cafe.notify.models import Delivery, MessageContent
from cafe.notify.selectors import progress
from cafe.notify.services import pump_shared, queue_shared, render_email
from sessions_app.models import Campaign, Minutes, Session, Topic
from sessions_app.voice_selectors import BULLETIN, publishable_testimonials

from .bulletin_digest import digest
from .dashboard import Period
from .models import Bulletin, Proposal
from .text_cleaning import CONTROL_CHARACTERS


def previous_month(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    return Period(start=end.replace(day=1), end=end)


def _url(name: str, pk: int) -> str:
    return absolute_url(reverse(name, args=[pk]))


def collect(period: Period) -> dict:
    """Everything the edition tells, as plain values frozen at composition time.

    The lists are complete (the web edition shows them all); the e-mail shows a
    digest of them (``digest``)."""
    start, end = period.bounds
    held = (
        Session.objects.filter(
            status=Session.Status.HELD, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("dependency", "topic")
        .order_by("starts_at", "pk")
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
    # Agreements have their own section ("lo que dijimos y lo que sigue").
    accepted = (
        in_period.filter(accepted_at__gte=start, accepted_at__lt=end)
        .exclude(status=Proposal.Status.NOT_VIABLE)
        .exclude(kind=Proposal.Kind.AGREEMENT)
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
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
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
                "supports": p.support_count,
            }
            for p in accepted.order_by("accepted_at", "pk")
        ],
        "agreements": agreements(held),
        "implemented": [
            {
                "title": p.title,
                "outcome": p.outcome,
                "impact": p.impact,
                "dependency": str(p.responsible_dependency or ""),
                "url": _url("proposals:detail", p.pk),
                "supports": p.support_count,
            }
            for p in implemented.order_by("implemented_at", "pk")
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
            for s in upcoming.order_by("starts_at", "pk")
        ],
        "campaigns": _campaigns(held),
        "testimonials": _testimonials(held),
    }


def agreements(held) -> list[dict]:
    """ "Lo que dijimos y lo que sigue": the agreements of the month's sessions and
    those of earlier sessions still open, each with its current state (overdue ones
    say so; a moved due date shows the original)."""
    held_ids = {s.pk for s in held}
    rows = (
        Proposal.objects.filter(kind=Proposal.Kind.AGREEMENT, is_hidden=False)
        .filter(Q(session__in=held_ids) | Q(status__in=Proposal.OPEN_STATUSES))
        .select_related("responsible_dependency", "session")
        .defer("search_document", "session__description")
        .order_by("session__starts_at", "created_at", "pk")
    )
    return [
        {
            "title": p.title,
            "commitment": p.commitment,
            "session": p.session.title if p.session_id else "",
            "dependency": str(p.responsible_dependency or ""),
            "due": p.due_date.strftime("%d/%m/%Y") if p.due_date else "",
            "original_due": p.original_due_date.strftime("%d/%m/%Y")
            if p.original_due_date and p.original_due_date != p.due_date
            else "",
            "status": p.get_status_display(),
            "overdue": p.is_overdue,
            "this_month": p.session_id in held_ids,
            "url": _url("proposals:detail", p.pk),
        }
        for p in rows
    ]


def _campaigns(held) -> list[dict]:
    """The campaigns taken to the month's sessions (records, and topics of the
    campaign kind)."""
    topics = Topic.objects.filter(
        sessions__in=held,
        kind__in=[Topic.Kind.INTERNAL_CAMPAIGN, Topic.Kind.EXTERNAL_CAMPAIGN],
    ).distinct()
    records = Campaign.objects.filter(sessions__in=held).distinct()
    found = {
        t.name: {"name": t.name, "kind": t.get_kind_display(), "description": ""}
        for t in topics
    }
    for c in records:
        found[c.name] = {
            "name": c.name,
            "kind": _("Campaña %(scope)s") % {"scope": c.get_scope_display().lower()},
            "description": c.description,
        }
    return [found[name] for name in sorted(found)]


def _testimonials(held) -> list[dict]:
    """The quotes of the month's sessions whose consent covers the bulletin, read at
    composition time (a withdrawn consent is never composed)."""
    return [
        {
            "id": t.pk,
            "quote": t.quote,
            "person": t.person.full_name,
            "session": t.session.title,
        }
        for t in publishable_testimonials(channel=BULLETIN, sessions=held)
    ]


def drop_testimonials(*, testimonial_ids) -> int:
    """Take the quotes ``testimonial_ids`` out of every draft (a consent withdrawn
    or erased). Approved editions were sent as they were and are not rewritten.
    Returns how many drafts changed."""
    ids = set(testimonial_ids)
    changed = 0
    with transaction.atomic():
        drafts = Bulletin.objects.select_for_update().filter(
            status=Bulletin.Status.DRAFT
        )
        for bulletin in drafts:
            quotes = bulletin.data.get("testimonials", [])
            kept = [q for q in quotes if q.get("id") not in ids]
            if len(kept) != len(quotes):
                bulletin.data["testimonials"] = kept
                bulletin.data_version += 1
                bulletin.save(update_fields=["data", "data_version"])
                changed += 1
    return changed


def on_testimonials_withdrawn(sender, testimonial_ids, **kwargs) -> None:
    drop_testimonials(testimonial_ids=testimonial_ids)


def compose_bulletin(*, today: date | None = None, actor=None) -> tuple[Bulletin, bool]:
    """The draft of last month's edition; composing again returns the same one.
    ``actor`` (None for the monthly task) is recorded as who drafted it."""
    period = previous_month(today or timezone.localdate())
    existing = Bulletin.objects.filter(period_start=period.start).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        bulletin, created = Bulletin.objects.get_or_create(
            period_start=period.start,
            defaults={
                "period_end": period.end,
                "data": collect(period),
                "drafted_by": actor,
            },
        )
    return bulletin, created


def refresh_draft(*, bulletin_id: int, actor=None) -> Bulletin:
    """Recompose a draft from the current data (e.g. conclusions published late)."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_id)
        _check_draft(bulletin)
        bulletin.data = collect(Period(bulletin.period_start, bulletin.period_end))
        bulletin.data_version += 1  # locked: no concurrent recomposition
        bulletin.last_edited_by = actor or bulletin.last_edited_by
        bulletin.save(update_fields=["data", "data_version", "last_edited_by"])
    return bulletin


def _check_draft(bulletin: Bulletin) -> None:
    if bulletin.status != Bulletin.Status.DRAFT:
        raise ValidationError(_("La edición ya fue aprobada: no se puede cambiar."))


def save_note(*, bulletin_id: int, note: str, actor=None) -> Bulletin:
    note = CONTROL_CHARACTERS.sub("", note or "").strip()
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_id)
        _check_draft(bulletin)
        if note != bulletin.editorial_note:
            bulletin.editorial_note = note
            bulletin.last_edited_by = actor or bulletin.last_edited_by
        bulletin.save(update_fields=["editorial_note", "last_edited_by"])
    return bulletin


def render(bulletin: Bulletin) -> tuple[str, str, str]:
    """Subject, text and HTML of the edition, exactly as it is sent."""
    return render_email(
        "proposals/bulletin",
        {
            "bulletin": bulletin,
            "data": digest(bulletin.data),
            "web_url": _url("proposals:bulletin", bulletin.pk),
            **media(bulletin, absolute=True),
        },
    )


def media(bulletin: Bulletin, *, absolute: bool = False) -> dict:
    """The edition's photos (with their address) and video links, two queries."""
    photos = [
        {
            "url": absolute_url(p.image.url) if absolute else p.image.url,
            "alt": p.alt_text,
            "caption": p.caption,
            "width": p.width,
            "height": p.height,
            "pk": p.pk,
        }
        for p in bulletin.photos.all()
    ]
    return {"photos": photos, "videos": list(bulletin.videos.all())}


def check_four_eyes(bulletin: Bulletin, actor) -> None:
    """A second person approves: never whoever drafted or last edited it."""
    actor_id = getattr(actor, "pk", None)
    if actor_id is not None and actor_id in (
        bulletin.drafted_by_id,
        bulletin.last_edited_by_id,
    ):
        raise ValidationError(
            _(
                "Usted redactó o editó esta edición: debe aprobarla otra persona "
                "(Despacho u otra persona de Comunicaciones)."
            )
        )


def approve_bulletin(*, bulletin_id: int, actor) -> Bulletin:
    """Approve and send. Approving an edition that is already approved does nothing;
    whoever drafted or last edited it may not approve it (four eyes)."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_id)
        if bulletin.status != Bulletin.Status.DRAFT:
            return bulletin
        check_four_eyes(bulletin, actor)
        # A consent withdrawn since composing (belt and braces: the withdrawal
        # already took the quote out of the drafts).
        quotes = bulletin.data.get("testimonials", [])
        standing = set(
            publishable_testimonials(channel=BULLETIN)
            .filter(pk__in=[q["id"] for q in quotes])
            .values_list("pk", flat=True)
        )
        bulletin.data["testimonials"] = [q for q in quotes if q["id"] in standing]
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
    # Whoever revoked the authorisation gets no bulletin until they accept again.
    people = (
        get_user_model()
        .objects.filter(is_active=True, data_use_revoked_at__isnull=True)
        .values_list("pk", "email")
    )
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
