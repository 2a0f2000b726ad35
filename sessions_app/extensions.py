"""Sections that higher apps add to the session page without this app importing them.

``proposals`` registers the list of proposals that came from a session; the session
page renders whatever is registered, in order.
"""

from collections.abc import Callable

_sections: list[Callable] = []


def register_session_section(section: Callable) -> None:
    """Register ``section(request, session) -> str`` (already-rendered, safe HTML)."""
    if section not in _sections:
        _sections.append(section)


def session_sections(request, session) -> list[str]:
    return [html for section in _sections if (html := section(request, session))]
