"""Conclusions: Comunicaciones writes and submits; Despacho approves or returns."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import role_required

from .. import selectors, services
from ..forms import MinutesCompareForm, MinutesForm, ReturnMinutesForm
from ..models import Minutes, Session
from ..permissions import (
    can_manage_sessions,
    can_review_minutes,
    can_see_minutes_history,
)
from ..slots import minutes_sections
from .common import report


@role_required(can_manage_sessions)
@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk):
    session = get_object_or_404(Session, pk=pk)
    minutes = Minutes.objects.filter(session=session).first()
    form = MinutesForm(request.POST or None, instance=minutes)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_minutes(
                session_id=pk, actor=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(
                request, _("El borrador de las conclusiones quedó guardado.")
            )
            return redirect("sessions:minutes_edit", pk=pk)
    return render(
        request,
        "sessions/minutes/edit.html",
        {
            "session": session,
            "minutes": minutes,
            "form": form,
            "sections": minutes_sections(request, session),
        },
    )


@role_required(can_manage_sessions)
@require_POST
def minutes_submit(request, pk):
    get_object_or_404(Session, pk=pk)
    try:
        services.submit_minutes(session_id=pk, actor=request.user)
    except ValidationError as error:
        report(request, error)
    else:
        messages.success(
            request, _("Las conclusiones se enviaron a revisión del Despacho.")
        )
    return redirect("sessions:minutes_edit", pk=pk)


@role_required(can_review_minutes)
@require_GET
def review_list(request):
    pending = (
        Minutes.objects.filter(status=Minutes.Status.IN_REVIEW)
        .select_related("session", "session__dependency")
        .order_by("updated_at")
    )
    return render(request, "sessions/minutes/review_list.html", {"pending": pending})


@role_required(can_review_minutes)
@require_http_methods(["GET", "POST"])
def review(request, pk):
    minutes = get_object_or_404(
        Minutes.objects.select_related("session"), session_id=pk
    )
    form = ReturnMinutesForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("accion") == "aprobar":
                services.approve_minutes(session_id=pk, actor=request.user)
                messages.success(request, _("Conclusiones aprobadas y publicadas."))
                return redirect("sessions:review_list")
            if form.is_valid():
                services.return_minutes(
                    session_id=pk,
                    actor=request.user,
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Conclusiones devueltas a Comunicaciones."))
                return redirect("sessions:review_list")
        except ValidationError as error:
            report(request, error)
    return render(
        request,
        "sessions/minutes/review.html",
        {
            "minutes": minutes,
            "session": minutes.session,
            "form": form,
            "sections": minutes_sections(request, minutes.session),
        },
    )


@role_required(can_see_minutes_history)
@require_GET
def minutes_versions(request, pk):
    minutes = get_object_or_404(
        Minutes.objects.select_related("session"), session_id=pk
    )
    versions = minutes.versions.select_related("saved_by").order_by("-number")
    return render(
        request,
        "sessions/minutes/versions.html",
        {"minutes": minutes, "session": minutes.session, "versions": versions},
    )


@role_required(can_see_minutes_history)
@require_GET
def minutes_diff(request, pk):
    """What changed between two versions; the latest change when none are chosen."""
    minutes = get_object_or_404(
        Minutes.objects.select_related("session"), session_id=pk
    )
    versions = {v.number: v for v in minutes.versions.select_related("saved_by")}
    numbers = sorted(versions)
    data = request.GET
    default = selectors.default_comparison(versions)
    if "de" not in data and "a" not in data and default:
        data = {"de": default[0], "a": default[1]}
    form = MinutesCompareForm(data or None, numbers=numbers)
    old = new = fields = None
    if form.is_valid():
        old, new = versions[form.cleaned_data["de"]], versions[form.cleaned_data["a"]]
        fields = selectors.minutes_versions_diff(old, new)
    return render(
        request,
        "sessions/minutes/diff.html",
        {
            "minutes": minutes,
            "session": minutes.session,
            "form": form,
            "old": old,
            "new": new,
            "fields": fields,
        },
    )
