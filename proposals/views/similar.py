"""Similar proposals while writing one: the suggestions and "Apoyar esta"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cafe.access import authenticated, role_required

from .. import selectors, services
from ..models import Proposal
from ..similarity import similar_proposals


@never_cache
@role_required(authenticated)
@require_GET
def similar(request):
    """The proposal form asks this (htmx, as the title is typed): up to five
    visible proposals like the title, each with "Apoyar esta"."""
    title = request.GET.get("title", "")[:150]
    suggestions = similar_proposals(title=title, user=request.user)
    return render(request, "proposals/_similar.html", {"suggestions": suggestions})


@role_required(authenticated)
@require_POST
def support_instead(request, pk):
    """Support an existing proposal instead of sending the same one again. Only
    adds a support (a second click changes nothing), unlike the page's toggle."""
    try:
        proposal = selectors.proposal_for_page(proposal_id=pk, user=request.user)
    except Proposal.DoesNotExist:
        raise Http404 from None
    try:
        added = services.support_proposal(proposal=proposal, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Gracias: sumó su apoyo a esta propuesta en lugar de enviar otra igual.")
            if added
            else _("Ya apoyaba esta propuesta."),
        )
    return redirect("proposals:detail", pk=pk)
