"""What is waiting for each person, on the home page, per role.

``cafe.org`` owns the page but not the data: each app registers its panels (in
``AppConfig.ready``) with the predicate that decides who sees them and a callable
that returns the panel for a person. Every panel reads a fixed, small number of
rows (its total and its first ``HOME_PANEL_ROWS``), so the home page's query count
does not grow with the data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

HOME_PANEL_ROWS = 5

# The page's sections (their headings), in order: one per role, one's own last.
SECTIONS = {
    "despacho": _("Despacho: lo que espera"),
    "comunicaciones": _("Comunicaciones: lo que espera"),
    "enlace": _("Enlace de dependencia: lo que espera"),
    "servidor": _("Para usted"),
}


@dataclass(frozen=True)
class HomeEntry:
    """One line of a panel: what, where to act on it, and a short note."""

    text: str
    url: str = ""
    note: str = ""
    urgent: bool = False  # overdue or late: shown as such (not only by colour)


@dataclass(frozen=True)
class HomePanel:
    title: str
    entries: list[HomeEntry] = field(default_factory=list)
    # How many are waiting in all (the entries show the first few).
    total: int = 0
    more_url: str = ""
    more_label: str = ""
    empty: str = ""  # what to say when nothing is waiting
    # A panel that states something (the bulletin's state) rather than counting.
    status: str = ""


@dataclass(frozen=True)
class HomePanelSource:
    key: str
    section: str  # a key of SECTIONS
    visible: Callable
    build: Callable  # build(user) -> HomePanel
    order: int = 50


def panel_from(queryset, entry: Callable, **panel) -> HomePanel:
    """A panel of the first rows of ``queryset`` (each made an entry by
    ``entry``) and its total: two queries."""
    rows = list(queryset[:HOME_PANEL_ROWS])
    return HomePanel(
        entries=[entry(row) for row in rows], total=queryset.count(), **panel
    )


_sources: list[HomePanelSource] = []


def register_home_panel(source: HomePanelSource) -> None:
    if source.section not in SECTIONS:
        raise ValueError(f"unknown home section {source.section!r}")
    if all(existing.key != source.key for existing in _sources):
        _sources.append(source)
        _sources.sort(key=lambda s: (list(SECTIONS).index(s.section), s.order))


def home_sections(user) -> list[dict]:
    """The sections ``user`` sees, each with its panels, in the page's order."""
    sections: dict[str, list[HomePanel]] = {}
    for source in _sources:
        if source.visible(user):
            sections.setdefault(source.section, []).append(source.build(user))
    return [
        {"key": key, "title": SECTIONS[key], "panels": sections[key]}
        for key in SECTIONS
        if key in sections
    ]
