"""The outbox page: what the system sent, what waits and what failed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cafe.access import has_perm, role_required
from cafe.org.access_log import audited
from cafe.org.models import PersonalDataAccess

from . import selectors, services
from .kinds import kind_choices
from .models import Delivery

can_view_outbox = has_perm("org.view_outbox")


@role_required(can_view_outbox)
@require_GET
@audited(PersonalDataAccess.What.OUTBOX)
def outbox(request):
    state = request.GET.get("estado", "")
    if state not in Delivery.State.values:
        state = ""
    kinds = selectors.outbox_kinds()
    kind = request.GET.get("tipo", "")
    if kind not in kinds:
        kind = ""
    page = Paginator(selectors.outbox_page(state=state, kind=kind), 50).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "notify/outbox.html",
        {
            "page": page,
            "state": state,
            "kind": kind,
            "kinds": kind_choices(kinds),
            "states": Delivery.State.choices,
            "totals": selectors.outbox_totals(),
        },
    )


@role_required(can_view_outbox)
@require_POST
def retry(request, pk):
    delivery = get_object_or_404(Delivery, pk=pk)
    if services.retry_failed(delivery_id=delivery.pk):
        messages.success(request, _("El envío volvió a la cola."))
    else:
        messages.error(request, _("Solo se pueden reintentar los envíos fallidos."))
    return redirect("notify:outbox")
