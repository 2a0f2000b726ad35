"""A word-level difference between two texts, for people to read (not to patch)."""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

# Words and the spaces between them, so the text is rebuilt exactly, line breaks
# included.
_TOKENS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT or DELETE
    text: str


def diff_words(old: str, new: str) -> list[Segment]:
    """The segments that turn ``old`` into ``new``: unchanged text, removed text and
    added text, in reading order (a replacement is its removal, then its addition).
    Joining the EQUAL and DELETE segments gives ``old``; EQUAL and INSERT, ``new``."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment(EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment(DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment(INSERT, "".join(b[j1:j2])))
    return segments
