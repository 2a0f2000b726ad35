"""Forms of campaigns, campaign ratings and testimonials. They validate; services
write."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cafe.org.forms import CrispyFormMixin

from .models import Session
from .voice_models import QUOTE_MAX_LENGTH, Campaign, Testimonial

SCALE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class CampaignForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Guardar campaña")

    class Meta:
        model = Campaign
        fields = ["name", "scope", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CampaignRatingsForm(forms.Form):
    """One optional 1–5 rating and comment per campaign of the session."""

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaigns = list(campaigns)
        for campaign in self.campaigns:
            self.fields[f"campana_{campaign.pk}"] = forms.TypedChoiceField(
                label=_("¿Cómo le parece la campaña «%(name)s»? (1 = nada, 5 = mucho)")
                % {"name": campaign.name},
                choices=SCALE_CHOICES,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comentario_{campaign.pk}"] = forms.CharField(
                label=_("Comentario sobre «%(name)s» (opcional; sin su nombre)")
                % {"name": campaign.name},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        for campaign in self.campaigns:
            if data.get(f"comentario_{campaign.pk}") and not data.get(
                f"campana_{campaign.pk}"
            ):
                self.add_error(
                    f"campana_{campaign.pk}",
                    _("Califique la campaña para dejar un comentario sobre ella."),
                )
        return data

    def ratings(self) -> dict:
        """After ``is_valid``: ``{campaign_id: {"score", "comment"}}`` of the rated."""
        return {
            c.pk: {
                "score": self.cleaned_data[f"campana_{c.pk}"],
                "comment": self.cleaned_data.get(f"comentario_{c.pk}", ""),
            }
            for c in self.campaigns
            if self.cleaned_data.get(f"campana_{c.pk}")
        }


class TestimonialForm(CrispyFormMixin, forms.Form):
    submit_label = _("Guardar testimonio")

    session = forms.ModelChoiceField(
        label=_("Sesión"),
        queryset=Session.objects.filter(status=Session.Status.HELD).order_by(
            "-starts_at"
        ),
    )
    email = forms.EmailField(
        label=_("Correo institucional de la persona"), max_length=254
    )
    quote = forms.CharField(
        label=_("Cita"),
        max_length=QUOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Máximo %(n)s caracteres, tal como la persona la dijo.")
        % {"n": QUOTE_MAX_LENGTH},
    )
    for_social = forms.BooleanField(
        label=_("Autoriza publicarla en redes sociales"), required=False
    )
    for_bulletin = forms.BooleanField(
        label=_("Autoriza publicarla en el boletín"), required=False
    )
    consent_method = forms.ChoiceField(
        label=_("Cómo dio la autorización"), choices=Testimonial.ConsentMethod.choices
    )
    consent_note = forms.CharField(
        label=_("Detalle de la autorización (opcional)"),
        max_length=300,
        required=False,
        help_text=_("Por ejemplo: formato firmado n.º 12, correo del 3 de marzo."),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        person = (
            get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        )
        if person is None:
            raise forms.ValidationError(_("No hay una persona activa con ese correo."))
        self.person = person
        return email

    def clean(self):
        data = super().clean()
        if not (data.get("for_social") or data.get("for_bulletin")):
            self.add_error(
                "for_social",
                _("Marque al menos un canal que la persona autorizó."),
            )
        return data
