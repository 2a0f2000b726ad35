"""Pages every staff member uses: browse, register, Mis sesiones, archive, survey."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import authenticated, role_required
from cafe.notify.ics import build_ics

from .. import selectors, services
from ..checkin import has_room, pass_url
from ..emails import calendar_event
from ..forms import FeedbackForm, RegistrationForm, SessionFilterForm
from ..models import Registration, Session
from ..permissions import can_manage_sessions
from ..slots import session_sections
from ..voice_forms import CampaignRatingsForm
from .common import report

# The list's switch: "?ver=todas" adds the sessions of other dependencies.
SHOW_ALL = "ver"


@role_required(authenticated)
@require_GET
def session_list(request):
    form = SessionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    show_all = request.GET.get(SHOW_ALL) == "todas"
    dependency_id = getattr(filters.get("dependencia"), "pk", None)
    sessions = selectors.upcoming_sessions(
        user=request.user,
        month=filters.get("mes") or "",
        dependency_id=dependency_id,
        topic_id=getattr(filters.get("tema"), "pk", None),
        format=filters.get("modalidad") or "",
        # Choosing a dependency in the filter asks for its sessions.
        joinable_only=not (show_all or dependency_id),
    )
    page = Paginator(sessions, 20).get_page(request.GET.get("pagina"))
    now = timezone.now()
    cards = [(s, selectors.card_state(s, request.user, now)) for s in page.object_list]
    return render(
        request,
        "sessions/list.html",
        {
            "form": form,
            "page": page,
            "cards": cards,
            "show_all": show_all,
            "toggle_query": _toggle_query(request, show_all),
        },
    )


def _toggle_query(request, show_all: bool) -> str:
    """The query string that flips the switch and keeps the other filters (the page
    number goes: the other list has its own pages)."""
    params = request.GET.copy()
    params.pop("pagina", None)
    params.pop(SHOW_ALL, None)
    if not show_all:
        params[SHOW_ALL] = "todas"
    return "?" + params.urlencode()


def _visible_session(request, pk):
    try:
        return selectors.session_for_detail(
            session_id=pk,
            user=request.user,
            staff=lambda: can_manage_sessions(request.user),
        )
    except Session.DoesNotExist:
        raise Http404 from None


def _panel_context(request, session):
    registration = session.my_registration
    return {
        "session": session,
        "registration": registration,
        "state": selectors.card_state(session, request.user),
        "can_register": session.registration_is_open()
        and session.is_in_audience(request.user),
        "can_cancel": registration is not None
        and session.status == Session.Status.PUBLISHED
        and timezone.now() < session.starts_at,
        "show_link": registration is not None
        and registration.status == Registration.Status.CONFIRMED
        and session.has_link,
        "registration_form": RegistrationForm(),
        "collects_requests": session.collects_requests(),
        "allocation_rule": selectors.allocation_explanation(session),
    }


@role_required(authenticated)
@require_GET
def session_detail(request, pk):
    session = _visible_session(request, pk)
    context = _panel_context(request, session)
    context["minutes"] = selectors.published_minutes(session)
    context["extra_sections"] = session_sections(request, session)
    context["campaigns"] = list(session.campaigns.order_by("name"))
    if session.status == Session.Status.HELD:
        context["survey"] = selectors.survey_summary(session=session)
        context["can_answer_survey"] = selectors.can_answer_survey(
            session=session, user=request.user
        )
    return render(request, "sessions/detail.html", context)


def _after_action(request, pk, session=None):
    """htmx gets the refreshed panel; a plain form post goes back to the page."""
    if request.htmx:
        session = session or _visible_session(request, pk)
        return render(
            request,
            "sessions/_registration_panel.html",
            _panel_context(request, session),
        )
    return redirect("sessions:detail", pk=pk)


def _refused(request, pk, errors):
    """Bad input: a 404 for a session the person may not see, else the reasons."""
    session = _visible_session(request, pk)
    for error in errors:
        messages.error(request, error)
    return _after_action(request, pk, session)


@role_required(authenticated)
@require_POST
def register(request, pk):
    # The service locks the session and checks that it is open, so a success needs
    # no read before it; a refusal checks first that the person may see the session.
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _refused(request, pk, form.errors.get("needs", []))
    try:
        registration, created = services.register_attendee(
            session_id=pk, user=request.user, needs=form.cleaned_data["needs"]
        )
    except ValidationError as error:
        return _refused(request, pk, error.messages)
    if not created:
        messages.info(request, _("Usted ya tenía una inscripción en esta sesión."))
        return _after_action(request, pk)
    if registration.status == Registration.Status.REQUESTED:
        messages.success(
            request,
            _(
                "Solicitud recibida. Cuando cierre la ventana de solicitudes "
                "repartimos los cupos con la regla publicada y le avisamos por correo."
            ),
        )
    elif registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request, _("Inscripción confirmada. Le enviamos la invitación por correo.")
        )
    else:
        messages.warning(
            request,
            _(
                "El cupo está lleno: quedó en la lista de espera. Le avisaremos por "
                "correo si se libera un lugar."
            ),
        )
    if request.htmx:
        session = selectors.session_of_new_registration(registration)
        return _after_action(request, pk, session)
    return redirect("sessions:detail", pk=pk)


@role_required(authenticated)
@require_POST
def cancel_registration(request, pk):
    registration = (
        Registration.objects.filter(session_id=pk, user=request.user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if registration is None:
        raise Http404
    try:
        services.cancel_registration(registration_id=registration.pk, user=request.user)
    except ValidationError as error:
        report(request, error)
    else:
        messages.success(request, _("Su inscripción quedó cancelada."))
    return _after_action(request, pk)


@role_required(authenticated)
@require_GET
def session_ics(request, pk):
    session = _visible_session(request, pk)
    if session.status not in (Session.Status.PUBLISHED, Session.Status.HELD):
        raise Http404
    confirmed = session.my_status == Registration.Status.CONFIRMED
    event = calendar_event(
        session,
        attendee=request.user if confirmed else None,
        with_link=confirmed,
        checkin_url=pass_url(session.my_registration)
        if confirmed and has_room(session)
        else "",
    )
    response = HttpResponse(
        build_ics(event), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="cafe-sesion-{session.pk}.ics"'
    )
    return response


@role_required(authenticated)
@require_GET
def my_sessions(request):
    upcoming, past = selectors.my_sessions(user=request.user)
    return render(request, "sessions/mine.html", {"upcoming": upcoming, "past": past})


@role_required(authenticated)
@require_GET
def archive(request):
    page = Paginator(selectors.archive(), 20).get_page(request.GET.get("pagina"))
    return render(request, "sessions/archive.html", {"page": page})


@role_required(authenticated)
@require_http_methods(["GET", "POST"])
def survey(request, pk):
    session = _visible_session(request, pk)
    if not selectors.can_answer_survey(session=session, user=request.user):
        messages.info(
            request,
            _("La encuesta es para quienes asistieron, y se responde una sola vez."),
        )
        return redirect("sessions:detail", pk=pk)
    form = FeedbackForm(request.POST or None)
    campaigns_form = CampaignRatingsForm(
        request.POST or None, campaigns=session.campaigns.all()
    )
    valid = form.is_valid() & campaigns_form.is_valid()  # both show their errors
    if request.method == "POST" and valid:
        try:
            services.submit_feedback(
                session_id=pk,
                user=request.user,
                data=form.cleaned_data,
                ratings=campaigns_form.ratings(),
            )
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(request, _("Gracias: su respuesta quedó registrada."))
        return redirect("sessions:detail", pk=pk)
    return render(
        request,
        "sessions/survey.html",
        {"session": session, "form": form, "campaigns_form": campaigns_form},
    )
