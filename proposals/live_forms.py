"""Forms of the live questions: the phone's question and the moderators' actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import SIGN_ANONYMOUS, SIGN_NAMED
from .services.live import TEXT_MAX_LENGTH

APPROVE = "aprobar"
HIDE = "ocultar"
MERGE = "fusionar"
ANSWERED = "respondida"


class LiveQuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Su pregunta"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Escriba su pregunta."),
            "max_length": _(
                "La pregunta es demasiado larga: máximo %(limit_value)d caracteres."
            ),
        },
    )
    signature = forms.ChoiceField(
        label=_("¿Cómo la envía?"),
        choices=[
            (SIGN_NAMED, _("Con mi nombre (se muestra en la pantalla)")),
            (SIGN_ANONYMOUS, _("Anónima (sin nombre en ninguna parte)")),
        ],
        widget=forms.RadioSelect,
        initial=SIGN_NAMED,
        error_messages={"invalid_choice": _("Elija cómo enviar la pregunta.")},
    )

    def __init__(self, *args, allow_anonymous: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            self.fields["signature"].choices = self.fields["signature"].choices[:1]

    @property
    def anonymous(self) -> bool:
        return self.cleaned_data["signature"] == SIGN_ANONYMOUS


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (APPROVE, _("Aprobar")),
            (HIDE, _("Ocultar")),
            (MERGE, _("Fusionar")),
            (ANSWERED, _("Respondida en la sala")),
        ],
        error_messages={"invalid_choice": _("Esa acción no existe.")},
    )
    reason = forms.CharField(label=_("Motivo"), required=False, max_length=500)
    original = forms.IntegerField(
        label=_("Fusionar con la pregunta n.º"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={"invalid": _("Escriba el número de la pregunta original.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == MERGE and not data.get("original"):
            self.add_error(
                "original", _("Escriba el número de la pregunta con la que se fusiona.")
            )
        return data
