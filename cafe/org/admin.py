from axes import admin as axes_admin
from axes.models import AccessAttempt
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.forms import UserCreationForm as BaseUserCreationForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .access_log import record_access
from .habeas_selectors import habeas_legend
from .models import (
    DataRequest,
    Dependency,
    PersonalDataAccess,
    PrivacyConsent,
    RetentionRun,
    User,
)


@admin.register(Dependency)
class DependencyAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "code", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "acronym", "code")
    list_select_related = ("parent",)


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "dependency")


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        liaison_of = cleaned.get("liaison_of")
        groups = cleaned.get("groups")
        if (
            liaison_of
            and groups is not None
            and not any(g.name == "Enlace de dependencia" for g in groups)
        ):
            raise forms.ValidationError(
                _("Solo una persona con el rol Enlace de dependencia puede ser enlace.")
            )
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("full_name",)
    list_display = (
        "full_name",
        "email",
        "dependency",
        "position",
        "employment_type",
        "is_active",
    )
    list_filter = ("is_active", "employment_type", "groups", "dependency")
    search_fields = ("full_name", "email", "position", "dependency__name")
    list_select_related = ("dependency",)
    readonly_fields = (
        "last_login",
        "date_joined",
        "privacy_notice_version",
        "privacy_accepted_at",
        "data_use_revoked_at",
        "habeas_legend",
    )
    # Plain multiple selects: the admin's two-pane widget fails WCAG (aria on a span).
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Datos de la persona"),
            {"fields": ("full_name", "dependency", "position", "employment_type")},
        ),
        (
            _("Roles y permisos"),
            {
                "fields": (
                    "is_active",
                    "groups",
                    "liaison_of",
                    "is_staff",
                    "is_superuser",
                )
            },
        ),
        (
            _("Fechas y autorización de datos"),
            {
                "fields": (
                    "last_login",
                    "date_joined",
                    "privacy_notice_version",
                    "privacy_accepted_at",
                    "data_use_revoked_at",
                    "habeas_legend",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "dependency",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("Leyenda de reclamo"))
    def habeas_legend(self, obj):
        return habeas_legend(obj) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The person's page shows their data: each view goes to the access log."""
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            record_access(
                actor=request.user,
                what=PersonalDataAccess.What.ADMIN_PERSON,
                path=request.get_full_path(),
                subject_id=int(object_id) if str(object_id).isdigit() else None,
            )
        return response


@admin.register(PrivacyConsent)
class PrivacyConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "version", "accepted_at", "ip_address")
    list_filter = ("version",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "version",
        "text_sha256",
        "accepted_at",
        "ip_address",
        "user_agent",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The roles (groups) with plain multiple selects for their permissions, like the
# people above: the admin's two-pane widget fails WCAG (aria-label on a span).
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    filter_horizontal = ()


# The lockout log of django-axes, in Spanish: its field names come from
# locale/es (the package has no Spanish catalogue); the section's name and the
# columns axes leaves unnamed are set here.
apps.get_app_config("axes").verbose_name = _("Bloqueos de ingreso")
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.display(description=_("Estado"))
    def status(self, obj):
        return super().status(obj)

    @admin.display(description=_("Vence el"))
    def expiration(self, obj):
        return super().expiration(obj)


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Read-only: requests change through the officer's pages (and their services)."""

    list_display = ("number", "kind", "claim", "state", "filed_at", "due_on")
    list_filter = ("state", "kind", "claim")
    search_fields = ("number",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "total")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
