"""Validators shared by the apps."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Control (Cc), format (Cf: bidirectional overrides, zero-width characters), line and
# paragraph separators (Zl, Zp): invisible, or able to make a link read as another.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


@deconstructible
class VisibleText:
    """Refuse text with invisible or direction-changing characters: a link whose
    address holds U+202E (right-to-left override) is shown reversed, so
    ``https://moc.elgoog.gov.co`` can be made to read as another site."""

    message = _(
        "El enlace tiene caracteres invisibles o que cambian la dirección del texto. "
        "Escríbalo o péguelo de nuevo."
    )
    code = "invisible_characters"

    def __call__(self, value):
        if any(unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, VisibleText)


visible_text = VisibleText()


# Dates a person may type anywhere (forms, filters, the admin). Outside this window a
# date is a typo or an attack: 9999-12-31 20:00 in Bogotá is year 10000 in UTC, which
# no read of the row survives; year 1 means nothing here.
DATE_MIN_YEAR = 2000
DATE_MAX_YEAR = 2100


def year_in_range(year: int) -> bool:
    return DATE_MIN_YEAR <= year <= DATE_MAX_YEAR


@deconstructible
class DateInRange:
    """Refuse a date or date-time outside ``DATE_MIN_YEAR``–``DATE_MAX_YEAR``."""

    message = _("Escriba una fecha entre el 01/01/%(min)s y el 31/12/%(max)s.")
    code = "date_out_of_range"

    def __call__(self, value):
        if value is not None and not year_in_range(value.year):
            raise ValidationError(
                self.message,
                code=self.code,
                params={"min": DATE_MIN_YEAR, "max": DATE_MAX_YEAR},
            )

    def __eq__(self, other):
        return isinstance(other, DateInRange)


date_in_range = DateInRange()
