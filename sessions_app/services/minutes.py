"""Conclusions: Comunicaciones writes, Despacho approves or returns; versions kept."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import emails
from ..models import Minutes, MinutesVersion, Registration, Session

FIELDS = ("summary", "agreements", "video_url", "post_url")


def _snapshot(
    minutes: Minutes, *, actor, event: str, comment: str = ""
) -> MinutesVersion:
    last = minutes.versions.aggregate(n=Max("number"))["n"] or 0
    return MinutesVersion.objects.create(
        minutes=minutes,
        number=last + 1,
        status=minutes.status,
        event=event,
        comment=comment,
        saved_by=actor,
        **{field: getattr(minutes, field) for field in FIELDS},
    )


def _locked_minutes(session_id: int) -> Minutes:
    try:
        return (
            Minutes.objects.select_for_update()
            .select_related("session")
            .get(session_id=session_id)
        )
    except Minutes.DoesNotExist:
        raise ValidationError(_("Esta sesión todavía no tiene conclusiones.")) from None


def save_minutes(*, session_id: int, actor, data: dict) -> Minutes:
    """Write or edit the conclusions of a held session while they are a draft."""
    with transaction.atomic():
        session = Session.objects.select_for_update(no_key=True).get(pk=session_id)
        if session.status != Session.Status.HELD:
            raise ValidationError(
                _(
                    "Las conclusiones se escriben cuando la sesión está marcada "
                    "como realizada."
                )
            )
        minutes = Minutes.objects.select_for_update().filter(session=session).first()
        if minutes is None:
            minutes = Minutes(session=session)
        elif minutes.status != Minutes.Status.DRAFT:
            raise ValidationError(
                _(
                    "Las conclusiones están en revisión o publicadas: ya no se pueden "
                    "editar."
                )
            )
        for field in FIELDS:
            setattr(minutes, field, data.get(field, "") or "")
        minutes.full_clean()
        minutes.save()
        _snapshot(minutes, actor=actor, event="guardada")
    return minutes


def submit_minutes(*, session_id: int, actor) -> Minutes:
    with transaction.atomic():
        minutes = _locked_minutes(session_id)
        if minutes.status != Minutes.Status.DRAFT:
            raise ValidationError(_("Solo un borrador puede enviarse a revisión."))
        minutes.status = Minutes.Status.IN_REVIEW
        minutes.review_comment = ""
        minutes.save(update_fields=["status", "review_comment", "updated_at"])
        _snapshot(minutes, actor=actor, event="enviada a revisión")
    return minutes


def approve_minutes(*, session_id: int, actor, now=None) -> Minutes:
    """Publish the conclusions and e-mail everyone who registered or attended."""
    now = now or timezone.now()
    with transaction.atomic():
        minutes = _locked_minutes(session_id)
        if minutes.status != Minutes.Status.IN_REVIEW:
            raise ValidationError(
                _("Solo se aprueban conclusiones que están en revisión.")
            )
        minutes.status = Minutes.Status.PUBLISHED
        minutes.published_at = now
        minutes.save(update_fields=["status", "published_at", "updated_at"])
        _snapshot(minutes, actor=actor, event="aprobada y publicada")
        registrants = Registration.objects.select_related("user").filter(
            session_id=session_id, status=Registration.Status.CONFIRMED
        )
        emails.minutes_published(minutes.session, minutes, registrants)
    return minutes


def return_minutes(*, session_id: int, actor, comment: str) -> Minutes:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Escriba qué hay que corregir antes de devolverlas."))
    with transaction.atomic():
        minutes = _locked_minutes(session_id)
        if minutes.status != Minutes.Status.IN_REVIEW:
            raise ValidationError(
                _("Solo se devuelven conclusiones que están en revisión.")
            )
        minutes.status = Minutes.Status.DRAFT
        minutes.review_comment = comment
        minutes.save(update_fields=["status", "review_comment", "updated_at"])
        _snapshot(
            minutes, actor=actor, event="devuelta con comentarios", comment=comment
        )
    return minutes
