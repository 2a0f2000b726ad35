from django.contrib import admin
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cafe.admin_a11y import LabelledWidgetsMixin

from .models import (
    Campaign,
    Minutes,
    MinutesVersion,
    Registration,
    Session,
    Testimonial,
    Topic,
)
from .selectors import survey_summary


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)


class RegistrationInline(LabelledWidgetsMixin, admin.TabularInline):
    model = Registration
    extra = 0
    # Cancelling goes through the app (it promotes the waiting list), not here.
    can_delete = False
    raw_id_fields = ("user",)
    fields = ("user", "status", "walk_in", "created_at", "checked_in_at", "needs")
    readonly_fields = ("created_at",)


@admin.register(Session)
class SessionAdmin(LabelledWidgetsMixin, admin.ModelAdmin):
    list_display = ("title", "starts_at", "dependency", "format", "status", "capacity")
    list_filter = ("status", "format", "dependency")
    search_fields = ("title", "place")
    date_hierarchy = "starts_at"
    list_select_related = ("dependency",)

    readonly_fields = ("created_by", "created_at", "updated_at", "sequence", "survey")
    inlines = [RegistrationInline]
    # A link typed without a scheme means https, as in the app's own forms.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # The pulse survey appears in the admin only as this aggregate: its answers
    # have no admin of their own, so no list puts one person's scores and time
    # next to their session.
    @admin.display(description=gettext_lazy("Encuesta de percepción"))
    def survey(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        summary = survey_summary(session=obj)
        if not summary.shown:
            return ngettext(
                "menos de %(n)s respuesta", "menos de %(n)s respuestas", summary.minimum
            ) % {"n": summary.minimum}
        return _(
            "%(answers)s respuestas. Promedios de 1 a 5: escucha %(heard)s, "
            "utilidad %(useful)s, confianza %(trust)s."
        ) % {
            "answers": summary.answers,
            "heard": number_format(summary.felt_heard, 1),
            "useful": number_format(summary.useful, 1),
            "trust": number_format(summary.trust, 1),
        }


@admin.register(Registration)
class RegistrationAdmin(LabelledWidgetsMixin, admin.ModelAdmin):
    list_display = ("session", "user", "status", "created_at", "checked_in_at")
    list_filter = ("status", "walk_in")
    search_fields = ("user__email", "user__full_name", "session__title")
    list_select_related = ("session", "user")
    raw_id_fields = ("session", "user")


class MinutesVersionInline(admin.TabularInline):
    model = MinutesVersion
    extra = 0
    can_delete = False
    fields = ("number", "event", "status", "saved_by", "saved_at", "comment")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Minutes)
class MinutesAdmin(LabelledWidgetsMixin, admin.ModelAdmin):
    list_display = ("session", "status", "published_at")
    list_filter = ("status",)
    search_fields = ("session__title", "summary")
    list_select_related = ("session",)
    inlines = [MinutesVersionInline]
    formfield_overrides = SessionAdmin.formfield_overrides

    def has_add_permission(self, request):
        # Conclusions are written only through the versioned flow (write, review,
        # publish), never here.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "scope", "is_active")
    list_filter = ("scope", "is_active")
    search_fields = ("name",)


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    """Read only: quotes and their consent are recorded and withdrawn in the app,
    so the record of who consented, how and when stays intact."""

    list_display = ("person", "session", "for_social", "for_bulletin", "withdrawn_at")
    list_filter = ("for_social", "for_bulletin", "consent_method")
    search_fields = ("person__email", "person__full_name", "quote")
    list_select_related = ("person", "session")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
