"""Pages of the bulletin: editions for everyone; drafting, preview, approval and
sending progress for Comunicaciones."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cafe.access import authenticated, role_required
from cafe.notify.models import Delivery
from cafe.notify.services import retry_failed

from .. import bulletin as service
from ..forms import BulletinNoteForm, BulletinPhotoForm, BulletinVideoForm
from ..models import Bulletin
from ..permissions import can_approve_bulletin, can_moderate


def _edition(request, pk) -> Bulletin:
    edition = get_object_or_404(Bulletin, pk=pk)
    drafts_visible = can_approve_bulletin(request.user)
    if edition.status == Bulletin.Status.DRAFT and not drafts_visible:
        raise Http404
    return edition


@role_required(authenticated)
@require_GET
def bulletin_list(request):
    editions = Bulletin.objects.all()
    if not can_approve_bulletin(request.user):
        editions = editions.exclude(status=Bulletin.Status.DRAFT)
    return render(
        request,
        "proposals/bulletin/list.html",
        {"editions": editions, "can_manage": can_moderate(request.user)},
    )


@role_required(authenticated)
@require_GET
def bulletin_detail(request, pk):
    """The edition as a web page, from the same frozen content as the e-mail."""
    edition = _edition(request, pk)
    return render(
        request,
        "proposals/bulletin/detail.html",
        {
            "bulletin": edition,
            "data": edition.data,
            "can_approve": edition.status == Bulletin.Status.DRAFT
            and can_approve_bulletin(request.user),
            **service.media(edition),
        },
    )


@role_required(can_moderate)
@require_POST
def bulletin_compose(request):
    edition, created = service.compose_bulletin(actor=request.user)
    if created:
        messages.success(request, _("Se compuso el borrador del mes anterior."))
    else:
        messages.info(request, _("La edición del mes anterior ya existía."))
    return redirect("proposals:bulletin_edit", pk=edition.pk)


@role_required(can_moderate)
@require_http_methods(["GET", "POST"])
def bulletin_edit(request, pk):
    edition = get_object_or_404(
        Bulletin.objects.select_related("drafted_by", "last_edited_by").defer("data"),
        pk=pk,
    )
    form = BulletinNoteForm(
        request.POST or None, initial={"note": edition.editorial_note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("accion") == "recomponer":
                service.refresh_draft(bulletin_id=pk, actor=request.user)
            service.save_note(
                bulletin_id=pk, note=form.cleaned_data["note"], actor=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Borrador actualizado."))
        return redirect("proposals:bulletin_edit", pk=pk)
    return render(
        request,
        "proposals/bulletin/edit.html",
        {
            "bulletin": edition,
            "preview": _preview(edition),
            "form": form,
            "progress": service.bulletin_progress(edition),
            "failed": _failed(edition),
            "is_author": request.user.pk
            in (edition.drafted_by_id, edition.last_edited_by_id),
            "photo_form": BulletinPhotoForm(),
            "video_form": BulletinVideoForm(),
            **service.media(edition),
        },
    )


def _preview(edition: Bulletin):
    """The content as the e-mail tells it: the digest kept with the edition, or,
    when the number of items per list was changed since, made again."""
    limit = settings.PROPOSALS_BULLETIN_SECTION_ITEMS
    data = edition.digest
    if data.get("limit") != limit:
        data = service.digest(edition.data, limit)
    return render_to_string(
        "proposals/bulletin/_content.html",
        {
            "bulletin": edition,
            "limit": limit,
            "data": data,
            **service.media(edition),
        },
    )


def _failed(edition: Bulletin):
    if edition.content_id is None:
        return []
    return list(
        Delivery.objects.filter(
            content_id=edition.content_id, state=Delivery.State.FAILED
        )
        .only("pk", "to_email", "last_error")
        .order_by("pk")[:100]
    )


@role_required(can_moderate)
@require_GET
def bulletin_progress(request, pk):
    edition = get_object_or_404(Bulletin, pk=pk)
    return render(
        request,
        "proposals/bulletin/_progress.html",
        {"bulletin": edition, "progress": service.bulletin_progress(edition)},
    )


@csp_update({"style-src": [UNSAFE_INLINE]})
@role_required(can_moderate)
@require_GET
def bulletin_email_preview(request, pk):
    """The e-mail exactly as recipients will get it (its own inline styles allowed,
    scripts still forbidden)."""
    edition = get_object_or_404(Bulletin, pk=pk)
    if edition.content_id:
        html = edition.content.body_html
    else:
        _subject, _text, html = service.render(edition)
    return HttpResponse(html)


@role_required(can_approve_bulletin)
@require_POST
def bulletin_approve(request, pk):
    """A second person approves (Comunicaciones or Despacho), never the drafter."""
    edition = get_object_or_404(Bulletin, pk=pk)
    back = (
        "proposals:bulletin_edit"
        if can_moderate(request.user)
        else "proposals:bulletin"
    )
    if edition.status != Bulletin.Status.DRAFT:
        messages.info(
            request, _("Esta edición ya estaba aprobada: no se envía dos veces.")
        )
        return redirect(back, pk=pk)
    try:
        service.approve_bulletin(bulletin_id=pk, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Edición aprobada: el envío comenzó."))
    return redirect(back, pk=pk)


@role_required(can_moderate)
@require_POST
def bulletin_retry(request, pk, delivery_pk):
    edition = get_object_or_404(Bulletin, pk=pk)
    delivery = get_object_or_404(
        Delivery, pk=delivery_pk, content_id=edition.content_id, content__isnull=False
    )
    if retry_failed(delivery_id=delivery.pk):
        messages.success(
            request,
            _("El envío a %(email)s volvió a la cola.") % {"email": delivery.to_email},
        )
    return redirect("proposals:bulletin_edit", pk=pk)
