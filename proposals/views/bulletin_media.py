"""Comunicaciones adds and removes the photos and video links of a draft edition
(from the edition's management page; every action returns there)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cafe.access import role_required

from .. import bulletin_media as media
from ..forms import BulletinPhotoForm, BulletinVideoForm
from ..models import Bulletin, BulletinPhoto, BulletinVideo
from ..permissions import can_moderate

manage = role_required(can_moderate)


def _report(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@manage
@require_POST
def photo_add(request, pk):
    edition = get_object_or_404(Bulletin, pk=pk)
    form = BulletinPhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("proposals:bulletin_edit", pk=edition.pk)
    try:
        media.add_photo(
            bulletin_id=edition.pk,
            upload=form.cleaned_data["image"],
            alt_text=form.cleaned_data["alt_text"],
            caption=form.cleaned_data["caption"],
            actor=request.user,
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("La foto quedó en la edición."))
    return redirect("proposals:bulletin_edit", pk=edition.pk)


@manage
@require_POST
def photo_remove(request, pk, photo_pk):
    photo = get_object_or_404(BulletinPhoto, pk=photo_pk, bulletin_id=pk)
    try:
        media.remove_photo(bulletin_id=pk, photo_id=photo.pk, actor=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("La foto se quitó de la edición."))
    return redirect("proposals:bulletin_edit", pk=pk)


@manage
@require_POST
def video_add(request, pk):
    edition = get_object_or_404(Bulletin, pk=pk)
    form = BulletinVideoForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("proposals:bulletin_edit", pk=edition.pk)
    try:
        media.add_video(
            bulletin_id=edition.pk,
            url=form.cleaned_data["url"],
            title=form.cleaned_data["title"],
            actor=request.user,
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("El video quedó en la edición."))
    return redirect("proposals:bulletin_edit", pk=edition.pk)


@manage
@require_POST
def video_remove(request, pk, video_pk):
    video = get_object_or_404(BulletinVideo, pk=video_pk, bulletin_id=pk)
    try:
        media.remove_video(bulletin_id=pk, video_id=video.pk, actor=request.user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("El video se quitó de la edición."))
    return redirect("proposals:bulletin_edit", pk=pk)
