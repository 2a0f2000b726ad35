"""The pulse survey: once per attendee of a held session."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Feedback, Registration, Session


def submit_feedback(*, session_id: int, user, data: dict) -> Feedback:
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
    return feedback
