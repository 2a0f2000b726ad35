"""Role-aware navigation.

Each app registers its entries (in ``AppConfig.ready``) with the predicate that decides
who sees them; the base template shows each person only what they can use.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.safestring import mark_safe


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
    prefix, urlconf = get_script_prefix(), get_urlconf()
    for index in visible:
        item = _items[index]
        yield index, item, _url(item.url_name, urlconf, prefix)


def nav_markup(user, request_path: str) -> str:
    """The top bar's entries for ``user`` as HTML: rendered once per set of entries,
    current entry and language, in each process (nothing in it is stored data)."""
    visible, current = _visible(user, request_path)
    return _markup(
        visible, current, translation.get_language(), get_urlconf(), get_script_prefix()
    )


@functools.lru_cache(maxsize=1024)
def _markup(visible, current, _language, _urlconf, _prefix) -> str:
    items = [
        {"label": item.label, "url": url, "current": index == current}
        for index, item, url in _entries(visible)
        if item.section == "main"
    ]
    return mark_safe(  # noqa: S308 - template output, escaped
        render_to_string("includes/nav.html", {"items": items})
    )


def forget_markup() -> None:
    _markup.cache_clear()
