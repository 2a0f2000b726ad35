"""Photos and video links of a draft bulletin edition.

A photo is checked (a real JPEG, PNG or WebP image, not too large), scaled down to
``PROPOSALS_BULLETIN_PHOTO_WIDTH`` and re-encoded, so what is stored and sent carries
no metadata of the camera (location, device, owner). Every photo needs its alt text.
Editing media counts as editing the edition (four eyes: see ``bulletin``)."""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cafe.validators import visible_text

from .models import Bulletin, BulletinPhoto, BulletinVideo

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Decoding a bigger picture is a decompression bomb, not a photo of a session.
MAX_PIXELS = 40_000_000


def prepare_photo(upload) -> ContentFile:
    """The upload as a clean file: resized to the configured width at most and
    re-encoded without metadata. Raises a Spanish ``ValidationError`` otherwise."""
    if upload.size > settings.PROPOSALS_BULLETIN_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("La foto pesa más de %(mb)s MB: redúzcala antes de subirla.")
            % {"mb": settings.PROPOSALS_BULLETIN_PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            probe.verify()
        if kind not in ACCEPTED_FORMATS:
            raise ValidationError(_("Suba la foto en formato JPG, PNG o WebP."))
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("La foto tiene demasiados píxeles."))
            image = ImageOps.exif_transpose(image)
            width = settings.PROPOSALS_BULLETIN_PHOTO_WIDTH
            if image.width > width:
                height = round(image.height * width / image.width)
                image = image.resize((width, height), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            else:
                _strip(image).save(out, kind)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("El archivo no es una imagen válida: suba una foto JPG, PNG o WebP.")
        ) from None
    return ContentFile(
        out.getvalue(), name=f"{uuid.uuid4().hex}.{ACCEPTED_FORMATS[kind]}"
    )


def _strip(image: Image.Image) -> Image.Image:
    """A copy with the pixels only (no EXIF, XMP or text chunks)."""
    mode = image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean


def _draft_for_update(bulletin_id: int, actor) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_id)
    if bulletin.status != Bulletin.Status.DRAFT:
        raise ValidationError(_("La edición ya fue aprobada: no se puede cambiar."))
    bulletin.last_edited_by = actor
    bulletin.save(update_fields=["last_edited_by"])
    return bulletin


def add_photo(*, bulletin_id: int, upload, alt_text: str, caption: str = "", actor):
    """Add a photo to a draft. ``alt_text`` says what the photo shows."""
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise ValidationError(
            _("Escriba el texto alternativo: qué muestra la foto, para quien no la ve.")
        )
    clean = prepare_photo(upload)
    with transaction.atomic():
        bulletin = _draft_for_update(bulletin_id, actor)
        photo = BulletinPhoto(
            bulletin=bulletin,
            alt_text=alt_text[:250],
            caption=" ".join((caption or "").split())[:250],
            uploaded_by=actor,
        )
        photo.image.save(clean.name, clean, save=False)
        # The file is written before the row commits: remove it if the row does not.
        stored = photo.image.name
        storage = photo.image.storage
        try:
            photo.save()
        except Exception:
            storage.delete(stored)
            raise
    return photo


def remove_photo(*, bulletin_id: int, photo_id: int, actor) -> None:
    with transaction.atomic():
        bulletin = _draft_for_update(bulletin_id, actor)
        photo = BulletinPhoto.objects.get(pk=photo_id, bulletin=bulletin)
        name = photo.image.name
        photo.delete()
        transaction.on_commit(lambda: photo.image.storage.delete(name))


def add_video(*, bulletin_id: int, url: str, title: str, actor) -> BulletinVideo:
    """Add a video link (validated like the conclusions' media links)."""
    with transaction.atomic():
        bulletin = _draft_for_update(bulletin_id, actor)
        video = BulletinVideo(
            bulletin=bulletin, url=url, title=" ".join(title.split()), added_by=actor
        )
        visible_text(url)
        video.full_clean()
        video.save()
    return video


def remove_video(*, bulletin_id: int, video_id: int, actor) -> None:
    with transaction.atomic():
        bulletin = _draft_for_update(bulletin_id, actor)
        BulletinVideo.objects.filter(pk=video_id, bulletin=bulletin).delete()
