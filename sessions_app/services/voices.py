"""Campaigns and testimonials: record them, and withdraw a quote's consent.

A withdrawn (or erased) quote is never composed again: every edition and export reads
the consent at composition time (``selectors.publishable_testimonials``), and
``testimonials_withdrawn`` lets the bulletin drop it from drafts already composed.
Editions already sent are not rewritten."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.org.models import User

from ..models import Campaign, Session, Testimonial
from ..voice_models import QUOTE_MAX_LENGTH

# Sent inside the writing transaction with ``testimonial_ids``: quotes that may
# no longer be published.
testimonials_withdrawn = Signal()


def save_campaign(*, campaign: Campaign | None = None, data: dict) -> Campaign:
    """Create or update a campaign (the form has validated ``data``)."""
    campaign = campaign or Campaign()
    for field, value in data.items():
        setattr(campaign, field, value)
    campaign.full_clean()
    campaign.save()
    return campaign


def record_testimonial(
    *,
    session_id: int,
    person: User,
    quote: str,
    for_social: bool,
    for_bulletin: bool,
    consent_method: str,
    consent_note: str = "",
    consented_at: datetime | None = None,
    actor: User,
) -> Testimonial:
    """Keep a participant's quote with the consent they gave: for which channels,
    how, when and who recorded it. Only quotes of held sessions."""
    quote = " ".join((quote or "").split())
    errors = {}
    if not quote:
        errors["quote"] = _("Escriba la cita.")
    elif len(quote) > QUOTE_MAX_LENGTH:
        errors["quote"] = _("La cita no puede pasar de %(n)s caracteres.") % {
            "n": QUOTE_MAX_LENGTH
        }
    if not (for_social or for_bulletin):
        errors["for_social"] = _(
            "Marque al menos un canal que la persona autorizó: redes sociales o "
            "boletín."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = Session.objects.get(pk=session_id)
        if session.status != Session.Status.HELD:
            raise ValidationError(
                _("Solo se registran testimonios de sesiones realizadas.")
            )
        testimonial = Testimonial(
            session=session,
            person=person,
            quote=quote,
            for_social=for_social,
            for_bulletin=for_bulletin,
            consent_method=consent_method,
            consent_note=(consent_note or "").strip(),
            consented_at=consented_at or timezone.now(),
            recorded_by=actor,
        )
        testimonial.full_clean()
        testimonial.save()
    return testimonial


def withdraw_testimonial(*, testimonial_id: int, actor: User, own: bool = False):
    """Withdraw the consent to publish a quote. ``own`` means the person withdraws it
    themselves (only their own quote). Withdrawing twice changes nothing."""
    with transaction.atomic():
        testimonial = Testimonial.objects.select_for_update().get(pk=testimonial_id)
        if own and testimonial.person_id != actor.pk:
            raise Testimonial.DoesNotExist
        if testimonial.withdrawn_at is None:
            testimonial.withdrawn_at = timezone.now()
            testimonial.withdrawn_by = actor
            testimonial.save(update_fields=["withdrawn_at", "withdrawn_by"])
            _announce([testimonial.pk])
    return testimonial


def erase_testimonials_of(user: User) -> int:
    """Delete every quote of ``user`` (suppression of personal data). Returns how
    many were deleted; drafts composed with them drop them too."""
    with transaction.atomic():
        ids = list(Testimonial.objects.filter(person=user).values_list("pk", flat=True))
        Testimonial.objects.filter(pk__in=ids).delete()
        if ids:
            _announce(ids)
    return len(ids)


def _announce(ids: list[int]) -> None:
    # Inside the transaction: the drafts change with the consent, or neither does.
    testimonials_withdrawn.send(sender=Testimonial, testimonial_ids=ids)
