"""Check-in from a phone: the personal QR read at the door, the room QR on the screen.

A phone camera opens the check-in pages (GET): they show who or what the code is for
and a button; the tap (POST) marks the person present, so no GET changes anything. The
personal page is for Comunicaciones only (anyone else reads a page that says nothing
about the code); the room page wants the code of this minute. Both are idempotent.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HTMX_STOP_POLLING

from cafe.access import authenticated, role_required

from .. import selectors, services
from ..checkin import pass_registration, present_count, qr_svg, room_url
from ..models import Registration, Session
from ..permissions import can_manage_sessions
from ..room_token import ROOM_OPENS_BEFORE, room_is_open
from ..services.checkin import NOT_REGISTERED

RESULT = "sessions/checkin/result.html"
ROOM_STATUSES = (Session.Status.PUBLISHED, Session.Status.HELD)


def _result(request, status=200, **context):
    return render(request, RESULT, context, status=status)


def _refused(request, error: ValidationError):
    return _result(request, status=400, outcome="error", errors=error.messages)


@role_required(authenticated)
@require_http_methods(["GET", "POST"])
def pass_checkin(request, token):
    """Comunicaciones scanned the personal QR of a registered person: the page shows
    who it is and marks them present with one tap (a second scan: already present).
    Anyone else gets a page that says nothing about the code."""
    if not can_manage_sessions(request.user):
        return _result(request, status=403, outcome="pass_refused")
    if request.method == "POST":
        try:
            registration, checked_in = services.check_in_with_pass(
                token=token, actor=request.user
            )
        except ValidationError as error:
            return _refused(request, error)
        outcome = "present" if checked_in else "already"
        registration = pass_registration(token)
    else:
        registration = pass_registration(token)
        if registration is None:
            return _refused(
                request, ValidationError(_("Este código de asistencia no es válido."))
            )
        if registration.status == Registration.Status.CANCELLED:
            return _refused(
                request, ValidationError(_("Esta inscripción fue cancelada."))
            )
        outcome = "already" if registration.checked_in_at else "confirm"
    return _result(
        request,
        outcome=outcome,
        registration=registration,
        session=registration.session,
        token=token,
        staff=True,
    )


@role_required(authenticated)
@require_http_methods(["GET", "POST"])
def room_checkin(request, pk, token):
    """A person read the room QR with their own phone: one tap marks them present.

    Someone of the audience without a registration is recorded as a walk-in; anyone
    else is sent to the door. A GET only reads."""
    session = get_object_or_404(
        Session.objects.select_related("dependency"), pk=pk, status__in=ROOM_STATUSES
    )
    context = {"session": session, "token": token}
    if request.method == "POST":
        return _room_post(request, session, token, context)
    try:
        services.check_room_code(session=session, token=token, now=timezone.now())
    except ValidationError as error:
        return _refused(request, error)
    registration = selectors.my_registration(session=session, user=request.user)
    if registration is None:
        return _result(
            request,
            outcome="not_registered",
            can_walk_in=session.is_in_audience(request.user),
            **context,
        )
    outcome = "already" if registration.checked_in_at else "confirm"
    return _result(request, outcome=outcome, registration=registration, **context)


def _room_post(request, session, token, context):
    kwargs = {"session_id": session.pk, "user": request.user, "token": token}
    try:
        try:
            registration, checked_in = services.check_in_from_room(**kwargs)
        except ValidationError as error:
            if getattr(error, "code", None) != NOT_REGISTERED:
                raise
            registration, checked_in = services.walk_in_from_room(**kwargs), True
    except ValidationError as error:
        return _refused(request, error)
    outcome = "present" if checked_in else "already"
    return _result(request, outcome=outcome, registration=registration, **context)


def _room_context(session: Session) -> dict:
    """What the projector shows: the code while the room is open, else why not."""
    now = timezone.now()
    context = {"session": session}
    if room_is_open(session, now):
        url = room_url(session, now)
        context["state"] = "open"
        context["qr"] = qr_svg(url, title=_("Código QR de la sala para la asistencia"))
        context["present"] = present_count(session)
    elif session.status not in ROOM_STATUSES:
        context["state"] = "unavailable"
    elif now >= session.ends_at:
        context["state"] = "ended"
    else:
        context["state"] = "upcoming"
        context["opens_at"] = session.starts_at - ROOM_OPENS_BEFORE
    return context


@role_required(can_manage_sessions)
@require_GET
def room_screen(request, pk):
    """The projector page: the room QR, refreshed every few seconds by htmx."""
    session = get_object_or_404(Session.objects.select_related("dependency"), pk=pk)
    return render(request, "sessions/checkin/screen.html", _room_context(session))


@role_required(can_manage_sessions)
@require_GET
def room_code(request, pk):
    """The fragment the projector page polls; polling stops once the session ended."""
    session = get_object_or_404(Session.objects.select_related("dependency"), pk=pk)
    context = _room_context(session)
    response = render(request, "sessions/checkin/_room_code.html", context)
    if context["state"] in ("ended", "unavailable"):
        response.status_code = HTMX_STOP_POLLING
    return response
