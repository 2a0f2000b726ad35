"""Reads of habeas data: the officer's queue with its clocks, a person's requests,
the "reclamo en trámite" legend and the access log."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .habeas import Clock, clock_of
from .models import DataRequest, PersonalDataAccess


@dataclass
class QueueRow:
    request: DataRequest
    clock: Clock


def queue(*, show_closed: bool = False) -> list[QueueRow]:
    """Open requests first by due date (closed ones too with ``show_closed``), each
    with its clock. Two queries whatever the number of rows."""
    requests = DataRequest.objects.select_related("person", "handled_by")
    if not show_closed:
        requests = requests.filter(state__in=DataRequest.OPEN_STATES)
    else:
        requests = requests.order_by("-filed_at", "-pk")
    today = timezone.localdate()
    return [QueueRow(r, clock_of(r, today)) for r in requests[:500]]


def request_for_officer(pk: int) -> DataRequest | None:
    return (
        DataRequest.objects.select_related("person", "person__dependency", "handled_by")
        .prefetch_related("events__actor")
        .filter(pk=pk)
        .first()
    )


def requests_of(person) -> list[DataRequest]:
    return list(DataRequest.objects.filter(person=person).order_by("-filed_at", "-pk"))


def habeas_legend(person) -> str:
    """ "Reclamo en trámite" and its reason while the person has an open reclamo
    (Ley 1581 de 2012, art. 15), else an empty string."""
    reclamo = (
        DataRequest.objects.filter(
            person=person,
            kind=DataRequest.Kind.RECLAMO,
            state__in=DataRequest.OPEN_STATES,
        )
        .order_by("filed_at")
        .first()
    )
    if reclamo is None:
        return ""
    return _("Reclamo en trámite (%(claim)s, radicado %(number)s)") % {
        "claim": reclamo.get_claim_display().lower(),
        "number": reclamo.number,
    }


def access_log_page(*, subject_id: int | None = None):
    """The access log, newest first, with who and whose data in the same query."""
    rows = PersonalDataAccess.objects.select_related("actor", "subject")
    if subject_id:
        rows = rows.filter(subject_id=subject_id)
    return rows
