"""Pages of habeas data: a person files and completes requests from "Mis datos";
the data-protection officer works the queue, reads the access log and retention."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import authenticated, role_required

from . import erasure, habeas, habeas_selectors, retention
from .access_log import audited
from .habeas_forms import CompleteForm, FileRequestForm, StepForm
from .models import DataRequest, PersonalDataAccess, RetentionRun
from .permissions import can_handle_data_requests

officer = role_required(can_handle_data_requests)

STEPS = {
    "prorrogar": (habeas.extend_request, "reason", gettext_lazy("Término prorrogado.")),
    "pedir-informacion": (
        habeas.request_missing_info,
        "missing",
        gettext_lazy("Se pidió a la persona la información que falta."),
    ),
    "responder": (
        habeas.answer_request,
        "answer",
        gettext_lazy("Solicitud respondida."),
    ),
}


def _errors(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@role_required(authenticated)
@require_http_methods(["GET", "POST"])
def file_request(request):
    form = FileRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = habeas.file_request(person=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request,
                _("Solicitud radicada con el número %(n)s. Le enviamos un correo.")
                % {"n": filed.number},
            )
            return redirect("my_data")
    return render(request, "org/habeas_file.html", {"form": form})


@role_required(authenticated)
@require_POST
def complete_request(request, pk):
    mine = DataRequest.objects.filter(pk=pk, person=request.user).first()
    if mine is None:
        raise Http404
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Escriba la información que falta."))
        return redirect("my_data")
    try:
        habeas.complete_request(
            request_id=mine.pk, person=request.user, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(
            request, _("Recibimos la información; el término se reinicia.")
        )
    return redirect("my_data")


@officer
@require_GET
def queue(request):
    show_closed = request.GET.get("todas") == "1"
    return render(
        request,
        "org/habeas_queue.html",
        {
            "rows": habeas_selectors.queue(show_closed=show_closed),
            "show_closed": show_closed,
            "warning_days": habeas.WARNING_DAYS,
        },
    )


def _subject_of(request, pk):
    return DataRequest.objects.filter(pk=pk).values_list("person_id", flat=True).first()


@officer
@require_GET
@audited(PersonalDataAccess.What.DATA_REQUEST, subject=_subject_of)
def detail(request, pk):
    found = habeas_selectors.request_for_officer(pk)
    if found is None:
        raise Http404
    return render(
        request,
        "org/habeas_detail.html",
        {
            "item": found,
            "clock": habeas.clock_of(found),
            "legend": habeas_selectors.habeas_legend(found.person),
            "form": StepForm(),
            "can_carry_out": found.claim
            in (DataRequest.Claim.ERASE, DataRequest.Claim.REVOKE)
            and found.state == DataRequest.State.ANSWERED
            and found.carried_out_at is None,
        },
    )


@officer
@require_POST
def act(request, pk, step):
    if not DataRequest.objects.filter(pk=pk).exists():
        raise Http404
    try:
        if step == "ejecutar":
            erasure.carry_out(request_id=pk, actor=request.user)
            messages.success(request, _("Quedó ejecutada y registrada."))
        else:
            service, argument, done = STEPS[step]
            form = StepForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Escriba el texto de esta actuación."))
            service(
                request_id=pk,
                actor=request.user,
                **{argument: form.cleaned_data["text"]},
            )
            messages.success(request, done)
    except ValidationError as error:
        _errors(request, error)
    return redirect("habeas_detail", pk=pk)


@officer
@require_GET
def access_log(request):
    page = Paginator(habeas_selectors.access_log_page(), 50).get_page(
        request.GET.get("pagina")
    )
    return render(request, "org/habeas_access_log.html", {"page": page})


@officer
@require_GET
def retention_report(request):
    """The last runs, and what a run today would purge (a dry run: nothing changes)."""
    return render(
        request,
        "org/habeas_retention.html",
        {
            "preview": retention.apply_retention(dry_run=True),
            "runs": RetentionRun.objects.all()[:20],
        },
    )
