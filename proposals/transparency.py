"""The public transparency record (Ley 1712 de 2014): what the practice did, as pages
and as open data, and the index of what is withheld.

Only what a person classified as public appears, with its public text (the original,
with what the law withholds removed); people never appear, only roles and
dependencies. Held sessions are public facts (date, dependency, theme: announced to
all staff beforehand and naming no one); conclusions and commitments are free text
and are public only once Comunicaciones or Despacho classified them so.

Each data set is a list of columns (its data dictionary) and a function that yields
its rows as plain values, so the page, the CSV, the JSON and the dictionary can never
disagree. Every function reads with a fixed number of queries.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cafe.common.classification import (
    Classification,
    LegalBasis,
    level_of,
    reserve_ends,
)
from sessions_app.models import Minutes, Registration, Session, Topic

from .models import Proposal, StatusChange

TEXT, INTEGER, DATE, BOOLEAN, ENUM, URL = (
    "texto",
    "entero",
    "fecha",
    "booleano",
    "enumeracion",
    "url",
)
ENTITY_WIDE = gettext_lazy("Toda la entidad")
WITHHELD = (Classification.CLASSIFIED, Classification.RESERVED)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    values: tuple = ()
    required: bool = True


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[date], Iterable[dict]]


def _labels(choices) -> tuple:
    return tuple(str(label) for _value, label in choices)


def _day(value) -> date | None:
    return timezone.localdate(value) if value else None


def _dependency(dependency) -> str:
    return dependency.name if dependency else str(ENTITY_WIDE)


# --- Rows -----------------------------------------------------------------------


def session_rows(today: date) -> list[dict]:
    """Every held session, oldest first, with its attendance count."""
    came = Q(
        registrations__status=Registration.Status.CONFIRMED,
        registrations__checked_in_at__isnull=False,
    )
    sessions = (
        Session.objects.filter(status=Session.Status.HELD)
        .select_related("dependency", "topic")
        .annotate(
            attended=Count("registrations", filter=came),
            minutes_classification=F("minutes__classification"),
            minutes_status=F("minutes__status"),
        )
        .order_by("starts_at", "pk")
    )
    return [
        {
            "id_sesion": s.pk,
            "fecha": _day(s.starts_at),
            "dependencia": _dependency(s.dependency),
            "tema": s.topic.name if s.topic else "",
            "tipo_de_tema": s.topic.get_kind_display() if s.topic else "",
            "modalidad": s.get_format_display(),
            "asistentes": s.attended,
            "conclusiones_publicas": (
                s.minutes_status == Minutes.Status.PUBLISHED
                and s.minutes_classification == Classification.PUBLIC
            ),
        }
        for s in sessions
    ]


def public_minutes():
    return (
        Minutes.objects.filter(
            status=Minutes.Status.PUBLISHED,
            classification=Classification.PUBLIC,
            session__status=Session.Status.HELD,
        )
        .select_related("session__dependency", "session__topic")
        .order_by("session__starts_at", "pk")
    )


def minutes_rows(today: date) -> list[dict]:
    """The public conclusions, with their public (possibly redacted) text."""
    return [
        {
            "id_sesion": m.session_id,
            "fecha_sesion": _day(m.session.starts_at),
            "dependencia": _dependency(m.session.dependency),
            "tema": m.session.topic.name if m.session.topic else "",
            "fecha_publicacion": _day(m.published_at),
            "resumen": m.public_summary,
            "acuerdos": m.public_agreements,
            "texto_con_supresiones": bool(m.classification_basis),
            "enlace_video": m.video_url,
            "enlace_publicacion": m.post_url,
        }
        for m in public_minutes()
    ]


def public_commitments():
    return (
        Proposal.objects.filter(
            accepted_at__isnull=False,
            is_hidden=False,
            classification=Classification.PUBLIC,
        )
        .select_related("responsible_dependency", "session")
        .order_by("accepted_at", "pk")
    )


def commitment_rows(today: date) -> list[dict]:
    """The public commitments: accepted proposals with their public text."""
    rows = []
    for p in public_commitments():
        held = p.session and p.session.status == Session.Status.HELD
        rows.append(
            {
                "id_compromiso": p.pk,
                "id_sesion": p.session_id if held else None,
                "dependencia_responsable": _dependency(p.responsible_dependency),
                "fecha_aceptacion": _day(p.accepted_at),
                "fecha_limite": p.due_date,
                "estado": p.get_status_display(),
                "vencido": bool(
                    p.status in (Proposal.Status.ACCEPTED, Proposal.Status.IN_PROGRESS)
                    and p.due_date
                    and p.due_date < today
                ),
                "compromiso": p.public_commitment,
                "resultado": p.public_outcome,
                "fecha_implementacion": _day(p.implemented_at),
                "texto_con_supresiones": bool(p.classification_basis),
            }
        )
    return rows


def _term(classification: str, classified_on: date | None) -> str:
    if classification == Classification.RESERVED and classified_on:
        return _("Hasta el %(day)s (15 años, art. 22)") % {
            "day": reserve_ends(classified_on).isoformat()
        }
    if classification == Classification.RESERVED:
        return _("Hasta 15 años (art. 22)")
    return _("Sin plazo: mientras exista el derecho protegido (art. 18)")


def _index_row(*, category, name, responsible, created, item) -> dict:
    withheld = item.classification in WITHHELD
    classified_on = _day(item.classified_at)
    level = item.classification if withheld else level_of(item.classification_basis)
    return {
        "categoria": category,
        "nombre_de_la_informacion": name,
        "idioma": _("Español"),
        "medio_de_conservacion": _("Electrónico"),
        "formato": _("Registro en la plataforma"),
        "fecha_de_generacion": created,
        "responsable": responsible,
        "calificacion": Classification(level).label,
        "excepcion": _("Total") if withheld else _("Parcial"),
        "fundamento_legal": _("Ley 1712 de 2014, %(basis)s")
        % {"basis": LegalBasis(item.classification_basis).label},
        "fecha_de_calificacion": classified_on,
        "plazo": _term(level, classified_on),
    }


def index_rows(today: date) -> list[dict]:
    """The "Índice de información clasificada y reservada": every item withheld in
    whole, or published with parts removed, with its legal basis and term; never
    its content."""
    excepted = Q(classification__in=WITHHELD) | (
        Q(classification=Classification.PUBLIC) & ~Q(classification_basis="")
    )
    minutes = (
        Minutes.objects.filter(excepted, status=Minutes.Status.PUBLISHED)
        .select_related("session__dependency")
        .order_by("classified_at", "pk")
    )
    commitments = (
        Proposal.objects.filter(excepted, accepted_at__isnull=False, is_hidden=False)
        .select_related("responsible_dependency")
        .order_by("classified_at", "pk")
    )
    rows = [
        _index_row(
            category=_("Conclusiones de sesión"),
            name=_("Conclusiones de la sesión n.º %(pk)s del %(day)s · %(dep)s")
            % {
                "pk": m.session_id,
                "day": _day(m.session.starts_at).isoformat(),
                "dep": _dependency(m.session.dependency),
            },
            responsible=_("Comunicaciones (redacción) y Despacho (aprobación)"),
            created=_day(m.published_at),
            item=m,
        )
        for m in minutes
    ]
    rows += [
        _index_row(
            category=_("Compromiso"),
            name=_("Compromiso n.º %(pk)s · %(dep)s")
            % {"pk": p.pk, "dep": _dependency(p.responsible_dependency)},
            responsible=_dependency(p.responsible_dependency),
            created=_day(p.accepted_at),
            item=p,
        )
        for p in commitments
    ]
    return rows


# --- The data sets and their dictionary ----------------------------------------------

_T = gettext_lazy
SESSION_ID = Column("id_sesion", INTEGER, _T("Número de la sesión en la plataforma."))
DEPENDENCY = Column(
    "dependencia",
    TEXT,
    _T("Dependencia invitada, o «Toda la entidad» en un encuentro temático."),
)
THEME = Column(
    "tema", TEXT, _T("Tema o campaña de la sesión (vacío si no tiene)."), (), False
)
REDACTED = Column(
    "texto_con_supresiones",
    BOOLEAN,
    _T(
        "true si se suprimió parte del texto (excepción parcial, ver el índice de "
        "información clasificada y reservada)."
    ),
)

DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (
        Dataset(
            "sesiones",
            _T("Sesiones realizadas"),
            _T("Cada encuentro realizado: fecha, dependencia y tema."),
            (
                SESSION_ID,
                Column("fecha", DATE, _T("Fecha de la sesión (AAAA-MM-DD, Bogotá).")),
                DEPENDENCY,
                THEME,
                Column(
                    "tipo_de_tema",
                    ENUM,
                    _T("Tipo del tema (vacío si no tiene)."),
                    _labels(Topic.Kind.choices),
                    False,
                ),
                Column(
                    "modalidad",
                    ENUM,
                    _T("Modalidad del encuentro."),
                    _labels(Session.Format.choices),
                ),
                Column("asistentes", INTEGER, _T("Personas que asistieron.")),
                Column(
                    "conclusiones_publicas",
                    BOOLEAN,
                    _T("true si sus conclusiones están en el registro público."),
                ),
            ),
            session_rows,
        ),
        Dataset(
            "conclusiones",
            _T("Conclusiones publicadas"),
            _T("Las conclusiones de las sesiones clasificadas como públicas."),
            (
                SESSION_ID,
                Column("fecha_sesion", DATE, _T("Fecha de la sesión (AAAA-MM-DD).")),
                DEPENDENCY,
                THEME,
                Column(
                    "fecha_publicacion",
                    DATE,
                    _T("Fecha en que se publicaron (AAAA-MM-DD)."),
                ),
                Column("resumen", TEXT, _T("Resumen de lo conversado.")),
                Column("acuerdos", TEXT, _T("Acuerdos de la sesión."), (), False),
                REDACTED,
                Column("enlace_video", URL, _T("Enlace al video."), (), False),
                Column(
                    "enlace_publicacion",
                    URL,
                    _T("Enlace a la publicación en redes o intranet."),
                    (),
                    False,
                ),
            ),
            minutes_rows,
        ),
        Dataset(
            "compromisos",
            _T("Compromisos"),
            _T(
                "Las propuestas aceptadas con un compromiso, clasificadas como "
                "públicas: responsable, fecha límite, estado y resultado."
            ),
            (
                Column("id_compromiso", INTEGER, _T("Número del compromiso.")),
                Column(
                    "id_sesion",
                    INTEGER,
                    _T("Sesión donde surgió (vacío si llegó por la plataforma)."),
                    (),
                    False,
                ),
                Column(
                    "dependencia_responsable",
                    TEXT,
                    _T("Dependencia responsable de cumplirlo."),
                ),
                Column("fecha_aceptacion", DATE, _T("Fecha en que se aceptó.")),
                Column("fecha_limite", DATE, _T("Fecha comprometida de cumplimiento.")),
                Column(
                    "estado",
                    ENUM,
                    _T("Estado del seguimiento."),
                    _labels(Proposal.Status.choices),
                ),
                Column(
                    "vencido",
                    BOOLEAN,
                    _T("true si la fecha límite pasó y no se ha cumplido."),
                ),
                Column(
                    "compromiso", TEXT, _T("Qué se comprometió la entidad a hacer.")
                ),
                Column(
                    "resultado",
                    TEXT,
                    _T("Resultado, cuando se cumplió y se publicó."),
                    (),
                    False,
                ),
                Column(
                    "fecha_implementacion",
                    DATE,
                    _T("Fecha en que se cumplió (vacía si no)."),
                    (),
                    False,
                ),
                REDACTED,
            ),
            commitment_rows,
        ),
        Dataset(
            "indice",
            _T("Índice de información clasificada y reservada"),
            _T(
                "Lo que no se publica, en todo o en parte, con su fundamento legal y "
                "su plazo (Ley 1712 de 2014, arts. 18, 19 y 20; Decreto 103 de 2015)."
                " No revela el contenido."
            ),
            (
                Column("categoria", TEXT, _T("Categoría de la información.")),
                Column("nombre_de_la_informacion", TEXT, _T("Qué información es.")),
                Column("idioma", TEXT, _T("Idioma.")),
                Column("medio_de_conservacion", TEXT, _T("Medio de conservación.")),
                Column("formato", TEXT, _T("Formato.")),
                Column("fecha_de_generacion", DATE, _T("Fecha de generación.")),
                Column("responsable", TEXT, _T("Rol o dependencia responsable.")),
                Column(
                    "calificacion",
                    ENUM,
                    _T("Clasificada (art. 18) o reservada (art. 19)."),
                    _labels(Classification.choices)[1:],
                ),
                Column(
                    "excepcion",
                    ENUM,
                    _T("Total (no se publica) o parcial (se publica con supresiones)."),
                    (str(_T("Total")), str(_T("Parcial"))),
                ),
                Column("fundamento_legal", TEXT, _T("Norma y literal que la funda.")),
                Column("fecha_de_calificacion", DATE, _T("Fecha de la calificación.")),
                Column("plazo", TEXT, _T("Plazo de la clasificación o reserva.")),
            ),
            index_rows,
        ),
    )
}
KINDS = {
    TEXT: _T("Texto libre (UTF-8)."),
    INTEGER: _T("Número entero."),
    DATE: _T("Fecha AAAA-MM-DD."),
    BOOLEAN: _T("true o false."),
    ENUM: _T("Uno de los valores listados."),
    URL: _T("Dirección web (http o https)."),
}


def dictionary_rows(today: date | None = None) -> list[dict]:
    return [
        {
            "conjunto": dataset.slug,
            "columna": column.name,
            "tipo": column.kind,
            "obligatorio": column.required,
            "descripcion": str(column.description),
            "valores": " | ".join(str(v) for v in column.values),
        }
        for dataset in DATASETS.values()
        for column in dataset.columns
    ]


DICTIONARY_COLUMNS = ("conjunto", "columna", "tipo", "obligatorio", "descripcion")


# --- HTTP caching -------------------------------------------------------------------


def last_change(request=None, *args, **kwargs) -> datetime:
    """When the public record last changed: the latest write to what it shows, and
    at least today's start (the "overdue" flags move with the date)."""
    stamps = [
        Session.objects.aggregate(t=Max("updated_at"))["t"],
        Minutes.objects.aggregate(t=Max("updated_at"))["t"],
        Proposal.objects.filter(accepted_at__isnull=False).aggregate(
            t=Max("classified_at")
        )["t"],
        StatusChange.objects.aggregate(t=Max("created_at"))["t"],
    ]
    today = datetime.combine(
        timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone()
    )
    return max([today, *(s for s in stamps if s)])
