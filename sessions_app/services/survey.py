"""The pulse survey: once per attendee of a held session."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import CampaignRating, Feedback, Registration, Session


def submit_feedback(
    *, session_id: int, user, data: dict, ratings: dict | None = None
) -> Feedback:
    """Keep one attendee's answer. ``ratings`` maps a campaign of the session (its
    id) to ``{"score": 1..5, "comment": str}``; campaigns left out are not rated."""
    with transaction.atomic():
        session = Session.objects.get(pk=session_id)
        if session.status != Session.Status.HELD:
            raise ValidationError(_("La encuesta se abre cuando la sesión se realizó."))
        attended = Registration.objects.filter(
            session=session, user=user, checked_in_at__isnull=False
        ).exists()
        if not attended:
            raise ValidationError(
                _("Solo quienes asistieron pueden responder la encuesta.")
            )
        if Feedback.objects.filter(session=session, user=user).exists():
            raise ValidationError(_("Usted ya respondió la encuesta de esta sesión."))
        feedback = Feedback(session=session, user=user, **data)
        feedback.full_clean()
        try:
            with transaction.atomic():
                feedback.save()
        except IntegrityError:
            raise ValidationError(
                _("Usted ya respondió la encuesta de esta sesión.")
            ) from None
        _rate_campaigns(feedback, ratings or {})
    return feedback


def _rate_campaigns(feedback: Feedback, ratings: dict) -> None:
    allowed = set(feedback.session.campaigns.values_list("pk", flat=True))
    rows = []
    for campaign_id, rating in ratings.items():
        if campaign_id not in allowed:
            raise ValidationError(_("Esa campaña no hizo parte de la sesión."))
        row = CampaignRating(
            feedback=feedback,
            campaign_id=campaign_id,
            score=rating.get("score"),
            comment=(rating.get("comment") or "").strip(),
        )
        row.full_clean(exclude=["feedback", "campaign"])
        rows.append(row)
    CampaignRating.objects.bulk_create(rows)
