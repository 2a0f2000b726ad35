"""The staff directory, kept from Talento Humano's roster: read, check, apply.

A roster (CSV or XLSX) is read into rows, each either accepted or refused with its
reason in Spanish. ``plan_import`` compares the accepted rows with the directory and
says what applying would do (people to add, to change and what, to deactivate), and
changes nothing: the dry run. ``apply_import`` does it in one transaction, with a fixed
number of queries per batch of rows. The same file applied twice changes nothing the
second time. Unknown dependencies are proposed, never created silently: an
administrator creates them, or maps a former name to an existing one (a "nombre
alterno").
"""

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import roles, staff
from .models import Dependency, DependencyAlias, DirectoryImport, EmploymentType, User

BATCH = 1000
MAX_ROWS = 100_000
NAME_MAX = 200

HEADERS = {
    "correo": "email",
    "correo institucional": "email",
    "email": "email",
    "nombre": "full_name",
    "nombre completo": "full_name",
    "dependencia": "dependency",
    "codigo dependencia": "dependency",
    "vinculacion": "employment_type",
    "tipo de vinculacion": "employment_type",
    "fin contrato": "contract_ends_on",
    "fin del contrato": "contract_ends_on",
    "fecha fin contrato": "contract_ends_on",
    "jefe": "is_head",
    "jefe de dependencia": "is_head",
    "cargo": "position",
}
REQUIRED = ("email", "full_name", "dependency", "employment_type")
TYPES = {
    "planta": EmploymentType.PLANTA,
    "carrera": EmploymentType.PLANTA,
    "provisional": EmploymentType.PROVISIONAL,
    "libre nombramiento": EmploymentType.LIBRE_NOMBRAMIENTO,
    "libre nombramiento y remocion": EmploymentType.LIBRE_NOMBRAMIENTO,
    "contratista": EmploymentType.CONTRATISTA,
    "contrato de prestacion de servicios": EmploymentType.CONTRATISTA,
}
YES = {"si", "x", "1", "true", "verdadero", "jefe"}
FIELDS = (
    "full_name",
    "dependency_id",
    "employment_type",
    "contract_ends_on",
    "position",
)
FIELD_LABELS = {
    "full_name": gettext_lazy("nombre"),
    "dependency_id": gettext_lazy("dependencia"),
    "employment_type": gettext_lazy("vinculación"),
    "contract_ends_on": gettext_lazy("fin del contrato"),
    "position": gettext_lazy("cargo"),
    "is_active": gettext_lazy("reactivación"),
}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").split())


@dataclass
class Row:
    line: int
    email: str
    full_name: str
    dependency_id: int
    employment_type: str
    contract_ends_on: date | None
    position: str
    is_head: bool


@dataclass
class Refusal:
    line: int
    email: str
    reason: str


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    to_add: list[Row] = field(default_factory=list)
    to_change: list[tuple[Row, int, list[str]]] = field(default_factory=list)
    to_deactivate: list[tuple[int, str]] = field(default_factory=list)
    heads: list[tuple[int, str]] = field(default_factory=list)
    new_dependencies: list[str] = field(default_factory=list)
    # The directory fields the file carries (the position column is optional).
    fields: tuple[str, ...] = FIELDS

    @property
    def changes_anything(self) -> bool:
        return bool(self.to_add or self.to_change or self.to_deactivate or self.heads)

    def summary(self) -> dict:
        return {
            "leidas": len(self.rows) + len(self.refused),
            "nuevas": len(self.to_add),
            "cambios": len(self.to_change),
            "desactivadas": len(self.to_deactivate),
            "rechazadas": len(self.refused),
            "jefes": len(self.heads),
        }


# --- Reading ------------------------------------------------------------------------


def read_table(name: str, content: bytes) -> list[list[str]]:
    """The file's cells as text rows (first row: headers). Refuses what it cannot
    read with a Spanish message."""
    if len(content) > settings.CAFE_DIRECTORY_MAX_FILE_BYTES:
        raise ValidationError(
            _("El archivo pesa más de %(mb)s MB: divídalo o quite columnas sobrantes.")
            % {"mb": settings.CAFE_DIRECTORY_MAX_FILE_BYTES // (1024 * 1024)}
        )
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    if name.lower().endswith((".csv", ".txt")):
        return _read_csv(content)
    raise ValidationError(_("Cargue un archivo CSV o XLSX."))


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _bounded(reader)
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise ValidationError(
                _(
                    "Una celda del archivo pasa de 128 KB de texto: no parece una "
                    "nómina. Revise el archivo exportado."
                )
            ) from exc
        raise ValidationError(_("El CSV no se pudo leer: %(e)s") % {"e": exc}) from exc


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ValidationError(_("El archivo XLSX no se pudo abrir.")) from exc
    sheet = book.worksheets[0]
    rows = (
        ["" if value is None else value for value in row]
        for row in sheet.iter_rows(values_only=True)
    )
    return _bounded(rows)


def _bounded(rows) -> list[list]:
    table = []
    for row in rows:
        table.append(list(row))
        if len(table) > MAX_ROWS + 1:
            raise ValidationError(
                _("El archivo tiene más de %(n)s filas.") % {"n": f"{MAX_ROWS:,}"}
            )
    if not table:
        raise ValidationError(_("El archivo está vacío."))
    return table


# --- Checking rows ------------------------------------------------------------------


class _Refused(Exception):
    pass


class _Dependencies:
    """Dependencies by code, acronym, name and alternate name (case-insensitive)."""

    def __init__(self):
        self.by_key = {}
        for dep in Dependency.objects.filter(is_active=True):
            for key in (dep.code, dep.acronym, dep.name):
                if key:
                    self.by_key.setdefault(_plain(key), dep.pk)
        for alias in DependencyAlias.objects.all():
            self.by_key.setdefault(_plain(alias.name), alias.dependency_id)

    def find(self, value: str) -> int | None:
        return self.by_key.get(_plain(value))


def _text(value, label: str, *, limit: int = NAME_MAX, required: bool = True) -> str:
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value if value is not None else "").strip()
    if "\ufffd" in text or any(unicodedata.category(c) == "Cc" for c in text):
        raise _Refused(_("%(label)s tiene caracteres no válidos") % {"label": label})
    if text[:1] in ("=", "+", "-", "@"):
        raise _Refused(
            _("%(label)s parece una fórmula de hoja de cálculo") % {"label": label}
        )
    if len(text) > limit:
        raise _Refused(
            _("%(label)s pasa de %(n)s caracteres") % {"label": label, "n": limit}
        )
    if required and not text:
        raise _Refused(_("falta %(label)s") % {"label": label})
    return text


def _date(value, today: date) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    else:
        text = _text(value, _("la fecha de fin"), limit=20)
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
            try:
                found = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise _Refused(_("la fecha de fin no es válida (use AAAA-MM-DD)"))
    if not 2000 <= found.year <= 2100:
        raise _Refused(_("la fecha de fin está fuera del rango 2000–2100"))
    if found < today:
        raise _Refused(_("la fecha de fin del contrato ya pasó"))
    return found


def check_rows(table: list[list], today: date | None = None) -> Plan:
    """Accept or refuse each row of the roster (no writes)."""
    today = today or timezone.localdate()
    headers = [HEADERS.get(_plain(h)) for h in table[0]]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise ValidationError(
            _(
                "Faltan columnas: %(cols)s. Se esperan: correo, nombre, dependencia, "
                "vinculación, fin del contrato (contratistas) y, opcional, jefe."
            )
            % {"cols": ", ".join(missing)}
        )
    dependencies = _Dependencies()
    plan = Plan()
    if "position" not in headers:
        plan.fields = tuple(f for f in FIELDS if f != "position")
    seen: dict[str, int] = {}
    unknown: set[str] = set()
    for line, raw in enumerate(table[1:], start=2):
        cells = dict(zip(headers, raw, strict=False))
        if not any(str(v).strip() for v in raw if v is not None):
            continue
        email = str(cells.get("email") or "").strip().lower()[:254]
        try:
            row = _check_row(line, cells, dependencies, today, unknown)
        except _Refused as refusal:
            plan.refused.append(Refusal(line, email[:254], str(refusal)))
            continue
        if row.email in seen:
            plan.refused.append(
                Refusal(
                    line,
                    row.email,
                    _("correo repetido en el archivo (fila %(n)s)")
                    % {"n": seen[row.email]},
                )
            )
            continue
        seen[row.email] = line
        plan.rows.append(row)
    plan.new_dependencies = sorted(unknown)
    return plan


def _check_row(line, cells, dependencies, today, unknown) -> Row:
    email = _text(cells.get("email"), _("el correo"), limit=254).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise _Refused(_("el correo no es válido")) from None
    full_name = _text(cells.get("full_name"), _("el nombre"))
    dependency_name = _text(cells.get("dependency"), _("la dependencia"))
    dependency_id = dependencies.find(dependency_name)
    if dependency_id is None:
        unknown.add(dependency_name)
        raise _Refused(
            _("dependencia desconocida: «%(name)s»") % {"name": dependency_name}
        )
    kind = TYPES.get(_plain(_text(cells.get("employment_type"), _("la vinculación"))))
    if kind is None:
        raise _Refused(
            _(
                "vinculación no reconocida (planta, provisional, libre nombramiento "
                "o contratista)"
            )
        )
    ends = _date(cells.get("contract_ends_on"), today)
    if kind == EmploymentType.CONTRATISTA and ends is None:
        raise _Refused(_("falta la fecha de fin del contrato del contratista"))
    head = _plain(_text(cells.get("is_head"), _("jefe"), limit=20, required=False))
    return Row(
        line=line,
        email=email,
        full_name=full_name,
        dependency_id=dependency_id,
        employment_type=kind,
        contract_ends_on=ends,
        position=_text(cells.get("position"), _("el cargo"), required=False),
        is_head=head in YES,
    )


# --- Planning and applying ----------------------------------------------------------


def plan_import(table: list[list], *, full_roster: bool, today=None) -> Plan:
    """The dry run: what applying this roster would change. Writes nothing."""
    plan = check_rows(table, today)
    existing = {
        values[0].lower(): values
        for values in User.objects.values_list(
            "email", "pk", "is_active", "is_superuser", *FIELDS
        )
    }
    for row in plan.rows:
        found = existing.get(row.email)
        if found is None:
            plan.to_add.append(row)
            continue
        current = dict(zip(FIELDS, found[4:], strict=True))
        changed = [f for f in plan.fields if getattr(row, f) != current[f]]
        if not found[2]:
            changed.append("is_active")
        if changed:
            plan.to_change.append((row, found[1], changed))
    if full_roster:
        listed = {row.email for row in plan.rows} | {r.email for r in plan.refused}
        plan.to_deactivate = [
            (values[1], values[0])
            for email, values in existing.items()
            if values[2] and not values[3] and email not in listed
        ]
    heads = dict(Dependency.objects.values_list("pk", "head__email"))
    for row in plan.rows:
        if row.is_head and (heads.get(row.dependency_id) or "").lower() != row.email:
            plan.heads.append((row.dependency_id, row.email))
    return plan


def describe_change(fields: list[str]) -> str:
    return ", ".join(str(FIELD_LABELS[f]) for f in fields)


def check_file(*, name: str, content: bytes, full_roster: bool, actor) -> tuple:
    """Read and plan a roster, and keep it for applying. Returns (import, plan)."""
    table = read_table(name, content)
    plan = plan_import(table, full_roster=full_roster)
    record = DirectoryImport.objects.create(
        created_by=actor,
        file_name=name[:200],
        file_sha256=hashlib.sha256(content).hexdigest(),
        full_roster=full_roster,
        rows=[[_cell(v) for v in row] for row in table],
        summary=plan.summary(),
    )
    return record, plan


def _cell(value):
    """A cell as stored for the second step: control characters (which the
    database's JSON refuses, NUL above all) become U+FFFD, which the check refuses
    again."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int | float):
        return value
    return "".join(
        "\ufffd" if unicodedata.category(c) == "Cc" and c not in "\t\n\r" else c
        for c in str(value)
    )


def apply_import(*, record: DirectoryImport, actor, strict: bool = True) -> Plan:
    """Apply a checked roster in one transaction; re-planned against the directory
    as it is now. In strict mode a refused row leaves everything untouched."""
    with transaction.atomic():
        record = DirectoryImport.objects.select_for_update().get(pk=record.pk)
        if record.state == DirectoryImport.State.APPLIED:
            raise ValidationError(_("Esta carga ya fue aplicada."))
        plan = plan_import(record.rows, full_roster=record.full_roster)
        if strict and plan.refused:
            raise ValidationError(
                _(
                    "El archivo tiene %(n)s filas rechazadas. Corríjalas y cárguelo de "
                    "nuevo, o aplique solo las filas válidas."
                )
                % {"n": len(plan.refused)}
            )
        _create(plan.to_add)
        _update(plan.to_change, plan.fields)
        staff.deactivate_people(
            user_ids=[pk for pk, _email in plan.to_deactivate],
            actor=actor,
            reason=_("No figura en la nómina de Talento Humano"),
        )
        _set_heads(plan.heads)
        record.state = DirectoryImport.State.APPLIED
        record.applied_at = timezone.now()
        record.applied_by = actor
        record.summary = plan.summary()
        record.save(update_fields=["state", "applied_at", "applied_by", "summary"])
    return plan


def _create(rows: list[Row]) -> None:
    servidor = Group.objects.get(name=roles.SERVIDOR)
    unusable = make_password(None)
    membership = User.groups.through
    for start in range(0, len(rows), BATCH):
        people = User.objects.bulk_create(
            [
                User(
                    email=row.email,
                    full_name=row.full_name,
                    dependency_id=row.dependency_id,
                    employment_type=row.employment_type,
                    contract_ends_on=row.contract_ends_on,
                    position=row.position,
                    password=unusable,
                )
                for row in rows[start : start + BATCH]
            ]
        )
        if not people or people[0].pk is None:  # backends without RETURNING
            emails = [p.email for p in people]
            people = list(User.objects.filter(email__in=emails))
        membership.objects.bulk_create(
            [membership(user_id=p.pk, group_id=servidor.pk) for p in people]
        )


def _update(changes: list[tuple[Row, int, list[str]]], fields) -> None:
    for start in range(0, len(changes), BATCH):
        batch = changes[start : start + BATCH]
        people = [
            User(pk=pk, is_active=True, **{f: getattr(row, f) for f in fields})
            for row, pk, _fields in batch
        ]
        User.objects.bulk_update(people, [*fields, "is_active"])


def _set_heads(heads: list[tuple[int, str]]) -> None:
    if not heads:
        return
    people = dict(
        User.objects.filter(email__in=[e for _d, e in heads]).values_list("email", "pk")
    )
    for dependency_id, email in heads:
        Dependency.objects.filter(pk=dependency_id).update(head_id=people[email])
