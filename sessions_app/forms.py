"""Forms of the sessions app. They validate; services write."""

import calendar
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cafe.datefields import DateField, DateTimeField, MonthField, parse_month
from cafe.org.forms import CrispyFormMixin, bootstrap_classes, https_urls
from cafe.org.models import Dependency
from cafe.widgets import ListChoiceField

from .models import Campaign, Feedback, Minutes, Session, Topic

DATETIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


class TopicForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Guardar tema")

    class Meta:
        model = Topic
        fields = ["name", "kind", "description", "is_active"]


class SessionForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Guardar sesión")

    # Hidden until the schedule raises a warning (see ``confirm_schedule``).
    save_anyway = forms.BooleanField(
        label=_("Guardar de todos modos"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Session
        formfield_callback = https_urls
        fields = [
            "title",
            "description",
            "topic",
            "dependency",
            "starts_at",
            "ends_at",
            "format",
            "place",
            "meeting_url",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "allocation",
            "allocation_window_closes_at",
            "host_name",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "registration_opens_at": DATETIME_INPUT,
            "registration_closes_at": DATETIME_INPUT,
            "allocation_window_closes_at": DATETIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "host_name": _(
                "Si lo deja vacío, se usa el cargo del anfitrión configurado."
            ),
            "meeting_url": _("Solo lo ven las personas con inscripción confirmada."),
            "allocation": _(
                "Con prioridad o sorteo, las inscripciones hechas antes del cierre de "
                "la ventana son solicitudes; a esa hora se reparten los cupos con la "
                "regla y se avisa a cada persona. Después, por orden de llegada."
            ),
            "allocation_window_closes_at": _(
                "Solo para prioridad o sorteo: hasta cuándo se reciben solicitudes."
            ),
        }

    campaigns = forms.ModelMultipleChoiceField(
        label=_("Campañas que se llevan a la sesión"),
        queryset=Campaign.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Quienes asistan las calificarán en la encuesta."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)
        self.fields["campaigns"].queryset = Campaign.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["campaigns"].initial = list(self.instance.campaigns.all())
        self.fields["dependency"].queryset = Dependency.objects.filter(is_active=True)
        self.fields["dependency"].empty_label = _("Toda la entidad")
        self.fields["host_name"].required = False
        self.fields["capacity"].min_value = 1
        self.fields["allocation"].required = False
        for name in (
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
            "allocation_window_closes_at",
        ):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]

    def confirm_schedule(self, warnings: list[str]) -> bool:
        """After ``is_valid``: True when the schedule raises no warning or the person
        ticked «Guardar de todos modos»; otherwise shows that checkbox with an error
        and keeps ``warnings`` for the page."""
        self.schedule_warnings = warnings
        if not warnings or self.cleaned_data.get("save_anyway"):
            return True
        self.fields["save_anyway"].widget = forms.CheckboxInput()
        self.add_error(
            "save_anyway",
            _("Revise los avisos y marque esta casilla para guardar de todos modos."),
        )
        return False

    def clean_allocation(self):
        return self.cleaned_data["allocation"] or Session.Allocation.FIRST_COME


class CancelSessionForm(CrispyFormMixin, forms.Form):
    submit_label = _("Cancelar la sesión y avisar a las personas inscritas")

    reason = forms.CharField(
        label=_("Motivo de la cancelación"),
        help_text=_("Se incluye en el correo que reciben las personas inscritas."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class RegistrationForm(forms.Form):
    needs = forms.CharField(
        label=_("Necesidades de accesibilidad o logística (opcional)"),
        help_text=_(
            "Por ejemplo: intérprete de lengua de señas, acceso en silla de ruedas."
        ),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SessionFilterForm(forms.Form):
    mes = MonthField(label=_("Mes"), required=False)
    dependencia = ListChoiceField(
        label=_("Dependencia"),
        queryset=Dependency.objects.filter(is_active=True),
        required=False,
        empty_label=_("Todas"),
    )
    tema = forms.ModelChoiceField(
        label=_("Tema o campaña"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label=_("Todos"),
    )
    modalidad = forms.ChoiceField(
        label=_("Modalidad"),
        choices=[("", _("Todas")), *Session.Format.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)


class ManageFilterForm(forms.Form):
    """The month filter of the sessions list of Comunicaciones."""

    mes = MonthField(label=_("Mes"), required=False)


class MonthForm(forms.Form):
    month = MonthField(label=_("Mes por planear"))

    def clean_month(self):
        first = parse_month(self.cleaned_data["month"])
        today = timezone.localdate()
        year, month = first.year, first.month
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last <= today:
            raise forms.ValidationError(_("Elija el mes actual o uno futuro."))
        return first


class PlannedSessionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)

    include = forms.BooleanField(label=_("Incluir"), required=False, initial=True)
    dependency = forms.ModelChoiceField(
        label=_("Dependencia"),
        queryset=Dependency.objects.filter(is_active=True),
        widget=forms.HiddenInput,
    )
    day = DateField(
        label=_("Fecha"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=_("Inicio"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Lugar"), max_length=200)
    capacity = forms.IntegerField(label=_("Cupos"), min_value=1, max_value=5000)

    def clean(self):
        cleaned = super().clean()
        start, end, day = cleaned.get("start"), cleaned.get("end"), cleaned.get("day")
        if start and end and end <= start:
            self.add_error("end", _("El fin debe ser posterior al inicio."))
        if day and day <= timezone.localdate():
            self.add_error("day", _("La fecha debe ser posterior a hoy."))
        if day and day.weekday() >= 5:
            self.add_error("day", _("Elija un día hábil (lunes a viernes)."))
        return cleaned


# More sessions than any entity has dependencies; the cap keeps a forged management
# form (TOTAL_FORMS=100000) from building and validating that many forms.
PLANNER_MAX_SESSIONS = 200


class BasePlannedSessionFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("Se pueden planear como máximo %(num)d sesiones a la vez."),
    }


PlannedSessionFormSet = forms.formset_factory(
    PlannedSessionForm,
    formset=BasePlannedSessionFormSet,
    extra=0,
    max_num=PLANNER_MAX_SESSIONS,
    absolute_max=PLANNER_MAX_SESSIONS,
    validate_max=True,
)


class WalkInForm(forms.Form):
    email = forms.EmailField(
        label=_("Correo de la persona que llegó sin inscripción"), max_length=254
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)


class MinutesForm(CrispyFormMixin, forms.ModelForm):
    submit_label = _("Guardar borrador")

    class Meta:
        model = Minutes
        formfield_callback = https_urls
        fields = ["summary", "agreements", "video_url", "post_url"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "agreements": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "summary": _(
                "Puede usar Markdown: **negrita**, listas con guiones, enlaces."
            ),
            "agreements": _("Un acuerdo por línea, con responsable y fecha si la hay."),
        }


class ReturnMinutesForm(CrispyFormMixin, forms.Form):
    submit_label = _("Devolver con comentarios")

    comment = forms.CharField(
        label=_("¿Qué hay que corregir?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class MinutesCompareForm(forms.Form):
    """Two versions of the conclusions to compare (a GET form), older first."""

    de = forms.TypedChoiceField(label=_("Versión anterior"), coerce=int)
    a = forms.TypedChoiceField(label=_("Versión nueva"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("Versión %(n)s") % {"n": n}) for n in numbers]
        for field in self.fields.values():
            field.choices = choices
            field.widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        old, new = data.get("de"), data.get("a")
        if old is not None and new is not None and old >= new:
            raise forms.ValidationError(
                _("La versión anterior debe ser más antigua que la nueva.")
            )
        return data


SCALE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["felt_heard", "useful", "trust", "comment"]
        widgets = {
            "felt_heard": forms.RadioSelect(choices=SCALE_CHOICES),
            "useful": forms.RadioSelect(choices=SCALE_CHOICES),
            "trust": forms.RadioSelect(choices=SCALE_CHOICES),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "felt_heard": _("Sentí que me escucharon (1 = nada, 5 = totalmente)"),
            "useful": _("El espacio fue útil (1 = nada, 5 = totalmente)"),
            "trust": _("Confío más en la dirección (1 = nada, 5 = totalmente)"),
            "comment": _("Comentario (opcional; se publica sin su nombre)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Enviar respuesta")))


class AgendaBlockForm(CrispyFormMixin, forms.Form):
    """A time the leader is not available: from, to, and why."""

    submit_label = _("Bloquear en la agenda")

    # The shared field refuses a year outside 2000–2100 (stored in UTC, a far one
    # would break every page that reads it).
    starts_at = DateTimeField(
        label=_("Desde"),
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    ends_at = DateTimeField(
        label=_("Hasta"),
        widget=DATETIME_INPUT,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=200,
        help_text=_("Por ejemplo: Consejo de Gobierno, viaje, vacaciones."),
    )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("El fin debe ser posterior al inicio."))
        return cleaned
