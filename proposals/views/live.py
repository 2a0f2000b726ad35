"""Live questions: the phone page, the room's screen and the moderation console.

Phones: any logged-in person registered or present in the session. Screen and
console: Comunicaciones. The polled fragments are plain reads of a fixed number of
queries; nothing here is cached.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import authenticated, role_required
from sessions_app.models import Session

from .. import live_selectors as selectors
from ..live_forms import APPROVE, HIDE, MERGE, LiveQuestionForm, ModerationForm
from ..permissions import can_moderate
from ..services import live as services

# How often the screen, the console and the phones ask for what changed.
BOARD_POLL = "every 3s"
PHONE_POLL = "every 5s"


def _session(session_pk: int) -> Session:
    try:
        return selectors.session_for_live(session_id=session_pk)
    except Session.DoesNotExist:
        raise Http404 from None


def _participant_session(request, session_pk: int) -> Session:
    """The session, if this person is registered or present in it; otherwise a
    NotParticipant that the view answers with a 403 page saying why."""
    session = _session(session_pk)
    if not selectors.is_participant(session=session, user=request.user):
        raise NotParticipant(session)
    return session


class NotParticipant(Exception):
    def __init__(self, session):
        self.session = session


def participants_only(view):
    """Answer a person not registered nor present with a page that says so (403)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotParticipant as refused:
            return render(
                request,
                "proposals/live/not_participant.html",
                {"session": refused.session},
                status=403,
            )

    return wrapped


def _errors(error) -> list[str]:
    return list(getattr(error, "messages", [str(error)]))


# --- Phones -----------------------------------------------------------------------


@never_cache
@role_required(authenticated)
@require_http_methods(["GET", "POST"])
@participants_only
def phone(request, session_pk):
    """Send a question (named or anonymous) and support the others'. Nothing here
    uses the messages framework: an anonymous question writes no row but its own."""
    session = _participant_session(request, session_pk)
    allow_anonymous = services.minimum_anonymous_audience_met(session)
    form = LiveQuestionForm(request.POST or None, allow_anonymous=allow_anonymous)
    context = {"session": session, "is_live": services.is_live(session)}
    if request.method == "POST" and form.is_valid():
        try:
            proposal, code = services.send_live_question(
                session=session,
                user=request.user,
                text=form.cleaned_data["text"],
                anonymous=form.anonymous,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            context.update(sent=proposal, code=code)
            form = LiveQuestionForm(allow_anonymous=allow_anonymous)
    context.update(form=form, allow_anonymous=allow_anonymous)
    if request.htmx:
        return render(request, "proposals/live/_phone_form.html", context)
    context.update(selectors.phone_list(session=session, user=request.user))
    context["poll"] = PHONE_POLL
    return render(request, "proposals/live/phone.html", context)


@never_cache
@role_required(authenticated)
@require_GET
@participants_only
def phone_list(request, session_pk):
    session = _participant_session(request, session_pk)
    return _phone_list(request, session)


def _phone_list(request, session, error: str = ""):
    context = selectors.phone_list(session=session, user=request.user)
    context.update(session=session, poll=PHONE_POLL, error=error)
    context["is_live"] = services.is_live(session)
    return render(request, "proposals/live/_phone_list.html", context)


@role_required(authenticated)
@require_POST
@participants_only
def support(request, session_pk, pk):
    session = _participant_session(request, session_pk)
    error = ""
    try:
        services.support_live_question(
            session=session, proposal_id=pk, user=request.user
        )
    except ValidationError as problem:
        error = " ".join(_errors(problem))
    if request.htmx:
        return _phone_list(request, session, error)
    if error:
        messages.error(request, error)
    return redirect("proposals:live", session_pk=session.pk)


# --- The room's screen (Comunicaciones) ------------------------------------------


def _board_context(request, session) -> dict:
    context = selectors.board(session=session)
    context.update(
        session=session,
        poll=BOARD_POLL,
        phone_url=request.build_absolute_uri(
            reverse("proposals:live", args=[session.pk])
        ),
    )
    return context


@never_cache
@role_required(can_moderate)
@require_GET
def board(request, session_pk):
    session = _session(session_pk)
    return render(
        request, "proposals/live/board.html", _board_context(request, session)
    )


@never_cache
@role_required(can_moderate)
@require_GET
def board_fragment(request, session_pk):
    session = _session(session_pk)
    return render(
        request, "proposals/live/_board.html", _board_context(request, session)
    )


# --- Moderation console (Comunicaciones) ------------------------------------------


def _queue_context(session, notice: str = "", errors=()) -> dict:
    context = selectors.moderation_queue(session=session)
    context.update(
        session=session,
        counts=selectors.room_counts(session=session),
        poll=BOARD_POLL,
        notice=notice,
        errors=list(errors),
    )
    return context


@never_cache
@role_required(can_moderate)
@require_GET
def moderate(request, session_pk):
    session = _session(session_pk)
    context = _queue_context(session)
    context["is_live"] = services.is_live(session)
    return render(request, "proposals/live/moderate.html", context)


@never_cache
@role_required(can_moderate)
@require_GET
def queue_fragment(request, session_pk):
    session = _session(session_pk)
    return render(request, "proposals/live/_queue.html", _queue_context(session))


def _moderation(form: ModerationForm, session, pk: int, actor) -> str:
    """Run the chosen action; returns what to tell the moderator."""
    data = form.cleaned_data
    action = data["action"]
    common = {"session": session, "proposal_id": pk, "actor": actor}
    if action == APPROVE:
        services.approve_live_question(**common)
        return _("Pregunta n.º %(n)s aprobada: ya está en la pantalla.") % {"n": pk}
    if action == HIDE:
        services.hide_live_question(**common, reason=data["reason"])
        return _("Pregunta n.º %(n)s oculta.") % {"n": pk}
    if action == MERGE:
        services.merge_live_question(**common, original_id=data["original"])
        return _("Pregunta n.º %(n)s fusionada con la n.º %(o)s.") % {
            "n": pk,
            "o": data["original"],
        }
    services.mark_answered_in_room(**common)
    return _("Pregunta n.º %(n)s marcada como respondida en la sala.") % {"n": pk}


@role_required(can_moderate)
@require_POST
def moderate_action(request, session_pk, pk):
    session = _session(session_pk)
    form = ModerationForm(request.POST)
    notice, errors = "", []
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
    else:
        try:
            notice = _moderation(form, session, pk, request.user)
        except ValidationError as error:
            errors = _errors(error)
    if request.htmx:
        return render(
            request,
            "proposals/live/_queue.html",
            _queue_context(session, notice, errors),
        )
    for error in errors:
        messages.error(request, error)
    if notice:
        messages.success(request, notice)
    return redirect("proposals:live_moderate", session_pk=session.pk)
