"""Moderation by Comunicaciones: hide with a reason (never delete), merge duplicates."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Proposal, StatusChange, Support
from .capture import recount_supports


def _log(proposal: Proposal, actor, note: str) -> None:
    StatusChange.objects.create(
        proposal=proposal,
        event=StatusChange.Event.MODERATED,
        from_status=proposal.status,
        to_status=proposal.status,
        note=note,
        actor=actor,
        created_at=timezone.now(),
        is_public=False,
    )


def hide_proposal(*, proposal_id: int, actor, reason: str) -> Proposal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Escriba el motivo para ocultar la propuesta."))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
        proposal.is_hidden = True
        proposal.hidden_reason = reason
        proposal.save(update_fields=["is_hidden", "hidden_reason"])
        _log(proposal, actor, _("Oculta: %(reason)s") % {"reason": reason})
    return proposal


def unhide_proposal(*, proposal_id: int, actor) -> Proposal:
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
        if proposal.duplicate_of_id:
            raise ValidationError(_("Una propuesta duplicada sigue oculta."))
        proposal.is_hidden = False
        proposal.save(update_fields=["is_hidden"])
        _log(proposal, actor, _("Visible de nuevo."))
    return proposal


def mark_duplicate(*, proposal_id: int, original_id: int, actor) -> Proposal:
    """Merge ``proposal`` into ``original`` in one step: hide it as a duplicate, move
    its supports over (a person who supported both keeps one; the original's author
    supports nothing of their own), point its own earlier duplicates at the original
    too (so every tracking code leads to the live proposal), and note the merge in
    both timelines. The duplicate's author and code holders follow the original
    from then on (``emails.proposal_changed``, the code lookup)."""
    if proposal_id == original_id:
        raise ValidationError(_("Una propuesta no puede ser duplicada de sí misma."))
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Proposal.objects.select_for_update().filter(
                pk__in=[proposal_id, original_id]
            )
        }
        proposal, original = locked.get(proposal_id), locked.get(original_id)
        if proposal is None or original is None:
            raise ValidationError(_("La propuesta original no existe."))
        if original.duplicate_of_id or original.is_hidden:
            raise ValidationError(
                _("La propuesta original está oculta o es un duplicado.")
            )
        already = Support.objects.filter(proposal=original).values_list(
            "user_id", flat=True
        )
        moving = Support.objects.filter(proposal=proposal).exclude(user_id__in=already)
        moving = (
            moving.exclude(user_id=original.author_id) if original.author_id else moving
        )
        moved = moving.update(proposal=original)
        Support.objects.filter(proposal=proposal).delete()
        recount_supports([proposal.pk, original.pk])
        Proposal.objects.filter(duplicate_of=proposal).update(duplicate_of=original)
        proposal.duplicate_of = original
        proposal.is_hidden = True
        proposal.hidden_reason = _("Duplicada de «%(title)s».") % {
            "title": original.title
        }
        proposal.save(update_fields=["duplicate_of", "is_hidden", "hidden_reason"])
        _log(proposal, actor, proposal.hidden_reason)
        StatusChange.objects.create(
            proposal=original,
            event=StatusChange.Event.MODERATED,
            from_status=original.status,
            to_status=original.status,
            note=_(
                "Se unió a esta la propuesta N.º %(n)s, que planteaba lo mismo "
                "(apoyos sumados: %(moved)s)."
            )
            % {"n": proposal.pk, "moved": moved},
            actor=actor,
            created_at=timezone.now(),
        )
    return proposal
