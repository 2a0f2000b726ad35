"""Pages of commitments: a session's agreements, and due-date extensions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import authenticated, role_required
from cafe.org.permissions import is_liaison_of
from sessions_app.models import Minutes, Session

from .. import commitment_forms as cforms
from .. import selectors, services
from ..models import DueDateExtension
from ..permissions import can_answer
from ..services.commitments import can_record_agreements
from .proposals import _post_action, _report, _visible


@role_required(can_record_agreements)
@require_http_methods(["GET", "POST"])
def session_agreements(request, session_pk):
    """Comunicaciones turns each agreement of the conclusions into a commitment."""
    session = get_object_or_404(
        Session.objects.select_related("dependency"), pk=session_pk
    )
    held = session.status == Session.Status.HELD
    form = cforms.AgreementForm(request.POST or None) if held else None
    if request.method == "POST" and not held:
        messages.error(
            request, _("Los acuerdos se registran cuando la sesión está realizada.")
        )
        return redirect("proposals:agreements", session_pk=session.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.record_agreement(
                session_id=session.pk,
                actor=request.user,
                title=data["title"],
                commitment=data["commitment"],
                dependency=data["dependency"],
                business_days=data["business_days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Acuerdo registrado: a cargo de %(dep)s, para el %(due)s.")
                % {
                    "dep": agreement.responsible_dependency,
                    "due": date_format(agreement.due_date, "d/m/Y"),
                },
            )
            return redirect("proposals:agreements", session_pk=session.pk)
    return render(
        request,
        "proposals/agreements.html",
        {
            "session": session,
            "agreements": list(selectors.session_agreements(session=session)),
            # What the conclusions say, to turn each written agreement into an item.
            "minutes": Minutes.objects.filter(session=session).first(),
            "form": form,
        },
    )


@role_required(authenticated)
@require_POST
def extension_request(request, pk):
    proposal = _visible(request, pk)
    if not is_liaison_of(request.user, proposal.responsible_dependency_id):
        raise PermissionDenied
    return _post_action(
        request,
        pk,
        cforms.ExtensionRequestForm,
        lambda data: services.request_extension(
            proposal_id=pk,
            actor=request.user,
            new_due_date=data["new_due_date"],
            reason=data["reason"],
        ),
        _(
            "Pedimos la prórroga al Despacho. La fecha vigente no cambia mientras "
            "decide."
        ),
    )


@role_required(can_answer)
@require_POST
def extension_decide(request, extension_pk):
    extension = get_object_or_404(DueDateExtension, pk=extension_pk)
    form = cforms.ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("proposals:detail", pk=extension.proposal_id)
    approve = form.cleaned_data["decision"] == cforms.APPROVE
    try:
        services.decide_extension(
            extension_id=extension.pk,
            actor=request.user,
            approve=approve,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(
            request,
            _("Prórroga aprobada: la fecha de cumplimiento cambió.")
            if approve
            else _("Prórroga rechazada: la fecha sigue igual."),
        )
    return redirect("proposals:detail", pk=extension.proposal_id)


@role_required(can_answer)
@require_GET
def extension_inbox(request):
    page = Paginator(selectors.pending_extensions(), 30).get_page(
        request.GET.get("pagina")
    )
    return render(request, "proposals/extensions.html", {"page": page})
