"""Check-in from a phone: the personal QR read at the door, the room QR on the screen.

The two check-in pages are opened by a phone camera, so they answer a GET: the
personal one only for Comunicaciones (anyone else reads a page that says nothing about
the code), the room one only with the code of this minute. Both are idempotent.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HTMX_STOP_POLLING

from cafe.access import authenticated, role_required

from .. import services
from ..checkin import qr_svg, room_url
from ..models import Registration, Session
from ..permissions import can_manage_sessions
from ..room_token import ROOM_OPENS_BEFORE, room_is_open
from ..services.checkin import NOT_REGISTERED

RESULT = "sessions/checkin/result.html"
ROOM_STATUSES = (Session.Status.PUBLISHED, Session.Status.HELD)


def _result(request, status=200, **context):
    return render(request, RESULT, context, status=status)


@role_required(authenticated)
@require_GET
def pass_checkin(request, token):
    """Comunicaciones scanned the personal QR of a registered person."""
    try:
        registration, checked_in = services.check_in_with_pass(
            token=token, actor=request.user
        )
    except PermissionDenied:
        return _result(request, status=403, outcome="pass_refused")
    except ValidationError as error:
        return _result(request, status=400, outcome="error", errors=error.messages)
    registration = Registration.objects.select_related(
        "session", "user", "user__dependency"
    ).get(pk=registration.pk)
    return _result(
        request,
        outcome="present" if checked_in else "already",
        registration=registration,
        session=registration.session,
        staff=True,
    )


@role_required(authenticated)
@require_http_methods(["GET", "POST"])
def room_checkin(request, pk, token):
    """A person read the room QR with their own phone: they are marked present.

    Someone of the audience without a registration may record a walk-in (POST)."""
    session = get_object_or_404(
        Session.objects.select_related("dependency"), pk=pk, status__in=ROOM_STATUSES
    )
    context = {"session": session, "token": token}
    try:
        if request.method == "POST":
            registration = services.walk_in_from_room(
                session_id=pk, user=request.user, token=token
            )
            checked_in = True
        else:
            registration, checked_in = services.check_in_from_room(
                session_id=pk, user=request.user, token=token
            )
    except ValidationError as error:
        if getattr(error, "code", None) == NOT_REGISTERED:
            in_audience = session.is_in_audience(request.user)
            return _result(
                request, outcome="not_registered", can_walk_in=in_audience, **context
            )
        return _result(request, status=400, outcome="error", errors=error.messages)
    outcome = "present" if checked_in else "already"
    return _result(request, outcome=outcome, registration=registration, **context)


def _room_context(session: Session) -> dict:
    now = timezone.now()
    context = {"session": session, "now": now, "is_open": room_is_open(session, now)}
    if context["is_open"]:
        url = room_url(session, now)
        context["qr"] = qr_svg(url, title=_("Código QR de la sala para la asistencia"))
        context["present"] = Registration.objects.filter(
            ~Q(status=Registration.Status.CANCELLED),
            session=session,
            checked_in_at__isnull=False,
        ).count()
    else:
        context["opens_at"] = session.starts_at - ROOM_OPENS_BEFORE
        context["ended"] = now >= session.ends_at or session.status not in (
            ROOM_STATUSES
        )
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
    if context.get("ended"):
        response.status_code = HTMX_STOP_POLLING
    return response
