"""The Secretary's dashboard and exports (Despacho; read-only for Comunicaciones)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cafe.access import role_required

from .. import dashboard, exports, themes
from ..forms import DashboardFilterForm
from ..permissions import can_view_dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request):
    form = DashboardFilterForm(request.GET or None)
    period = dashboard.default_period()
    dependency = None
    if form.is_valid():
        period = dashboard.Period(
            start=form.cleaned_data["desde"] or period.start,
            end=form.cleaned_data["hasta"] or period.end,
        )
        dependency = form.cleaned_data["dependencia"]
    return form, period, dependency


@role_required(can_view_dashboard)
@require_GET
def dashboard_page(request):
    form, period, dependency = _filters(request)
    figures = dashboard.cached_dashboard(period=period, dependency=dependency)
    return render(
        request,
        "proposals/dashboard.html",
        {
            "themes": themes.recurring_themes(period=period, dependency=dependency),
            "form": form,
            "period": period,
            "dependency": dependency,
            "dashboard": figures,
            "charts": dashboard.chart_payload(figures),
            "statuses": dashboard.S.choices,
        },
    )


@role_required(can_view_dashboard)
@require_GET
def export(request, fmt):
    _form, period, dependency = _filters(request)
    proposals = (
        dashboard.proposals_in(period, dependency)
        .select_related("author", "session", "topic", "responsible_dependency")
        .order_by("created_at", "pk")
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(
            exports.to_csv(proposals), content_type="text/csv; charset=utf-8"
        )
    else:
        workbook = exports.to_xlsx(
            proposals,
            sessions=dashboard.sessions_with_attendance(period, dependency),
            commitments=dashboard.commitments_in(period, dependency),
            survey=dashboard.survey_in(period, dependency),
        )
        response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="propuestas-{stamp}.{fmt}"'
    return response
