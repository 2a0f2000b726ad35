"""Pages of campaigns and testimonials (Comunicaciones), and a person withdrawing
the consent to publish their own quote."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import authenticated, role_required

from .. import services
from ..models import Campaign, Testimonial
from ..permissions import can_manage_sessions
from ..voice_forms import CampaignForm, TestimonialForm
from ..voice_selectors import SOCIAL, managed_testimonials, publishable_testimonials
from .common import report

manage = role_required(can_manage_sessions)


@manage
@require_GET
def campaign_list(request):
    return render(
        request, "sessions/manage/campaigns.html", {"campaigns": Campaign.objects.all()}
    )


@manage
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk=None):
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        services.save_campaign(campaign=campaign, data=form.cleaned_data)
        messages.success(request, _("La campaña quedó guardada."))
        return redirect("sessions:campaigns")
    return render(
        request,
        "sessions/manage/campaign_form.html",
        {"form": form, "campaign": campaign},
    )


@manage
@require_GET
def testimonial_list(request):
    page = Paginator(managed_testimonials(), 30).get_page(request.GET.get("pagina"))
    return render(request, "sessions/manage/testimonials.html", {"page": page})


@manage
@require_http_methods(["GET", "POST"])
def testimonial_create(request):
    form = TestimonialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_testimonial(
                session_id=data["session"].pk,
                person=form.person,
                quote=data["quote"],
                for_social=data["for_social"],
                for_bulletin=data["for_bulletin"],
                consent_method=data["consent_method"],
                consent_note=data["consent_note"],
                actor=request.user,
            )
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(request, _("El testimonio quedó registrado."))
            return redirect("sessions:testimonials")
    return render(request, "sessions/manage/testimonial_form.html", {"form": form})


@manage
@require_POST
def testimonial_withdraw(request, pk):
    """Comunicaciones withdraws the consent at the person's request."""
    testimonial = get_object_or_404(Testimonial, pk=pk)
    services.withdraw_testimonial(testimonial_id=testimonial.pk, actor=request.user)
    messages.success(
        request,
        _(
            "Se retiró la autorización: la cita ya no aparecerá en ninguna edición "
            "ni exportación futura."
        ),
    )
    return redirect("sessions:testimonials")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Keep a spreadsheet from reading a quote as a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


@manage
@require_GET
def testimonials_export(request):
    """The quotes that may go on social media today (a CSV for the posts)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Sesión"), _("Fecha"), _("Persona"), _("Cita")])
    for t in publishable_testimonials(channel=SOCIAL):
        writer.writerow(
            [
                _cell(t.session.title),
                timezone.localtime(t.session.starts_at).strftime("%d/%m/%Y"),
                _cell(t.person.full_name),
                _cell(t.quote),
            ]
        )
    response = HttpResponse(
        "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="testimonios-redes-{stamp}.csv"'
    )
    return response


@role_required(authenticated)
@require_POST
def my_testimonial_withdraw(request, pk):
    """The person withdraws the consent to publish their own quote (from Mis datos);
    someone else's quote is a 404."""
    try:
        services.withdraw_testimonial(testimonial_id=pk, actor=request.user, own=True)
    except Testimonial.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        _(
            "Retiramos su autorización: la cita ya no aparecerá en ninguna edición ni "
            "exportación futura. Las ediciones del boletín ya enviadas no se "
            "modifican."
        ),
    )
    return redirect("my_data")
