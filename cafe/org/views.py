"""Pages of the org app: home, privacy notice, "Mis datos", login and passwords."""

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cafe.access import authenticated, role_required

from . import forms, habeas_selectors, services, sso
from .access_log import audited
from .habeas_forms import CompleteForm
from .home import home_sections
from .models import PersonalDataAccess
from .password_login import password_login_mode
from .permissions import role_names
from .privacy import current_notice, has_accepted_current
from .selectors import personal_data_for


@role_required(authenticated)
@require_GET
def home(request):
    return render(
        request,
        "org/home.html",
        {
            "roles": role_names(request.user),
            "sections": home_sections(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def privacy_notice(request):
    """Show the notice to anyone; ask a logged-in person to accept it when pending."""
    notice = current_notice()
    user = request.user
    pending = user.is_authenticated and not has_accepted_current(user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = forms.PrivacyAcceptForm(initial={"next": next_url})
    if request.method == "POST":
        if not pending:
            return redirect(next_url or reverse("home"))
        form = forms.PrivacyAcceptForm(request.POST)
        if form.is_valid():
            services.accept_privacy_notice(
                user=user,
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
            messages.success(request, _("Gracias. Su autorización quedó registrada."))
            return redirect(next_url or reverse("home"))
    return render(
        request,
        "org/privacy_notice.html",
        {"notice": notice, "pending": pending, "form": form},
    )


@role_required(authenticated)
@require_http_methods(["GET", "POST"])
def preferences(request):
    """E-mail preferences: invitations and reminders can be switched off; the bulletin
    and messages about one's own registrations and proposals are always sent."""
    form = forms.PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("Sus preferencias de correo quedaron guardadas."))
        return redirect("preferences")
    return render(request, "org/preferences.html", {"form": form})


@role_required(authenticated)
@require_GET
def my_data(request):
    return render(
        request,
        "org/my_data.html",
        {
            "sections": personal_data_for(request.user),
            "data_requests": habeas_selectors.requests_of(request.user),
            "legend": habeas_selectors.habeas_legend(request.user),
            "complete_form": CompleteForm(),
        },
    )


@role_required(authenticated)
@require_GET
@audited(PersonalDataAccess.What.MY_DATA_EXPORT, subject=lambda r, **kw: r.user.pk)
def my_data_export(request, fmt):
    """Download everything held on the person: JSON (structured) or CSV (flat)."""
    sections = personal_data_for(request.user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "json":
        payload = {
            "generado": timezone.localtime().isoformat(),
            "titular": request.user.email,
            "secciones": [
                {
                    "clave": s.key,
                    "titulo": s.title,
                    "registros": [
                        dict(zip(s.columns, row, strict=True)) for row in s.rows
                    ],
                }
                for s in sections
            ],
        }
        body = json.dumps(payload, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        # One block per section: its title, its column headers, its rows, a blank line.
        for s in sections:
            writer.writerow([s.title])
            writer.writerow(s.columns)
            writer.writerows([_neutralise(value) for value in row] for row in s.rows)
            writer.writerow([])
        body = "\ufeff" + buffer.getvalue()
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mis-datos-{stamp}.{fmt}"'
    return response


def _neutralise(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class LoginView(auth_views.LoginView):
    """The institutional account first; the password form as the policy allows."""

    form_class = forms.LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        mode = password_login_mode()
        return super().get_context_data(
            sso_enabled=sso.enabled(),
            password_mode=mode if sso.enabled() else "all",
            **kwargs,
        )


class LogoutView(auth_views.LogoutView):
    """End the local session and, where the provider supports it, the provider's."""

    def post(self, request, *args, **kwargs):
        provider_url = sso.provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return redirect(provider_url) if provider_url else response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.OutboxPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordCrispyForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeCrispyForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")
