"""The leader's agenda: the times Comunicaciones blocks (the planner avoids them)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import AgendaBlock


def add_agenda_block(
    *, actor, starts_at: datetime, ends_at: datetime, reason: str
) -> AgendaBlock:
    """Block [starts_at, ends_at) in the leader's agenda, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Escriba el motivo del bloqueo.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("El fin debe ser posterior al inicio.")})
    with transaction.atomic():
        block = AgendaBlock(
            starts_at=starts_at, ends_at=ends_at, reason=reason, created_by=actor
        )
        block.full_clean()
        block.save()
    return block


def remove_agenda_block(*, block_id: int, actor) -> None:
    """Free a blocked time again. Removing one already removed changes nothing."""
    with transaction.atomic():
        AgendaBlock.objects.filter(pk=block_id).delete()
