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
    entries = [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "current": False,
            "section": item.section,
            "description": item.description,
        }
        for item in _items
        if item.visible(user)
    ]
    # The current entry is the most specific one whose address starts the path.
    matches = [
        e
        for e in entries
        if e["url"] == request_path
        or (e["url"] != "/" and request_path.startswith(e["url"]))
    ]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["current"] = True
    return entries
