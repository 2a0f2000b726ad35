"""What a proposal's text may not be: empty, too short, or abusive.

The word list is deliberately short and about insults, not opinions: criticism of the
entity or its leaders is exactly what the practice wants to hear.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ABUSIVE_WORDS = frozenset(
    {
        "hijueputa",
        "hijuepucha",
        "malparido",
        "malparida",
        "gonorrea",
        "carechimba",
        "triplehijueputa",
        "puta",
        "puto",
        "marica",
        "maricon",
        "culicagado",
        "guevon",
        "huevon",
        "pirobo",
        "piroba",
        "mierda",
        "imbecil",
        "idiota",
        "estupido",
        "estupida",
        "hdp",
        "gonorreas",
        "malparidos",
    }
)
CONTROL_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]"
)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def clean_text(value: str, *, field: str, min_letters: int = 3) -> str:
    """Strip control characters; refuse empty or abusive text with a Spanish message."""
    value = CONTROL_CHARACTERS.sub("", value or "").strip()
    letters = sum(1 for c in value if c.isalpha())
    if letters < min_letters:
        raise ValidationError(
            _("%(field)s: falta el texto o es demasiado corto.") % {"field": field}
        )
    words = set(re.findall(r"[a-zñ]+", _normalise(value)))
    # Plurals too: "hijueputas" is "hijueputa", "maricones" is "maricon".
    words |= {w[:-1] for w in words if w.endswith("s")}
    words |= {w[:-2] for w in words if w.endswith("es")}
    if words & ABUSIVE_WORDS:
        raise ValidationError(
            _(
                "%(field)s contiene expresiones ofensivas. Puede decir lo mismo con "
                "respeto: así se escucha mejor."
            )
            % {"field": field}
        )
    return value
