"""Forms to classify what reaches the public transparency record."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cafe.common.classification import Classification, LegalBasis
from cafe.org.forms import CrispyFormMixin

BASIS_HELP = _(
    "Obligatorio si la información es clasificada o reservada, o si suprimió parte "
    "del texto público."
)


class _ClassificationForm(CrispyFormMixin, forms.Form):
    submit_label = _("Guardar la clasificación")

    # No initial choice on a first classification: a person decides every time.
    classification = forms.ChoiceField(
        label=_("Clasificación (Ley 1712 de 2014)"),
        choices=Classification.choices,
        widget=forms.RadioSelect,
    )
    basis = forms.ChoiceField(
        label=_("Fundamento legal de la excepción"),
        choices=[("", _("Ninguno: se publica completa")), *LegalBasis.choices],
        required=False,
        help_text=BASIS_HELP,
    )
    text_fields: dict = {}

    def __init__(self, *args, instance, **kwargs):
        initial = {}
        if instance.classification:
            initial = {
                "classification": instance.classification,
                "basis": instance.classification_basis,
            }
        for field, original in self.text_fields.items():
            # What would be published: the current public text, else the original.
            initial[field] = getattr(instance, field) or getattr(instance, original)
        super().__init__(*args, initial=initial, **kwargs)


class MinutesClassificationForm(_ClassificationForm):
    text_fields = {"public_summary": "summary", "public_agreements": "agreements"}

    public_summary = forms.CharField(
        label=_("Resumen que se publica"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Suprima nombres y lo que la ley protege; el original se guarda."),
    )
    public_agreements = forms.CharField(
        label=_("Acuerdos que se publican"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CommitmentClassificationForm(_ClassificationForm):
    text_fields = {"public_commitment": "commitment", "public_outcome": "outcome"}

    public_commitment = forms.CharField(
        label=_("Compromiso que se publica"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Suprima nombres y lo que la ley protege; el original se guarda."),
    )
    public_outcome = forms.CharField(
        label=_("Resultado que se publica"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Solo cuando el compromiso ya tiene un resultado."),
    )
