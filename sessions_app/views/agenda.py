"""The leader's agenda as Comunicaciones keeps it: blocked times the planner avoids."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cafe.access import role_required

from .. import selectors, services
from ..forms import AgendaBlockForm
from ..models import AgendaBlock
from ..permissions import can_manage_sessions
from .common import report

manage = role_required(can_manage_sessions)


@manage
@require_http_methods(["GET", "POST"])
def agenda(request):
    """The upcoming blocks, and a form to add one."""
    form = AgendaBlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_agenda_block(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(request, _("El bloqueo quedó en la agenda."))
            return redirect("sessions:agenda")
    page = Paginator(selectors.agenda_blocks(), 30).get_page(request.GET.get("pagina"))
    return render(request, "sessions/manage/agenda.html", {"form": form, "page": page})


@manage
@require_POST
def agenda_remove(request, pk):
    block = get_object_or_404(AgendaBlock, pk=pk)
    services.remove_agenda_block(block_id=block.pk, actor=request.user)
    messages.success(request, _("El bloqueo se quitó de la agenda."))
    return redirect("sessions:agenda")
