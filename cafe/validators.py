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
