"""Recurring themes: proposals grouped by similarity, computed by a nightly job
(``proposals.themes.rebuild_themes``) and stored here. The dashboard reads these rows:
they are the job's result (data), not a cache of a page."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cafe.org.models import Dependency


class Theme(models.Model):
    """A group of similar proposals, as of the last run of the job."""

    representative = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("propuesta representativa"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # The representative's title when the theme was computed.
    label = models.CharField(_("texto representativo"), max_length=150)
    keywords = models.CharField(_("palabras clave"), max_length=300, blank=True)
    size = models.PositiveIntegerField(_("propuestas"))
    supports = models.PositiveIntegerField(_("apoyos"), default=0)
    sessions = models.PositiveIntegerField(_("sesiones"), default=0)
    months_active = models.PositiveIntegerField(_("meses con propuestas"), default=0)
    first_seen = models.DateField(_("primera vez"))
    last_seen = models.DateField(_("última vez"))
    # {"2026-07": 3, ...}: proposals per month (Bogotá), every month with any.
    months = models.JSONField(_("propuestas por mes"), default=dict)
    # [["Dirección de Talento Humano", 4], ...]: where they came from, most first.
    dependencies = models.JSONField(_("dependencias de origen"), default=list)
    computed_at = models.DateTimeField(_("calculado el"))

    class Meta:
        verbose_name = _("tema recurrente")
        verbose_name_plural = _("temas recurrentes")
        ordering = ["-size", "pk"]
        indexes = [
            models.Index(fields=["months_active", "-size"], name="theme_recurring_idx"),
        ]

    def __str__(self):
        return self.label


class ThemeMember(models.Model):
    """One proposal of a theme, with the dependency it came from."""

    theme = models.ForeignKey(
        Theme,
        verbose_name=_("tema"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name=_("propuesta"),
        on_delete=models.CASCADE,
        related_name="theme_membership",
    )
    dependency = models.ForeignKey(
        Dependency,
        verbose_name=_("dependencia de origen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("propuesta del tema")
        verbose_name_plural = _("propuestas del tema")
        indexes = [
            models.Index(fields=["dependency", "theme"], name="theme_member_dep_idx")
        ]

    def __str__(self):
        return f"{self.theme_id}: {self.proposal_id}"
