"""The monthly report as a PDF for any period, from the dashboard."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from cafe.access import role_required

from .. import report
from ..permissions import can_view_dashboard
from .dashboard import _filters


@role_required(can_view_dashboard)
@require_GET
def report_pdf(request):
    """The dashboard's period and dependency (its filter form), as the report."""
    _form, period, dependency = _filters(request)
    data = report.build_report(period=period, dependency=dependency)
    response = HttpResponse(report.render_pdf(data), content_type=report.PDF)
    response["Content-Disposition"] = (
        f'attachment; filename="{report.filename(period)}"'
    )
    return response
