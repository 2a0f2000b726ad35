"""Publishing conclusions to the public transparency record (Ley 1712 de 2014)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.common.classification import (
    Classification,
    clean_classification,
    public_text,
    refuse_names,
)
from cafe.org.permissions import can_publish_transparency

from ..models import Minutes, Registration


def _people_of(minutes: Minutes) -> list[str]:
    """The names tied to the session: host, registrants, who wrote and approved."""
    session = minutes.session
    names = [session.host_name]
    names += Registration.objects.filter(session=session).values_list(
        "user__full_name", flat=True
    )
    names += minutes.versions.filter(saved_by__isnull=False).values_list(
        "saved_by__full_name", flat=True
    )
    return names


def classify_minutes(
    *,
    session_id: int,
    actor,
    classification: str,
    basis: str = "",
    public_summary: str = "",
    public_agreements: str = "",
    now=None,
) -> Minutes:
    """Classify the published conclusions of a session and set the text the public
    record shows. The original text is never changed. A public item whose text
    differs from the original is a partial exception and needs its legal basis;
    withheld items keep no public text."""
    if not can_publish_transparency(actor):
        raise PermissionDenied(_("Su rol no permite clasificar información."))
    now = now or timezone.now()
    with transaction.atomic():
        try:
            minutes = (
                Minutes.objects.select_for_update()
                .select_related("session")
                .get(session_id=session_id)
            )
        except Minutes.DoesNotExist:
            raise ValidationError(
                _("Esta sesión todavía no tiene conclusiones.")
            ) from None
        if minutes.status != Minutes.Status.PUBLISHED:
            raise ValidationError(
                _("Solo se clasifican conclusiones ya aprobadas y publicadas.")
            )
        summary, agreements = (
            public_text(public_summary),
            public_text(public_agreements),
        )
        public = classification == Classification.PUBLIC
        if public and not summary:
            raise ValidationError(
                {"public_summary": _("Escriba el resumen que se publicará.")}
            )
        redacted = public and (
            summary != public_text(minutes.summary)
            or agreements != public_text(minutes.agreements)
        )
        if public:
            names = _people_of(minutes)
            refuse_names("public_summary", summary, names)
            refuse_names("public_agreements", agreements, names)
        classification, basis = clean_classification(
            classification=classification, basis=basis, redacted=redacted
        )
        minutes.classification = classification
        minutes.classification_basis = basis
        minutes.public_summary = summary if public else ""
        minutes.public_agreements = agreements if public else ""
        minutes.classified_at = now
        minutes.classified_by = actor
        minutes.save(
            update_fields=[
                "classification",
                "classification_basis",
                "public_summary",
                "public_agreements",
                "classified_at",
                "classified_by",
                "updated_at",
            ]
        )
    return minutes
