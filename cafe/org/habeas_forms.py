"""Forms of habeas data: filing a request, and the officer's steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import CrispyFormMixin
from .models import DataRequest


class FileRequestForm(CrispyFormMixin, forms.Form):
    submit_label = _("Radicar la solicitud")

    kind = forms.ChoiceField(
        label=_("Tipo de solicitud"),
        choices=DataRequest.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Consulta: conocer qué datos tenemos y cómo los usamos (respuesta en 10 "
            "días hábiles). Reclamo: pedir que se actualicen, corrijan o supriman, o "
            "revocar la autorización (respuesta en 15 días hábiles)."
        ),
    )
    claim = forms.ChoiceField(
        label=_("Tipo de reclamo"),
        choices=[("", _("— Solo para reclamos —")), *DataRequest.Claim.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("Su solicitud"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describa qué pide y, si es un reclamo, qué dato y por qué."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == DataRequest.Kind.RECLAMO and not cleaned.get("claim"):
            self.add_error("claim", _("Elija el tipo de reclamo."))
        return cleaned


class StepForm(forms.Form):
    """One text for an officer's step (reason, missing information, answer)."""

    text = forms.CharField(
        label=_("Texto"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CompleteForm(forms.Form):
    text = forms.CharField(
        label=_("La información que falta"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
