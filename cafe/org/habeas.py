"""Habeas data: consultas and reclamos with their legal clocks (Ley 1581 de 2012,
arts. 14-15), counted on the Colombian business-day calendar.

- Consulta: answered within 10 business days, extendable once by 5 with a reasoned
  notice to the person.
- Reclamo: answered within 15 business days, extendable once by 8. An incomplete
  reclamo is answered within 5 business days asking for what is missing; two months
  after that request without an answer it counts as withdrawn (desistido).
- Terms count from the day after the request is received (complete).
"""

import uuid
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cafe.common.business_days import add_business_days, is_business_day
from cafe.notify.services import send_templated

from . import roles
from .models import DataRequest, DataRequestEvent

Kind = DataRequest.Kind
State = DataRequest.State
Action = DataRequestEvent.Action

# kind -> (term, extension), in business days
TERMS = {Kind.CONSULTA: (10, 5), Kind.RECLAMO: (15, 8)}
MISSING_INFO_DAYS = 5
WITHDRAWAL_MONTHS = 2
WARNING_DAYS = 3
MAX_TEXT = 4000


# --- Clocks --------------------------------------------------------------------------


def due_date(kind: str, received_on: date, *, extended: bool = False) -> date:
    """The last day to answer a request received (complete) on ``received_on``."""
    term, extension = TERMS[kind]
    return add_business_days(received_on, term + (extension if extended else 0))


def missing_info_deadline(received_on: date) -> date:
    """The last day to ask the person for what an incomplete reclamo lacks."""
    return add_business_days(received_on, MISSING_INFO_DAYS)


def withdrawal_date(requested_on: date) -> date:
    """From this day on, an incomplete reclamo without an answer is withdrawn."""
    return requested_on + relativedelta(months=WITHDRAWAL_MONTHS)


def business_days_between(start: date, end: date) -> int:
    """Business days after ``start`` up to ``end`` included; negative when ``end`` is
    before ``start`` (how many business days late)."""
    if end == start:
        return 0
    sign, low, high = (1, start, end) if end > start else (-1, end, start)
    count, day = 0, low
    while day < high:
        day += relativedelta(days=1)
        count += is_business_day(day)
    return sign * count


@dataclass(frozen=True)
class Clock:
    """Where a request stands against its term, for the queue."""

    due_on: date
    days_left: int  # business days; negative: overdue by that many
    warning: bool  # WARNING_DAYS business days or fewer left
    overdue: bool
    withdrawal_on: date | None  # incomplete reclamos only

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)


def clock_of(request: DataRequest, today: date | None = None) -> Clock:
    today = today or timezone.localdate()
    left = business_days_between(today, request.due_on)
    withdrawal_on = None
    if request.state == State.INCOMPLETE and request.missing_requested_at:
        withdrawal_on = withdrawal_date(
            timezone.localdate(request.missing_requested_at)
        )
    running = request.state == State.OPEN
    return Clock(
        due_on=request.due_on,
        days_left=left,
        warning=running and 0 <= left <= WARNING_DAYS,
        overdue=running and today > request.due_on,
        withdrawal_on=withdrawal_on,
    )


# --- Services ------------------------------------------------------------------------


def _event(request, action, actor=None, note="", details=None) -> DataRequestEvent:
    return DataRequestEvent.objects.create(
        request=request, action=action, actor=actor, note=note, details=details or {}
    )


def _mail(request: DataRequest, step: str) -> dict:
    """The e-mail to the person about their request, once per request and step (the
    caller adds the template and the kind)."""
    person = request.person
    return {
        "key": f"habeas:{request.pk}:{step}",
        "context": {
            "request": request,
            "person_name": person.full_name,
            "url": settings.CAFE_SITE_URL + reverse("my_data"),
        },
        "to": person.email,
        "recipient": person,
    }


def _clean_text(text: str, field: str | None = None) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            _("Escriba %(what)s.") % {"what": field or _("su solicitud")}
        )
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("El texto no puede pasar de %(n)s caracteres.") % {"n": MAX_TEXT}
        )
    return text


def file_request(*, person, kind: str, claim: str = "", text: str) -> DataRequest:
    """File a consulta or reclamo of ``person``: a filing number (HD-AAAA-NNNNNN), the
    legal term computed from today, and an e-mail to the person."""
    if kind not in Kind.values:
        raise ValidationError(_("Elija si es una consulta o un reclamo."))
    if kind == Kind.RECLAMO and claim not in DataRequest.Claim.values:
        raise ValidationError(_("Elija el tipo de reclamo."))
    if kind == Kind.CONSULTA:
        claim = ""
    text = _clean_text(text)
    today = timezone.localdate()
    with transaction.atomic():
        request = DataRequest.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced below, once the pk exists
            person=person,
            kind=kind,
            claim=claim,
            text=text,
            received_on=today,
            due_on=due_date(kind, today),
        )
        request.number = f"HD-{today.year}-{request.pk:06d}"
        request.save(update_fields=["number"])
        _event(request, Action.FILED, actor=person)
        send_templated(
            **_mail(request, "filed"),
            template="org/habeas_filed",
            kind="habeas_filed",
        )
    return request


def _open_request(request_id: int) -> DataRequest:
    request = (
        DataRequest.objects.select_for_update()
        .select_related("person")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise ValidationError(_("La solicitud no existe."))
    if not request.is_open:
        raise ValidationError(_("La solicitud ya está cerrada."))
    return request


def extend_request(*, request_id: int, actor, reason: str) -> DataRequest:
    """Extend the term once, with the reasons told to the person (art. 14-15)."""
    reason = _clean_text(reason, _("el motivo de la prórroga"))
    with transaction.atomic():
        request = _open_request(request_id)
        if request.extended_at is not None:
            raise ValidationError(_("El término ya se prorrogó una vez."))
        if request.state != State.OPEN:
            raise ValidationError(_("Solo se prorroga una solicitud en trámite."))
        if timezone.localdate() > request.due_on:
            raise ValidationError(_("El término ya venció: no se puede prorrogar."))
        request.extended_at = timezone.now()
        request.extension_reason = reason
        request.due_on = due_date(request.kind, request.received_on, extended=True)
        request.handled_by = actor
        request.save()
        _event(request, Action.EXTENDED, actor=actor, note=reason)
        send_templated(
            **_mail(request, "extended"),
            template="org/habeas_extended",
            kind="habeas_extended",
        )
    return request


def request_missing_info(*, request_id: int, actor, missing: str) -> DataRequest:
    """Ask the person what an incomplete reclamo lacks; the term stops until then."""
    missing = _clean_text(missing, _("qué información falta"))
    with transaction.atomic():
        request = _open_request(request_id)
        if request.kind != Kind.RECLAMO or request.state != State.OPEN:
            raise ValidationError(
                _("Solo se pide información de un reclamo en trámite.")
            )
        deadline = missing_info_deadline(request.received_on)
        if timezone.localdate() > deadline:
            raise ValidationError(
                _("El plazo para pedir información faltante venció el %(d)s.")
                % {"d": deadline.strftime("%d/%m/%Y")}
            )
        request.state = State.INCOMPLETE
        request.missing_requested_at = timezone.now()
        request.missing_info = missing
        request.handled_by = actor
        request.save()
        _event(request, Action.MISSING, actor=actor, note=missing)
        send_templated(
            **_mail(request, "missing"),
            template="org/habeas_missing",
            kind="habeas_missing",
        )
    return request


def complete_request(*, request_id: int, person, text: str) -> DataRequest:
    """The person sends what was missing: the reclamo is received complete today and
    its 15 business days start again."""
    text = _clean_text(text, _("la información que falta"))
    with transaction.atomic():
        request = _open_request(request_id)
        if request.person_id != person.pk or request.state != State.INCOMPLETE:
            raise ValidationError(_("Esta solicitud no espera información suya."))
        today = timezone.localdate()
        request.text = f"{request.text}\n\n{text}"[:MAX_TEXT]
        request.state = State.OPEN
        request.received_on = today
        request.due_on = due_date(
            request.kind, today, extended=request.extended_at is not None
        )
        request.save()
        _event(request, Action.COMPLETED, actor=person, note=text)
    return request


def answer_request(*, request_id: int, actor, answer: str) -> DataRequest:
    """Answer and close the request; the answer goes to the person by e-mail."""
    answer = _clean_text(answer, _("la respuesta"))
    with transaction.atomic():
        request = _open_request(request_id)
        request.state = State.ANSWERED
        request.answer = answer
        request.answered_at = timezone.now()
        request.handled_by = actor
        request.save()
        _event(request, Action.ANSWERED, actor=actor, note=answer)
        send_templated(
            **_mail(request, "answered"),
            template="org/habeas_answered",
            kind="habeas_answered",
        )
    return request


def open_reclamo_of(person) -> DataRequest | None:
    """The person's open reclamo, if any: their records show "reclamo en trámite"."""
    return (
        DataRequest.objects.filter(
            person=person, kind=Kind.RECLAMO, state__in=DataRequest.OPEN_STATES
        )
        .order_by("filed_at")
        .first()
    )


# --- The daily job -------------------------------------------------------------------


def withdraw_abandoned(*, today: date | None = None) -> int:
    """Incomplete reclamos two months after the request without an answer are
    withdrawn (desistidos). Returns how many."""
    today = today or timezone.localdate()
    done = 0
    candidates = DataRequest.objects.filter(
        state=State.INCOMPLETE, missing_requested_at__isnull=False
    )
    for request in candidates:
        asked = timezone.localdate(request.missing_requested_at)
        if today < withdrawal_date(asked):
            continue
        with transaction.atomic():
            changed = DataRequest.objects.filter(
                pk=request.pk, state=State.INCOMPLETE
            ).update(state=State.WITHDRAWN)
            if changed:
                _event(request, Action.WITHDRAWN)
                done += 1
    return done


def escalate_overdue(*, today: date | None = None) -> int:
    """Overdue open requests go to Despacho by e-mail, once per request. Returns how
    many requests were escalated. The e-mail names the filing, never the person."""
    today = today or timezone.localdate()
    despacho = list(
        get_user_model().objects.filter(
            groups__name=roles.DESPACHO, is_active=True, erased_at__isnull=True
        )
    )
    done = 0
    overdue = DataRequest.objects.filter(
        state=State.OPEN, due_on__lt=today, escalated_at__isnull=True
    )
    for request in overdue:
        with transaction.atomic():
            claimed = DataRequest.objects.filter(
                pk=request.pk, escalated_at__isnull=True
            ).update(escalated_at=timezone.now())
            if not claimed:
                continue
            late = -business_days_between(today, request.due_on)
            context = {
                "request": request,
                "late": late,
                "url": settings.CAFE_SITE_URL
                + reverse("habeas_detail", args=[request.pk]),
            }
            for person in despacho:
                send_templated(
                    key=f"habeas:{request.pk}:escalated:{person.pk}",
                    template="org/habeas_escalated",
                    context={**context, "person_name": person.full_name},
                    to=person.email,
                    recipient=person,
                    kind="habeas_escalated",
                )
            _event(request, Action.ESCALATED, details={"despacho": len(despacho)})
            done += 1
    return done
