"""Supresión and revocatoria carried out by the system (Ley 1581 de 2012, arts. 8-9,
15; Decreto 1377 de 2013, art. 9).

Supresión anonymises the account in place: the person's row stays as a "Persona
retirada" without name, e-mail, dependency or position, so every registration,
attendance, support and survey answer keeps counting (and every unique constraint
keeps holding) while nothing left identifies them. Apps above ``org`` register what
they hold with ``register_erasure`` in their ``AppConfig.ready``: each handler gets the
person (still with their name and e-mail) and returns ``{what: how many rows}``. A new
app that stores personal data (testimonials, for instance) registers its own handler
there; nothing in ``org`` needs to change.

Revocatoria stops every optional use (invitations, bulletin) and asks for consent again
at the next visit; the proof of the earlier acceptances is kept.
"""

import re
from collections.abc import Callable

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.notify.models import Delivery

from . import services
from .models import (
    DataRequest,
    DataRequestEvent,
    Dependency,
    DirectoryImport,
    PrivacyConsent,
)

RETIRED_NAME = "Persona retirada"
REDACTED = "[suprimido]"
# The optional messages a revocatoria stops (the bulletin and monthly invitations).
OPTIONAL_KINDS = ("bulletin", "invitation")

_erasers: list[Callable] = []


def register_erasure(handler: Callable) -> None:
    """Register ``handler(person) -> dict[str, int]``, run inside the erasure."""
    if handler not in _erasers:
        _erasers.append(handler)


def redact(text: str, person) -> str:
    """``text`` with the person's name and e-mail replaced (case-insensitive)."""
    if not text:
        return text
    for needle in (person.email, person.full_name):
        if needle:
            text = re.sub(re.escape(needle), REDACTED, text, flags=re.IGNORECASE)
    return text


def mentions_in(person, *fields: str) -> Q:
    """Rows whose ``fields`` contain the person's name or e-mail."""
    query = Q()
    for field in fields:
        for needle in (person.email, person.full_name):
            if needle:
                query |= Q(**{f"{field}__icontains": needle})
    return query


def _purge_outbox(person) -> int:
    about = Q(recipient=person) | Q(to_email__iexact=person.email)
    about |= mentions_in(person, "subject", "body_text", "body_html")
    deleted, _detail = Delivery.objects.filter(about).delete()
    return deleted


def _purge_login_logs(person) -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    total = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        deleted, _detail = model.objects.filter(username__iexact=person.email).delete()
        total += deleted
    return total


def _scrub_admin_log(person) -> int:
    user_type = ContentType.objects.get_for_model(get_user_model())
    rows = LogEntry.objects.filter(
        Q(content_type=user_type, object_id=str(person.pk))
        | mentions_in(person, "object_repr", "change_message")
    )
    count = 0
    for entry in rows:
        entry.object_repr = redact(entry.object_repr, person)
        if entry.content_type_id == user_type.pk:
            entry.object_repr = RETIRED_NAME
        entry.change_message = redact(entry.change_message, person)
        entry.save(update_fields=["object_repr", "change_message"])
        count += 1
    return count


def _scrub_rosters(person) -> int:
    """Roster files from Talento Humano: the person's row loses its cells."""
    count = 0
    needle = person.email.lower()
    for record in DirectoryImport.objects.all().only("pk", "rows"):
        changed = False
        rows = []
        for row in record.rows:
            if any(needle in str(cell).lower() for cell in row):
                row = [REDACTED for _cell in row]
                changed = True
            rows.append(row)
        if changed:
            DirectoryImport.objects.filter(pk=record.pk).update(rows=rows)
            count += 1
    return count


def _scrub_requests(person) -> int:
    """The person's habeas requests keep number, dates and steps; their texts go."""
    count = 0
    for request in DataRequest.objects.filter(person=person):
        request.text = REDACTED
        request.answer = redact(request.answer, person)
        request.missing_info = redact(request.missing_info, person)
        request.extension_reason = redact(request.extension_reason, person)
        request.save()
        count += 1
    for event in DataRequestEvent.objects.filter(mentions_in(person, "note")):
        event.note = redact(event.note, person)
        event.save(update_fields=["note"])
    return count


def _anonymise_account(person) -> None:
    get_user_model()
    Dependency.objects.filter(head=person).update(head=None)
    person.groups.clear()
    person.user_permissions.clear()
    services.end_user_sessions(user_id=person.pk)
    person.full_name = RETIRED_NAME
    person.email = f"retirada-{person.pk}@suprimida.invalid"
    person.position = ""
    person.dependency = None
    person.liaison_of = None
    person.contract_ends_on = None
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.last_login = None
    person.wants_invitations = False
    person.wants_reminders = False
    person.privacy_notice_version = ""
    person.privacy_accepted_at = None
    person.erased_at = timezone.now()
    person.set_unusable_password()
    person.save()


def erase_person(*, person, actor=None, request_id: int | None = None) -> dict:
    """Carry out a supresión: every personal datum of ``person`` is anonymised or
    purged, counts stay. Returns ``{what: rows}``; records it on the request.

    Refuses while a message to the person is still waiting in the outbox (the answer
    to their reclamo must leave first).
    """
    if person.erased_at:
        raise ValidationError(_("Los datos de esta persona ya se suprimieron."))
    pending = Delivery.objects.filter(
        Q(recipient=person) | Q(to_email__iexact=person.email),
        state=Delivery.State.PENDING,
    )
    if pending.exists():
        raise ValidationError(
            _(
                "Aún hay correos pendientes para esta persona (por ejemplo, la "
                "respuesta a su reclamo). Ejecute la supresión cuando hayan salido."
            )
        )
    with transaction.atomic():
        summary = {}
        for handler in _erasers:
            summary.update(handler(person))
        summary["correos"] = _purge_outbox(person)
        summary["registros_de_ingreso"] = _purge_login_logs(person)
        summary["aceptaciones_del_aviso"] = PrivacyConsent.objects.filter(
            user=person
        ).update(ip_address=None, user_agent="")
        summary["registro_de_administracion"] = _scrub_admin_log(person)
        summary["cargas_del_directorio"] = _scrub_rosters(person)
        summary["solicitudes"] = _scrub_requests(person)
        _anonymise_account(person)
        _record(request_id, actor, DataRequestEvent.Action.ERASED, summary)
    return summary


def revoke_consent(*, person, actor=None, request_id: int | None = None) -> dict:
    """Carry out a revocatoria: no more invitations or bulletin, pending optional
    messages withdrawn, and the notice asked again at the next visit."""
    with transaction.atomic():
        User = get_user_model()
        now = timezone.now()
        User.objects.filter(pk=person.pk).update(
            data_use_revoked_at=now,
            privacy_notice_version="",
            privacy_accepted_at=None,
        )
        person.data_use_revoked_at = now
        person.privacy_notice_version = ""
        person.privacy_accepted_at = None
        withdrawn, _detail = Delivery.objects.filter(
            recipient=person, kind__in=OPTIONAL_KINDS, state=Delivery.State.PENDING
        ).delete()
        summary = {"correos_opcionales_retirados": withdrawn}
        _record(request_id, actor, DataRequestEvent.Action.REVOKED, summary)
    return summary


def _record(request_id, actor, action, summary) -> None:
    if request_id is None:
        return
    DataRequest.objects.filter(pk=request_id).update(carried_out_at=timezone.now())
    DataRequestEvent.objects.create(
        request_id=request_id, actor=actor, action=action, details=summary
    )


def carry_out(*, request_id: int, actor) -> dict:
    """Run the supresión or revocatoria a reclamo asks for (after its answer)."""
    request = DataRequest.objects.select_related("person").filter(pk=request_id).first()
    if request is None:
        raise ValidationError(_("La solicitud no existe."))
    if request.claim not in (DataRequest.Claim.ERASE, DataRequest.Claim.REVOKE):
        raise ValidationError(_("Esta solicitud no pide supresión ni revocatoria."))
    if request.state != DataRequest.State.ANSWERED:
        raise ValidationError(_("Responda la solicitud antes de ejecutarla."))
    if request.carried_out_at is not None:
        raise ValidationError(_("Esta solicitud ya se ejecutó."))
    if request.claim == DataRequest.Claim.ERASE:
        return erase_person(person=request.person, actor=actor, request_id=request.pk)
    return revoke_consent(person=request.person, actor=actor, request_id=request.pk)
