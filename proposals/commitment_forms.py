"""Forms of commitments: a session's agreements and due-date extensions."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cafe.org.forms import CrispyFormMixin
from cafe.org.models import Dependency
from cafe.org.permissions import can_answer_proposals, is_liaison_of

from . import selectors
from .services.commitments import MAX_BUSINESS_DAYS, may_request_extension


class _Posting(CrispyFormMixin):
    """A crispy form that posts to ``action``."""

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if action:
            self.helper.form_action = action


class AgreementForm(_Posting, forms.Form):
    submit_label = _("Registrar el acuerdo")
    id_prefix = "acuerdo"

    title = forms.CharField(
        label=_("Acuerdo"),
        max_length=150,
        help_text=_("Una frase corta, p. ej. «Mesa de trabajo con Talento Humano»."),
    )
    commitment = forms.CharField(
        label=_("Qué se hará"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    dependency = forms.ModelChoiceField(
        label=_("Dependencia responsable"),
        queryset=Dependency.objects.filter(is_active=True),
    )
    business_days = forms.IntegerField(
        label=_("Plazo en días hábiles"),
        min_value=1,
        max_value=MAX_BUSINESS_DAYS,
        help_text=_(
            "Se cuentan desde el día de la sesión, sin fines de semana ni festivos."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"business_days": settings.PROPOSALS_COMMITMENT_BUSINESS_DAYS}
        )
        super().__init__(*args, **kwargs)


class ExtensionRequestForm(_Posting, forms.Form):
    submit_label = _("Pedir la prórroga")
    id_prefix = "prorroga"

    new_due_date = forms.DateField(
        label=_("Nueva fecha de cumplimiento"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Un día hábil posterior a la fecha vigente."),
    )
    reason = forms.CharField(
        label=_("Motivo (obligatorio)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lo leerá el Despacho y quedará en el seguimiento."),
    )


APPROVE = "aprobar"
REFUSE = "rechazar"


class ExtensionDecisionForm(_Posting, forms.Form):
    submit_label = _("Registrar la decisión")
    id_prefix = "decision"

    decision = forms.ChoiceField(
        label=_("Decisión"),
        choices=[(APPROVE, _("Aprobar la nueva fecha")), (REFUSE, _("Rechazar"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Nota (obligatoria para rechazar)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def extension_context(user, proposal) -> dict:
    """What the proposal page shows of extensions: the liaison's request form, or
    the pending request (and Despacho's decision form)."""
    context = {}
    watching = can_answer_proposals(user) or is_liaison_of(
        user, proposal.responsible_dependency_id
    )
    if not watching or proposal.due_date is None:
        return context
    pending = selectors.pending_extension_of(proposal)
    context["pending_extension"] = pending
    if pending is None and may_request_extension(user, proposal):
        context["extension_form"] = ExtensionRequestForm(
            action=reverse("proposals:extension_request", args=[proposal.pk])
        )
    if pending is not None and can_answer_proposals(user):
        context["decision_form"] = ExtensionDecisionForm(
            action=reverse("proposals:extension_decide", args=[pending.pk])
        )
    return context
