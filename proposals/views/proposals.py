"""Pages of the proposals app: send, browse, follow, support, follow up, moderate."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import authenticated, role_required
from cafe.org.permissions import can_answer_proposals, is_liaison, is_liaison_of
from cafe.pagination import CappedPaginator
from sessions_app.models import Session

from .. import forms, selectors, services
from ..commitment_forms import extension_context
from ..models import Proposal
from ..permissions import can_answer, can_moderate
from ..services.anonymous import batch_period_label
from ..services.follow_up import LIAISON_TRANSITIONS, TRANSITIONS
from ..similarity import similar_proposals


def _report(request, error) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


@role_required(authenticated)
@require_GET
def proposal_list(request):
    form = forms.ProposalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    proposals = selectors.proposal_list(user=request.user, filters=filters)
    paginator = CappedPaginator(proposals, 20)
    by_relevance = bool(filters.get("q")) and not filters.get("orden")
    if by_relevance and paginator.more:
        # Ranking every match of a common word costs as much as the matches; past
        # the cap, the newest come first and the page says so.
        paginator.object_list = proposals.order_by(*selectors.SORTS["recientes"])
    page = paginator.get_page(request.GET.get("pagina"))
    return render(
        request,
        "proposals/list.html",
        {"form": form, "page": page, "newest_first": by_relevance and paginator.more},
    )


@role_required(authenticated)
@require_GET
def my_proposals(request):
    page = Paginator(
        selectors.proposal_list(user=request.user, filters={"mias": True}), 20
    ).get_page(request.GET.get("pagina"))
    return render(request, "proposals/mine.html", {"page": page})


@never_cache
@role_required(authenticated)
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    initial = {}
    session_id = request.GET.get("sesion", "")
    if session_id.isascii() and session_id.isdigit() and len(session_id) <= 18:
        initial["session"] = int(session_id)
    form = forms.ProposalForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        anonymous = data["signature"] == forms.SIGN_ANONYMOUS
        try:
            proposal, code = services.submit_proposal(
                user=request.user,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                topic=data["topic"],
                session=data["session"],
                anonymous=anonymous,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if anonymous:
                # Shown once, in this response only; never stored in clear or e-mailed.
                return render(
                    request,
                    "proposals/created_anonymous.html",
                    {"code": code, "period": batch_period_label()},
                )
            messages.success(
                request, _("Recibimos su propuesta. Le avisaremos cada avance.")
            )
            return redirect("proposals:detail", pk=proposal.pk)
    return render(request, "proposals/form.html", {"form": form})


def _visible(request, pk) -> Proposal:
    try:
        return selectors.proposal_for_page(proposal_id=pk, user=request.user)
    except Proposal.DoesNotExist:
        raise Http404 from None


def _allowed_statuses(user, proposal) -> set[str]:
    if can_answer_proposals(user):
        return set(TRANSITIONS[proposal.status]) - {Proposal.Status.ACCEPTED}
    if is_liaison_of(user, proposal.responsible_dependency_id):
        return {new for old, new in LIAISON_TRANSITIONS if old == proposal.status}
    return set()


@role_required(authenticated)
@require_GET
def proposal_detail(request, pk):
    proposal = _visible(request, pk)
    user = request.user
    allowed = _allowed_statuses(user, proposal)
    context = {"proposal": proposal, "can_moderate": can_moderate(user)}
    if allowed:
        context["status_form"] = forms.StatusForm(proposal=proposal, allowed=allowed)
    if can_answer_proposals(user) and (
        proposal.is_open or proposal.status == Proposal.Status.ANSWERED
    ):
        context["answer_form"] = forms.AnswerForm(initial={"answer": proposal.answer})
    if can_answer_proposals(user) and proposal.is_open:
        context["assign_form"] = forms.AssignForm(
            initial={"dependency": proposal.responsible_dependency_id}
        )
        if Proposal.Status.ACCEPTED in TRANSITIONS[proposal.status]:
            context["accept_form"] = forms.AcceptForm(
                initial={
                    "dependency": proposal.responsible_dependency_id,
                    "due_date": services.default_due_date(),
                }
            )
    if proposal.status in (Proposal.Status.ACCEPTED, Proposal.Status.IN_PROGRESS) and (
        can_answer_proposals(user)
        or is_liaison_of(user, proposal.responsible_dependency_id)
    ):
        context["progress_form"] = forms.ProgressForm()
    context.update(extension_context(user, proposal))
    if context["can_moderate"]:
        context["hide_form"] = forms.HideForm()
        context["duplicate_form"] = forms.DuplicateForm()
        if not proposal.is_hidden:
            context["duplicate_candidates"] = similar_proposals(
                title=proposal.title, exclude_id=proposal.pk
            )
    return render(request, "proposals/detail.html", context)


def _post_action(request, pk, form_class, action, success, **form_kwargs):
    """Shared POST handling: validate, call the service, message, back to the page."""
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("proposals:detail", pk=pk)
    try:
        action(form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        if isinstance(error, PermissionDenied) and not getattr(error, "args", None):
            raise
        _report(request, error)
    else:
        messages.success(request, success)
    return redirect("proposals:detail", pk=pk)


@role_required(authenticated)
@require_POST
def change_status(request, pk):
    proposal = _visible(request, pk)
    allowed = _allowed_statuses(request.user, proposal)
    if not allowed:
        raise PermissionDenied
    return _post_action(
        request,
        pk,
        forms.StatusForm,
        lambda data: services.change_status(
            proposal_id=pk,
            actor=request.user,
            new_status=data["new_status"],
            note=data["note"],
            outcome=data.get("outcome", ""),
            impact=data.get("impact", ""),
        ),
        _("El estado quedó actualizado y avisamos a quienes la siguen."),
        proposal=proposal,
        allowed=allowed,
    )


@role_required(can_answer)
@require_POST
def accept(request, pk):
    _visible(request, pk)
    return _post_action(
        request,
        pk,
        forms.AcceptForm,
        lambda data: services.accept_proposal(
            proposal_id=pk,
            actor=request.user,
            commitment=data["commitment"],
            due_date=data["due_date"],
            note=data["note"],
            dependency=data["dependency"],
        ),
        _("Propuesta aceptada con compromiso."),
    )


@role_required(can_answer)
@require_POST
def assign(request, pk):
    _visible(request, pk)
    return _post_action(
        request,
        pk,
        forms.AssignForm,
        lambda data: services.assign_dependency(
            proposal_id=pk, actor=request.user, dependency=data["dependency"]
        ),
        _("Dependencia responsable asignada."),
    )


@role_required(can_answer)
@require_POST
def answer(request, pk):
    _visible(request, pk)
    return _post_action(
        request,
        pk,
        forms.AnswerForm,
        lambda data: services.answer_proposal(
            proposal_id=pk, actor=request.user, answer=data["answer"]
        ),
        _("Respuesta publicada."),
    )


@role_required(authenticated)
@require_POST
def progress(request, pk):
    proposal = _visible(request, pk)
    if not (
        can_answer_proposals(request.user)
        or is_liaison_of(request.user, proposal.responsible_dependency_id)
    ):
        raise PermissionDenied
    return _post_action(
        request,
        pk,
        forms.ProgressForm,
        lambda data: services.add_progress_note(
            proposal_id=pk, actor=request.user, note=data["note"]
        ),
        _("Nota de avance agregada."),
    )


@role_required(authenticated)
@require_POST
def toggle_support(request, pk):
    proposal = _visible(request, pk)
    try:
        if proposal.i_support:
            services.withdraw_support(proposal=proposal, user=request.user)
            messages.success(request, _("Retiró su apoyo."))
        else:
            services.support_proposal(proposal=proposal, user=request.user)
            messages.success(request, _("Gracias por su apoyo."))
    except ValidationError as error:
        _report(request, error)
    return redirect("proposals:detail", pk=pk)


@role_required(can_moderate)
@require_POST
def hide(request, pk):
    _visible(request, pk)
    return _post_action(
        request,
        pk,
        forms.HideForm,
        lambda data: services.hide_proposal(
            proposal_id=pk, actor=request.user, reason=data["reason"]
        ),
        _("La propuesta quedó oculta. No se borró: el registro se conserva."),
    )


@role_required(can_moderate)
@require_POST
def unhide(request, pk):
    _visible(request, pk)
    try:
        services.unhide_proposal(proposal_id=pk, actor=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("La propuesta es visible de nuevo."))
    return redirect("proposals:detail", pk=pk)


@role_required(can_moderate)
@require_POST
def duplicate(request, pk):
    _visible(request, pk)
    return _post_action(
        request,
        pk,
        forms.DuplicateForm,
        lambda data: services.mark_duplicate(
            proposal_id=pk, original_id=data["original"], actor=request.user
        ),
        _("Marcada como duplicada; sus apoyos pasaron a la original."),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(authenticated)
def lookup(request):
    """ "Consultar mi propuesta": the code travels in the POST body, never in a URL."""
    form = forms.TrackingForm(request.POST or None)
    proposal = queued = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        found = services.find_by_tracking_code(code)
        # Not published yet, it waits in the queue for the next anonymous batch.
        queued = None if found else services.find_queued_by_tracking_code(code)
        if found is None and queued is None:
            form.add_error("code", _("No encontramos una propuesta con ese código."))
        elif found is not None:
            # The code holder sees the proposal even when moderation hid it.
            proposal = selectors.proposal_for_page(
                proposal_id=found.pk, user=request.user, include_hidden=True
            )
    return render(
        request,
        "proposals/lookup.html",
        {"form": form, "proposal": proposal, "queued": queued},
    )


@role_required(can_moderate)
@require_http_methods(["GET", "POST"])
def capture(request, session_pk):
    session = get_object_or_404(Session, pk=session_pk)
    form = forms.CaptureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        author = None
        if data["author_email"]:
            author = (
                get_user_model()
                .objects.filter(email__iexact=data["author_email"], is_active=True)
                .first()
            )
            if author is None:
                form.add_error(
                    "author_email", _("No hay ninguna persona activa con ese correo.")
                )
        if not form.errors:
            try:
                services.capture_in_room(
                    actor=request.user,
                    session=session,
                    kind=data["kind"],
                    title=data["title"],
                    text=data["text"],
                    author=author,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Quedó registrada. Puede capturar otra."))
                return redirect("proposals:capture", session_pk=session.pk)
    return render(request, "proposals/capture.html", {"form": form, "session": session})


@role_required(can_answer)
@require_GET
def inbox(request):
    page = Paginator(selectors.despacho_inbox(user=request.user), 30).get_page(
        request.GET.get("pagina")
    )
    return render(request, "proposals/inbox.html", {"page": page})


@role_required(is_liaison)
@require_GET
def follow_up_queue(request):
    page = Paginator(selectors.liaison_queue(user=request.user), 30).get_page(
        request.GET.get("pagina")
    )
    return render(request, "proposals/queue.html", {"page": page})
