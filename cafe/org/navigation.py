"""Role-aware navigation.

Each app registers its entries (in ``AppConfig.ready``) with the predicate that decides
who sees them; the base template shows each person only what they can use.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf, reverse


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


@functools.lru_cache(maxsize=256)
def _url(url_name: str, _urlconf, _prefix: str) -> str:
    return reverse(url_name)


def nav_for(user, request_path: str = "") -> list[dict]:
    """The entries ``user`` may use, with their URL and whether they are current."""
    entries = [
        {
            "label": item.label,
            "url": _url(item.url_name, get_urlconf(), get_script_prefix()),
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
