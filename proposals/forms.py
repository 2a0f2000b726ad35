"""Forms of the proposals app. They validate input; services apply the rules."""

from datetime import timedelta

from crispy_forms.layout import HTML, Layout
from django import forms
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cafe.datefields import DateField
from cafe.org.forms import CrispyFormMixin, bootstrap_classes
from cafe.org.models import Dependency
from cafe.validators import visible_text
from cafe.widgets import ListChoiceField
from sessions_app.models import Session, Topic

from .models import Proposal
from .services import TRANSITIONS
from .services.anonymous import batch_period_label

SIGN_NAMED = "nombre"
SIGN_ANONYMOUS = "anonima"


def sessions_open_to(user):
    """Sessions one may send a proposal to: theirs, upcoming or of the last 60 days."""
    since = timezone.now() - timedelta(days=60)
    queryset = Session.objects.filter(
        status__in=[Session.Status.PUBLISHED, Session.Status.HELD], ends_at__gte=since
    )
    if user.dependency_id:
        return queryset.filter(dependency__isnull=True) | queryset.filter(
            dependency_id=user.dependency_id
        )
    return queryset.filter(dependency__isnull=True)


class ProposalForm(CrispyFormMixin, forms.Form):
    submit_label = _("Enviar")

    kind = forms.ChoiceField(
        label=_("¿Qué quiere enviar?"),
        choices=[(k.value, k.label) for k in Proposal.SUBMITTED_KINDS],
        widget=forms.RadioSelect,
        initial=Proposal.Kind.PROPOSAL,
    )
    title = forms.CharField(label=_("Título"), max_length=150)
    text = forms.CharField(
        label=_("Cuéntenos"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Máximo 4000 caracteres. Sea concreto: qué pasa y qué propone."),
    )
    topic = forms.ModelChoiceField(
        label=_("Tema (opcional)"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label=_("Sin tema"),
    )
    session = ListChoiceField(
        label_field="title",
        label=_("Sesión (opcional)"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=_("No es para una sesión en particular"),
    )
    signature = forms.ChoiceField(
        label=_("¿Cómo quiere firmarla?"),
        choices=[
            (
                SIGN_NAMED,
                _(
                    "Con mi nombre: mi nombre aparece en la propuesta y recibo por "
                    "correo cada avance."
                ),
            ),
            (
                SIGN_ANONYMOUS,
                _(
                    "Anónima: no se guarda ningún dato que me identifique (ni "
                    "nombre, ni hora exacta). Recibo un código privado, que se muestra "
                    "una sola vez, para consultar su avance."
                ),
            ),
        ],
        widget=forms.RadioSelect,
        initial=SIGN_NAMED,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions_open_to(user).order_by("-starts_at")
        # Similar proposals appear under the title as it is typed (htmx; the
        # "Apoyar esta" buttons submit the page's separate form #apoyar-similar).
        self.fields["title"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("proposals:similar"),
                "hx-trigger": "input changed delay:500ms",
                "hx-target": "#similares",
                "hx-sync": "this:replace",
            }
        )
        self.helper.layout = Layout(
            "kind",
            "title",
            HTML('<div id="similares" aria-live="polite"></div>'),
            "text",
            "topic",
            "session",
            "signature",
        )
        self.fields["signature"].help_text = _(
            "Una propuesta anónima espera en una cola, sin su nombre ni la hora, y se "
            "publica junto con las demás anónimas %(period)s, en orden aleatorio y "
            "con la fecha del día de publicación: ni su número ni su fecha revelan "
            "cuándo la envió. Si la asocia a una sesión, esta debe tener al menos "
            "%(n)s personas inscritas o presentes."
        ) % {
            "period": batch_period_label(),
            "n": settings.PROPOSALS_MIN_ANONYMOUS_AUDIENCE,
        }


class CaptureForm(CrispyFormMixin, forms.Form):
    submit_label = _("Registrar lo planteado")

    kind = forms.ChoiceField(
        label=_("Tipo"),
        choices=[(k.value, k.label) for k in Proposal.SUBMITTED_KINDS],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Título"), max_length=150)
    text = forms.CharField(
        label=_("Lo que se planteó"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    author_email = forms.EmailField(
        label=_("Correo de quien lo planteó (opcional)"),
        required=False,
        help_text=_("Déjelo vacío si la persona no quiere figurar."),
    )


class StatusForm(CrispyFormMixin, forms.Form):
    submit_label = _("Cambiar el estado")
    id_prefix = "estado"

    new_status = forms.ChoiceField(label=_("Nuevo estado"))
    note = forms.CharField(
        label=_("Nota (obligatoria)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Para «No viable», explique el motivo: lo leerán quienes la apoyan."
        ),
    )
    outcome = forms.CharField(
        label=_("Resultado (para «Implementada»)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    impact = forms.CharField(
        label=_("Impacto: qué cambió y para quién (para «Implementada»)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, proposal: Proposal, allowed: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_status"].choices = [
            (value, label)
            for value, label in Proposal.Status.choices
            if value in TRANSITIONS[proposal.status] and value in allowed
        ]
        if Proposal.Status.IMPLEMENTED not in dict(self.fields["new_status"].choices):
            del self.fields["outcome"]
            del self.fields["impact"]


class AcceptForm(CrispyFormMixin, forms.Form):
    submit_label = _("Aceptar con este compromiso")
    id_prefix = "aceptar"

    dependency = forms.ModelChoiceField(
        label=_("Dependencia responsable"),
        queryset=Dependency.objects.filter(is_active=True),
    )
    commitment = forms.CharField(
        label=_("Compromiso"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = DateField(
        label=_("Fecha de cumplimiento"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Por defecto, el plazo configurado en días hábiles (sin festivos)."
        ),
    )
    note = forms.CharField(
        label=_("Nota (obligatoria)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(CrispyFormMixin, forms.Form):
    submit_label = _("Asignar")
    id_prefix = "asignar"

    dependency = forms.ModelChoiceField(
        label=_("Dependencia responsable"),
        queryset=Dependency.objects.filter(is_active=True),
    )


class AnswerForm(CrispyFormMixin, forms.Form):
    submit_label = _("Publicar la respuesta")
    id_prefix = "respuesta"

    answer = forms.CharField(
        label=_("Respuesta"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProgressForm(CrispyFormMixin, forms.Form):
    submit_label = _("Agregar la nota de avance")
    id_prefix = "avance"

    note = forms.CharField(
        label=_("Avance"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class HideForm(CrispyFormMixin, forms.Form):
    submit_label = _("Ocultar")
    id_prefix = "ocultar"

    reason = forms.CharField(label=_("Motivo (queda registrado)"), max_length=1000)


class DuplicateForm(CrispyFormMixin, forms.Form):
    submit_label = _("Marcar como duplicada")
    id_prefix = "duplicada"

    original = forms.IntegerField(
        label=_("Número de la propuesta original"),
        min_value=1,
        max_value=2**63 - 1,  # the largest primary key; more would overflow
        help_text=_("Los apoyos de esta propuesta pasan a la original."),
    )


class TrackingForm(CrispyFormMixin, forms.Form):
    submit_label = _("Consultar")

    code = forms.CharField(
        label=_("Código de seguimiento"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "El código que recibió al enviar la propuesta anónima, "
            "p. ej. ABCD-EFGH-JKLM."
        ),
    )


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=200)
    estado = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=[("", _("Todos")), *Proposal.Status.choices],
    )
    tipo = forms.ChoiceField(
        label=_("Tipo"),
        required=False,
        choices=[("", _("Todos")), *Proposal.Kind.choices],
    )
    tema = forms.ModelChoiceField(
        label=_("Tema"),
        required=False,
        queryset=Topic.objects.all(),
        empty_label=_("Todos"),
    )
    # Any published or held session is accepted (the link "Ver todas las propuestas
    # de esta sesión" of every session page), but the select offers only the latest
    # and the next few: a large entity holds fifty sessions a month, over a thousand
    # in two years, too many for a list to read and to send with every page.
    sesion = ListChoiceField(
        label_field="title",
        label=_("Sesión"),
        required=False,
        queryset=Session.objects.filter(
            status__in=[Session.Status.PUBLISHED, Session.Status.HELD]
        ).order_by("-starts_at"),
        empty_label=_("Todas"),
        help_text=_(
            "Las sesiones más recientes y las próximas. Las anteriores, desde la "
            "página de cada sesión."
        ),
    )
    dependencia = ListChoiceField(
        label=_("Dependencia responsable"),
        required=False,
        queryset=Dependency.objects.filter(is_active=True),
        empty_label=_("Todas"),
    )
    orden = forms.ChoiceField(
        label=_("Ordenar por"),
        required=False,
        choices=[
            ("", _("Relevancia al buscar; si no, más recientes")),
            ("recientes", _("Más recientes")),
            ("apoyos", _("Más apoyadas")),
            ("vencimiento", _("Fecha de cumplimiento")),
        ],
    )
    vencidas = forms.BooleanField(label=_("Solo compromisos vencidos"), required=False)

    # The select's sessions: this many that have started (the latest first) and this
    # many coming. Bounded by number, not by dates, so the page costs the same for an
    # entity of any size.
    SESSIONS_SHOWN = 30
    SESSIONS_COMING = 10

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)
        field = self.fields["sesion"]
        now = timezone.now()
        sessions = field.queryset
        latest = sessions.filter(starts_at__lte=now).values_list("pk", flat=True)
        coming = (
            sessions.filter(starts_at__gt=now)
            .order_by("starts_at")
            .values_list("pk", flat=True)
        )
        shown = Q(
            pk__in=[*latest[: self.SESSIONS_SHOWN], *coming[: self.SESSIONS_COMING]]
        )
        chosen = str(self.data.get("sesion", "")) if self.is_bound else ""
        if chosen.isascii() and chosen.isdigit() and len(chosen) <= 18:
            shown |= Q(pk=int(chosen))  # an older session chosen from its page
        field.shown = sessions.filter(shown)


class DashboardFilterForm(forms.Form):
    desde = DateField(
        label=_("Desde"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    hasta = DateField(
        label=_("Hasta"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    dependencia = ListChoiceField(
        label=_("Dependencia"),
        required=False,
        queryset=Dependency.objects.filter(is_active=True),
        empty_label=_("Toda la entidad"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("desde"), cleaned.get("hasta")
        if start and end and start > end:
            raise forms.ValidationError(
                _("La fecha inicial debe ser anterior a la final.")
            )
        return cleaned


class BulletinNoteForm(CrispyFormMixin, forms.Form):
    submit_label = _("Guardar la nota")

    note = forms.CharField(
        label=_("Nota editorial (opcional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Aparece al comienzo del boletín. Admite Markdown."),
    )


class BulletinPhotoForm(forms.Form):
    image = forms.ImageField(
        label=_("Foto (JPG, PNG o WebP)"),
        error_messages={
            "invalid_image": _(
                "El archivo no es una imagen válida: suba una foto JPG, PNG o WebP."
            ),
            "required": _("Elija la foto que quiere subir."),
        },
    )
    alt_text = forms.CharField(
        label=_("Texto alternativo"),
        max_length=250,
        help_text=_("Qué muestra la foto, para quien no puede verla. Obligatorio."),
        error_messages={
            "required": _(
                "Escriba el texto alternativo: qué muestra la foto, para quien no "
                "la ve."
            )
        },
    )
    caption = forms.CharField(
        label=_("Pie de foto (opcional)"), max_length=250, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)


class BulletinVideoForm(forms.Form):
    url = forms.URLField(
        label=_("Enlace al video"),
        assume_scheme="https",
        validators=[visible_text],
        max_length=200,
    )
    title = forms.CharField(label=_("Título del video"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_classes(self)
