"""Publishing commitments to the public transparency record (Ley 1712 de 2014)."""

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

from ..models import Proposal, StatusChange


def _people_of(proposal: Proposal) -> list[str]:
    """The names tied to the proposal: its author, supporters and everyone who
    wrote in its follow-up."""
    names = [proposal.author.full_name] if proposal.author_id else []
    names += proposal.supports.values_list("user__full_name", flat=True)
    names += StatusChange.objects.filter(
        proposal=proposal, actor__isnull=False
    ).values_list("actor__full_name", flat=True)
    return names


def classify_commitment(
    *,
    proposal_id: int,
    actor,
    classification: str,
    basis: str = "",
    public_commitment: str = "",
    public_outcome: str = "",
    now=None,
) -> Proposal:
    """Classify an accepted proposal (a commitment) and set the text the public
    record shows; the original commitment and outcome are never changed. A public
    item whose text differs from the original is a partial exception and needs its
    legal basis. Hidden (moderated) proposals never reach the public record."""
    if not can_publish_transparency(actor):
        raise PermissionDenied(_("Su rol no permite clasificar información."))
    now = now or timezone.now()
    with transaction.atomic():
        try:
            proposal = (
                Proposal.objects.select_for_update(of=("self",))
                .select_related("author")
                .get(pk=proposal_id)
            )
        except Proposal.DoesNotExist:
            raise ValidationError(_("La propuesta no existe.")) from None
        if proposal.accepted_at is None or proposal.is_hidden:
            raise ValidationError(
                _("Solo se clasifican compromisos: propuestas aceptadas y visibles.")
            )
        commitment, outcome = (
            public_text(public_commitment),
            public_text(public_outcome),
        )
        public = classification == Classification.PUBLIC
        if public and not commitment:
            raise ValidationError(
                {"public_commitment": _("Escriba el compromiso que se publicará.")}
            )
        redacted = public and (
            commitment != public_text(proposal.commitment)
            or (outcome != public_text(proposal.outcome) and bool(proposal.outcome))
        )
        if public:
            names = _people_of(proposal)
            refuse_names("public_commitment", commitment, names)
            refuse_names("public_outcome", outcome, names)
        classification, basis = clean_classification(
            classification=classification, basis=basis, redacted=redacted
        )
        proposal.classification = classification
        proposal.classification_basis = basis
        proposal.public_commitment = commitment if public else ""
        proposal.public_outcome = outcome if public and proposal.outcome else ""
        proposal.classified_at = now
        proposal.classified_by = actor
        proposal.save(
            update_fields=[
                "classification",
                "classification_basis",
                "public_commitment",
                "public_outcome",
                "classified_at",
                "classified_by",
            ]
        )
    return proposal
