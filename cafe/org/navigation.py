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
    entries = []
    for item in _items:
        if not item.visible(user):
            continue
        url = reverse(item.url_name)
        current = url == request_path if url == "/" else request_path.startswith(url)
        entries.append(
            {
                "label": item.label,
                "url": url,
                "current": current,
                "section": item.section,
                "description": item.description,
            }
        )
    return entries
