"""Slots: places on this app's pages and e-mails that higher apps fill, without this
app importing them (``proposals/session_slots.py`` is the other side).

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


_followups: list[Callable] = []


def register_session_followups(provider: Callable) -> None:
    """Register ``provider(session) -> list[dict]`` of what came out of a session
    (proposals and their status) for the conclusions e-mail."""
    if provider not in _followups:
        _followups.append(provider)


def session_followups(session) -> list[dict]:
    return [item for provider in _followups for item in provider(session)]


_minutes_sections: list[Callable] = []


def register_minutes_section(section: Callable) -> None:
    """Register ``section(request, session) -> str`` (safe HTML) for the pages where
    the conclusions are written and reviewed (e.g. the agreements as commitments)."""
    if section not in _minutes_sections:
        _minutes_sections.append(section)


def minutes_sections(request, session) -> list[str]:
    return [
        html for section in _minutes_sections if (html := section(request, session))
    ]
