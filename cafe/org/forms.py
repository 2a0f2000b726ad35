"""Forms of the org app: login, password reset (via the outbox), privacy consent."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cafe.branding import absolute_url
from cafe.notify.services import send_templated

from . import roles, staff
from .models import Dependency, User
from .password_login import may_use_password, password_login_mode


def https_urls(model_field, **kwargs):
    """ModelForm ``formfield_callback``: links typed without a scheme mean https."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


def bootstrap_classes(form) -> None:
    """Give hand-laid-out forms the Bootstrap classes crispy would add."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class CrispyFormMixin:
    """Give a stock Django form a crispy helper with one submit button."""

    submit_label = _("Guardar")
    # Several forms on one page need distinct element ids (labels point at them).
    id_prefix = None

    def __init__(self, *args, **kwargs):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class LoginForm(CrispyFormMixin, AuthenticationForm):
    submit_label = _("Ingresar")

    username = forms.EmailField(
        label=_("Correo institucional"),
        # As User.email: a longer address would overflow django-axes' username column.
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "El correo o la contraseña no son correctos. Revise e intente de nuevo."
        ),
        "inactive": _("Esta cuenta está inactiva. Escriba a la mesa de ayuda."),
        "password_off": _(
            "El ingreso con contraseña no está habilitado. Use el botón «Ingresar "
            "con su cuenta institucional»."
        ),
        "admins_only": _(
            "El correo o la contraseña no son correctos, o su cuenta ingresa con el "
            "botón «Ingresar con su cuenta institucional» (la contraseña es solo "
            "para administradores)."
        ),
    }

    def clean(self):
        if password_login_mode() == "off":
            raise forms.ValidationError(
                self.error_messages["password_off"], code="password_off"
            )
        try:
            return super().clean()
        except forms.ValidationError as error:
            if password_login_mode() == "admins" and error.code == "invalid_login":
                raise forms.ValidationError(
                    self.error_messages["admins_only"], code="invalid_login"
                ) from error
            raise


class OutboxPasswordResetForm(CrispyFormMixin, PasswordResetForm):
    """Password reset whose e-mail goes through the outbox (never lost, sent once)."""

    submit_label = _("Enviar enlace")

    email = forms.EmailField(
        label=_("Correo institucional"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        """Only people who may log in with a password get a reset link."""
        return (user for user in super().get_users(email) if may_use_password(user))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        path = reverse(
            "password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        send_templated(
            key=f"password-reset:{user.pk}:{uuid.uuid4().hex}",
            template="org/password_reset",
            context={"user": user, "reset_url": absolute_url(path)},
            to=to_email,
            recipient=user,
            kind="password_reset",
        )


class PrivacyAcceptForm(CrispyFormMixin, forms.Form):
    submit_label = _("Aceptar y continuar")

    accept = forms.BooleanField(
        label=_(
            "He leído el aviso de privacidad y autorizo el tratamiento de mis datos."
        ),
        error_messages={
            "required": _("Para continuar debe marcar la casilla de aceptación."),
        },
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class SetPasswordCrispyForm(CrispyFormMixin, SetPasswordForm):
    submit_label = _("Guardar la nueva contraseña")


class PasswordChangeCrispyForm(CrispyFormMixin, PasswordChangeForm):
    submit_label = _("Cambiar la contraseña")


class PreferencesForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Guardar mis preferencias")

    class Meta:
        model = User
        fields = ["wants_invitations", "wants_reminders"]


class RosterUploadForm(CrispyFormMixin, forms.Form):
    """Talento Humano's roster; checked first, applied on a second step."""

    submit_label = _("Revisar el archivo")

    file = forms.FileField(
        label=_("Archivo de la nómina (CSV o XLSX)"),
        help_text=_(
            "Columnas: correo, nombre, dependencia (código o nombre), vinculación "
            "(planta, provisional, libre nombramiento, contratista), fin del contrato "
            "(contratistas) y, opcional, jefe (sí) y cargo."
        ),
    )
    full_roster = forms.BooleanField(
        label=_("Es la nómina completa: desactivar a quien no figure en ella"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CAFE_DIRECTORY_MAX_FILE_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("El archivo pesa más de %(mb)s MB.") % {"mb": limit >> 20}
            )
        return upload


class ApplyImportForm(CrispyFormMixin, forms.Form):
    submit_label = _("Aplicar los cambios")

    strict = forms.BooleanField(
        label=_("Modo estricto: no aplicar nada si hay filas rechazadas"),
        required=False,
        initial=True,
    )


class GrantRoleForm(CrispyFormMixin, forms.Form):
    submit_label = _("Otorgar el rol")
    id_prefix = "grant"

    email = forms.EmailField(label=_("Correo de la persona"), max_length=254)
    role = forms.ChoiceField(label=_("Rol"), choices=())
    dependency = forms.ModelChoiceField(
        label=_("Dependencia (solo para Enlace)"),
        queryset=Dependency.objects.filter(is_active=True),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (name, roles.ROLE_LABELS[name]) for name in staff.GRANTABLE
        ]
        self.helper.form_action = reverse("directory_grant_role")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        person = User.objects.filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(
                _("No hay nadie con ese correo en el directorio.")
            )
        self.person = person
        return email


class DependencyHeadForm(CrispyFormMixin, forms.Form):
    submit_label = _("Guardar jefe")
    id_prefix = "head"

    dependency = forms.ModelChoiceField(
        label=_("Dependencia"), queryset=Dependency.objects.filter(is_active=True)
    )
    email = forms.EmailField(
        label=_("Correo del jefe (vacío para quitarlo)"), max_length=254, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_action = reverse("directory_set_head")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.person = None
        if email:
            self.person = User.objects.filter(email__iexact=email).first()
            if self.person is None:
                raise forms.ValidationError(
                    _("No hay nadie con ese correo en el directorio.")
                )
        return email
