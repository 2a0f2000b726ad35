"""Photos and video links of a bulletin edition (imported by ``models``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cafe.validators import visible_text


class BulletinPhoto(models.Model):
    """A photo uploaded by Comunicaciones, stored resized and re-encoded (no
    metadata: see ``bulletin_media.prepare_photo``), always with its alt text."""

    bulletin = models.ForeignKey(
        "proposals.Bulletin",
        verbose_name=_("edición"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.ImageField(
        _("foto"),
        upload_to="boletin/%Y/%m/",
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(_("ancho"), default=0)
    height = models.PositiveIntegerField(_("alto"), default=0)
    alt_text = models.CharField(_("texto alternativo"), max_length=250)
    caption = models.CharField(_("pie de foto"), max_length=250, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("subida por"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("subida el"), auto_now_add=True)

    class Meta:
        verbose_name = _("foto del boletín")
        verbose_name_plural = _("fotos del boletín")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(alt_text=""), name="bulletin_photo_has_alt"
            )
        ]

    def __str__(self):
        return self.alt_text


class BulletinVideo(models.Model):
    """A link to a video (the entity's channel, the intranet), with its title."""

    bulletin = models.ForeignKey(
        "proposals.Bulletin",
        verbose_name=_("edición"),
        on_delete=models.CASCADE,
        related_name="videos",
    )
    url = models.URLField(_("enlace al video"), validators=[visible_text])
    title = models.CharField(_("título"), max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agregado por"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("agregado el"), auto_now_add=True)

    class Meta:
        verbose_name = _("video del boletín")
        verbose_name_plural = _("videos del boletín")
        ordering = ["added_at", "pk"]

    def __str__(self):
        return self.title
