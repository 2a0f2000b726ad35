"""Pages of Comunicaciones: schedule, plan the month, rotation, attendance, topics."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import role_required
from cafe.org.access_log import audited
from cafe.org.models import Dependency, PersonalDataAccess

from .. import selectors, services
from ..forms import (
    CancelSessionForm,
    ManageFilterForm,
    MonthForm,
    PlannedSessionFormSet,
    SessionForm,
    TopicForm,
    WalkInForm,
)
from ..models import Registration, Session, Topic
from ..permissions import can_manage_sessions
from .common import as_id, report

manage = role_required(can_manage_sessions)


@manage
@require_http_methods(["GET", "POST"])
def session_admin_list(request):
    if request.method == "POST":
        ids = [pk for pk in map(as_id, request.POST.getlist("sesiones")) if pk]
        if not ids:
            messages.error(request, _("Marque al menos una sesión en borrador."))
        else:
            try:
                published = services.publish_sessions(
                    session_ids=ids, actor=request.user
                )
            except ValidationError as error:
                report(request, error)
            else:
                messages.success(
                    request, _("Se publicaron %(n)s sesiones.") % {"n": len(published)}
                )
        return redirect(request.get_full_path())
    status = request.GET.get("estado", "")
    if status not in Session.Status.values:
        status = ""
    month_form = ManageFilterForm(request.GET)
    month = month_form.cleaned_data["mes"] if month_form.is_valid() else ""
    sessions = selectors.managed_sessions(status=status, month=month)
    page = Paginator(sessions, 30).get_page(request.GET.get("pagina"))
    return render(
        request,
        "sessions/manage/list.html",
        {
            "page": page,
            "status": status,
            "statuses": Session.Status.choices,
            "month_errors": month_form.errors.get("mes", []),
        },
    )


def _schedule_warnings(form, session) -> list[str]:
    """Warnings about the date and time, when they are new or changed."""
    if session is not None and not {"starts_at", "ends_at"} & set(form.changed_data):
        return []
    slot = selectors.Slot(
        starts_at=form.cleaned_data["starts_at"],
        ends_at=form.cleaned_data["ends_at"],
        session_id=getattr(session, "pk", None),
    )
    return selectors.schedule_warnings([slot])


def _save_session_form(request, session=None):
    form = SessionForm(request.POST or None, instance=session)
    if (
        request.method == "POST"
        and form.is_valid()
        and form.confirm_schedule(_schedule_warnings(form, session))
    ):
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        data["campaigns"] = form.cleaned_data["campaigns"]
        try:
            saved = services.save_session(
                session=session, actor=request.user, data=data
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    for e in errors:
                        form.add_error(field if field in form.fields else None, e)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("La sesión quedó guardada."))
            return redirect("sessions:detail", pk=saved.pk)
    return render(
        request, "sessions/manage/form.html", {"form": form, "session": session}
    )


@manage
@require_http_methods(["GET", "POST"])
def session_create(request):
    return _save_session_form(request)


@manage
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    return _save_session_form(request, get_object_or_404(Session, pk=pk))


@manage
@require_POST
def session_publish(request, pk):
    session = get_object_or_404(Session, pk=pk)
    try:
        services.publish_session(session_id=session.pk, actor=request.user)
    except ValidationError as error:
        report(request, error)
    else:
        messages.success(request, _("La sesión quedó publicada."))
    return redirect("sessions:detail", pk=pk)


@manage
@require_http_methods(["GET", "POST"])
def session_cancel(request, pk):
    session = get_object_or_404(Session, pk=pk)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(
                session_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(
                request,
                _("La sesión quedó cancelada y avisamos a las personas inscritas."),
            )
        return redirect("sessions:detail", pk=pk)
    return render(
        request, "sessions/manage/cancel.html", {"session": session, "form": form}
    )


@manage
@require_http_methods(["GET", "POST"])
def planner(request):
    """Step 1: choose a month. Step 2: adjust the proposed drafts and create them."""
    month_form = MonthForm(request.GET or None)
    formset = None
    warnings = []
    blocks = []
    if request.method == "POST":
        formset = PlannedSessionFormSet(request.POST, prefix="plan")
        if formset.is_valid():
            rows = [
                services.PlannedSession(
                    dependency=f.cleaned_data["dependency"],
                    day=f.cleaned_data["day"],
                    start=f.cleaned_data["start"],
                    end=f.cleaned_data["end"],
                    place=f.cleaned_data["place"],
                    capacity=f.cleaned_data["capacity"],
                )
                for f in formset.forms
                if f.cleaned_data.get("include")
            ]
            publish = request.POST.get("accion") == "publicar"
            if rows and request.POST.get("confirmar") != "1":
                warnings = _plan_warnings(rows)
            if not rows:
                messages.error(request, _("Marque al menos una sesión para crear."))
            elif warnings:
                messages.warning(
                    request,
                    _(
                        "Revise los avisos del plan y marque «Crear de todos modos» "
                        "para continuar."
                    ),
                )
            else:
                try:
                    created = services.create_planned_sessions(
                        rows=rows, actor=request.user, publish=publish
                    )
                except ValidationError as error:
                    report(request, error)
                else:
                    text = (
                        _("Se crearon y publicaron %(n)s sesiones.")
                        if publish
                        else _("Se crearon %(n)s sesiones en borrador.")
                    )
                    messages.success(request, text % {"n": len(created)})
                    return redirect("sessions:manage")
    elif month_form.is_valid():
        first = month_form.cleaned_data["month"]
        plan = services.plan_month(year=first.year, month=first.month)
        warnings = _plan_warnings(plan)
        blocks = selectors.agenda_blocks(
            since=selectors.month_bounds(f"{first:%Y-%m}")[0],
            until=selectors.month_bounds(f"{first:%Y-%m}")[1],
        )
        formset = PlannedSessionFormSet(
            prefix="plan",
            initial=[
                {
                    "include": True,
                    "dependency": row.dependency.pk,
                    "day": row.day,
                    "start": row.start,
                    "end": row.end,
                    "place": row.place,
                    "capacity": row.capacity,
                }
                for row in plan
            ],
        )
    rows = []
    if formset is not None:
        ids = [as_id(str(form["dependency"].value())) for form in formset.forms]
        facts = {
            d.pk: d
            for d in selectors.with_rotation_dates(
                Dependency.objects.filter(pk__in=[pk for pk in ids if pk])
            )
        }
        for form, pk in zip(formset.forms, ids, strict=True):
            rows.append((form, facts.get(pk)))
    return render(
        request,
        "sessions/manage/planner.html",
        {
            "month_form": month_form,
            "formset": formset,
            "rows": rows,
            "schedule_warnings": warnings,
            "blocks": blocks,
            "per_month": settings.SESSIONS_PER_MONTH,
        },
    )


def _plan_warnings(rows) -> list[str]:
    """The planner's rows checked as ``selectors.schedule_warnings`` does."""
    tz = timezone.get_current_timezone()
    return selectors.schedule_warnings(
        selectors.Slot(
            starts_at=datetime.combine(row.day, row.start, tzinfo=tz),
            ends_at=datetime.combine(row.day, row.end, tzinfo=tz),
            label=str(row.dependency),
        )
        for row in rows
    )


@manage
@require_GET
def rotation(request):
    cycle = selectors.rotation_cycle()
    page = Paginator(selectors.rotation(cycle=cycle), 20).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "sessions/manage/rotation.html",
        {
            "page": page,
            "rows": page.object_list,
            "cycle": cycle,
        },
    )


@manage
@require_GET
@audited(PersonalDataAccess.What.ATTENDANCE)
def attendance(request, pk):
    session = get_object_or_404(Session.objects.select_related("dependency"), pk=pk)
    registrations = list(selectors.attendance_list(session=session))
    return render(
        request,
        "sessions/manage/attendance.html",
        {
            "session": session,
            "registrations": registrations,
            "present": sum(1 for r in registrations if r.checked_in_at),
            "walk_in_form": WalkInForm(),
        },
    )


@manage
@require_POST
def attendance_set(request, pk, registration_pk):
    get_object_or_404(Session, pk=pk)
    present = request.POST.get("presente") == "1"
    try:
        registration = services.set_attendance(
            registration_id=registration_pk, session_id=pk, present=present
        )
    except ValidationError as error:
        report(request, error)
        return redirect("sessions:attendance", pk=pk)
    if request.htmx:
        registration = Registration.objects.select_related(
            "user", "user__dependency"
        ).get(pk=registration.pk)
        return render(
            request,
            "sessions/manage/_attendance_row.html",
            {"registration": registration, "session": registration.session},
        )
    return redirect("sessions:attendance", pk=pk)


@manage
@require_POST
def attendance_walk_in(request, pk):
    get_object_or_404(Session, pk=pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            services.add_walk_in(session_id=pk, email=form.cleaned_data["email"])
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(request, _("Asistencia registrada."))
    else:
        for error in form.errors.get("email", []):
            messages.error(request, error)
    return redirect("sessions:attendance", pk=pk)


@manage
@require_POST
def session_mark_held(request, pk):
    get_object_or_404(Session, pk=pk)
    try:
        services.mark_session_held(session_id=pk, actor=request.user)
    except ValidationError as error:
        report(request, error)
    else:
        messages.success(request, _("La sesión quedó marcada como realizada."))
    return redirect("sessions:attendance", pk=pk)


@manage
@require_GET
def topic_list(request):
    return render(
        request, "sessions/manage/topics.html", {"topics": Topic.objects.all()}
    )


@manage
@require_http_methods(["GET", "POST"])
def topic_edit(request, pk=None):
    topic = get_object_or_404(Topic, pk=pk) if pk else None
    form = TopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        services.save_topic(topic=topic, data=form.cleaned_data)
        messages.success(request, _("El tema quedó guardado."))
        return redirect("sessions:topics")
    return render(
        request, "sessions/manage/topic_form.html", {"form": form, "topic": topic}
    )
