"""Classification of information under Ley 1712 de 2014 (transparency), shared by the
apps whose records reach the public transparency record.

Every item published there carries one of three levels, chosen by a person when it
is published (never by default: free text may name people or carry what the law
withholds). An item with no classification yet is simply not public.

- pública: published, possibly with parts removed (a *partial* exception, which then
  needs its legal basis, like any exception);
- clasificada (art. 18): withheld to protect a person's rights; no time limit;
- reservada (art. 19): withheld to protect a public interest; at most 15 years
  (art. 22).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

RESERVE_YEARS = 15  # Ley 1712 de 2014, art. 22


class Classification(models.TextChoices):
    PUBLIC = "publica", _("Pública")
    CLASSIFIED = "clasificada", _("Clasificada (art. 18, Ley 1712 de 2014)")
    RESERVED = "reservada", _("Reservada (art. 19, Ley 1712 de 2014)")


class LegalBasis(models.TextChoices):
    """The grounds of an exception: the literal of art. 18 or art. 19."""

    PRIVACY = "art18a", _("Art. 18, lit. a: derecho a la intimidad de las personas")
    LIFE = "art18b", _("Art. 18, lit. b: derecho a la vida, la salud o la seguridad")
    SECRETS = (
        "art18c",
        _("Art. 18, lit. c: secretos comerciales, industriales y profesionales"),
    )
    DEFENCE = "art19a", _("Art. 19, lit. a: defensa y seguridad nacional")
    SECURITY = "art19b", _("Art. 19, lit. b: seguridad pública")
    FOREIGN = "art19c", _("Art. 19, lit. c: relaciones internacionales")
    INVESTIGATION = (
        "art19d",
        _(
            "Art. 19, lit. d: prevención, investigación y persecución de delitos y "
            "faltas disciplinarias"
        ),
    )
    DUE_PROCESS = (
        "art19e",
        _(
            "Art. 19, lit. e: debido proceso e igualdad de las partes en procesos "
            "judiciales"
        ),
    )
    JUSTICE = "art19f", _("Art. 19, lit. f: administración efectiva de la justicia")
    CHILDREN = "art19g", _("Art. 19, lit. g: derechos de la infancia y la adolescencia")
    ECONOMY = "art19h", _("Art. 19, lit. h: estabilidad macroeconómica y financiera")
    HEALTH = "art19i", _("Art. 19, lit. i: salud pública")
    DELIBERATION = (
        "art19par",
        _(
            "Art. 19, parágrafo: opiniones y puntos de vista del proceso deliberativo "
            "de los servidores públicos"
        ),
    )


def level_of(basis: str) -> str:
    """The classification a legal basis belongs to (art. 18 or art. 19)."""
    return (
        Classification.CLASSIFIED
        if basis.startswith("art18")
        else Classification.RESERVED
    )


def clean_classification(
    *, classification: str, basis: str, redacted: bool
) -> tuple[str, str]:
    """Check a classification decision; return (classification, basis).

    A withheld item needs a basis of its own article; a public item needs one only
    when parts of its text were removed (a partial exception)."""
    if classification not in Classification.values:
        raise ValidationError(
            {"classification": _("Elija la clasificación de la información.")}
        )
    basis = basis or ""
    if basis and basis not in LegalBasis.values:
        raise ValidationError({"basis": _("El fundamento legal no es válido.")})
    if classification == Classification.PUBLIC:
        if redacted and not basis:
            raise ValidationError(
                {
                    "basis": _(
                        "Se suprimió parte del texto: indique el fundamento legal de "
                        "esa supresión."
                    )
                }
            )
        return classification, basis if redacted else ""
    if not basis:
        raise ValidationError(
            {"basis": _("Indique el fundamento legal de la excepción.")}
        )
    if level_of(basis) != classification:
        raise ValidationError(
            {
                "basis": _(
                    "El fundamento no corresponde a la clasificación: la información "
                    "clasificada se funda en el art. 18 y la reservada en el art. 19."
                )
            }
        )
    return classification, basis


def reserve_ends(classified_on: date) -> date:
    """The last day of a reserve declared on ``classified_on`` (art. 22)."""
    try:
        return classified_on.replace(year=classified_on.year + RESERVE_YEARS)
    except ValueError:  # 29 February
        return classified_on.replace(year=classified_on.year + RESERVE_YEARS, day=28)


class ClassifiedRecord(models.Model):
    """The classification fields of a record that can reach the public record."""

    classification = models.CharField(
        _("clasificación (Ley 1712 de 2014)"),
        max_length=12,
        choices=Classification.choices,
        blank=True,
        help_text=_("Vacía mientras nadie la ha clasificado: entonces no es pública."),
    )
    classification_basis = models.CharField(
        _("fundamento legal de la excepción"),
        max_length=10,
        choices=LegalBasis.choices,
        blank=True,
    )
    classified_at = models.DateTimeField(_("clasificada el"), null=True, blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clasificada por"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


def public_text(value: str) -> str:
    """A text as compared and published: trimmed, without trailing spaces per line."""
    return "\n".join(line.rstrip() for line in (value or "").strip().splitlines())


def names_in(text: str, names) -> list[str]:
    """The people's names (full names, as written) that appear in ``text``: the
    public record shows roles and dependencies, never people."""
    folded = " ".join((text or "").casefold().split())
    found = []
    for name in names:
        name = " ".join((name or "").split())
        if len(name) >= 5 and name.casefold() in folded and name not in found:
            found.append(name)
    return found


def refuse_names(field: str, text: str, names) -> None:
    found = names_in(text, names)
    if found:
        raise ValidationError(
            {
                field: _(
                    "El texto público nombra a %(names)s: el registro público muestra "
                    "roles y dependencias, no personas. Suprima el nombre."
                )
                % {"names": ", ".join(found)}
            }
        )
