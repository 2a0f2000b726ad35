"""Role-aware navigation.

Each app registers its entries (in ``AppConfig.ready``) with the predicate that decides
who sees them; the base template shows each person only what they can use.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable
    order: int = 50
    section: str = "main"  # "main" (top bar) or "home" (cards on the home page only)
    description: str = ""


_items: list[NavItem] = []


def register_nav_item(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def nav_for(user, request_path: str = "") -> list[dict]:
    """The entries ``user`` may use, with their URL and whether they are current."""
    visible, current = _visible(user, request_path)
    return [
        {
            "label": item.label,
            "url": url,
            "current": index == current,
            "section": item.section,
            "description": item.description,
        }
        for index, item, url in _entries(visible)
    ]


def _visible(user, request_path: str) -> tuple[tuple[int, ...], int]:
    """Which registered items ``user`` may use (their indexes), and which one is
    current: the most specific whose address starts the path (-1: none)."""
    visible = tuple(index for index, item in enumerate(_items) if item.visible(user))
    current, longest = -1, -1
    for index, _item, url in _entries(visible):
        matches = url == request_path or (url != "/" and request_path.startswith(url))
        if matches and len(url) > longest:
            current, longest = index, len(url)
    return visible, current


def _entries(visible: tuple[int, ...]):
    for index in visible:
        item = _items[index]
        yield index, item, reverse(item.url_name)
