"""The room code: a short token shown on the projector while a session runs.

Whoever is in the room can read it from the screen; whoever is not, cannot. That is
all it proves, so it is only good for a minute and only while the session runs:

- the token is an HMAC (keyed with ``SECRET_KEY``) of the session id and the current
  minute window, cut to 20 hex characters: nothing personal in it, nothing to guess;
- it is accepted in its own window and in the next one, so a code scanned at the end
  of a minute still works while the phone opens the page;
- the room is open from ``ROOM_OPENS_BEFORE`` before the start to the end of a
  published (or already held) session; outside that no token is valid.

Other features of the room (the questions board) reuse ``room_token`` and
``check_room_token``; the token says nothing about what it is used for.
"""

from datetime import datetime, timedelta

from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Session

WINDOW_SECONDS = 60
ROOM_OPENS_BEFORE = timedelta(minutes=15)
TOKEN_LENGTH = 20
_SALT = "sessions_app.room_token"


def room_is_open(session: Session, at: datetime) -> bool:
    """True while the room code of ``session`` may be shown and used."""
    return (
        session.status in (Session.Status.PUBLISHED, Session.Status.HELD)
        and session.starts_at - ROOM_OPENS_BEFORE <= at < session.ends_at
    )


def _window(at: datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def _token_for(session_id: int, window: int) -> str:
    digest = salted_hmac(_SALT, f"{session_id}:{window}", algorithm="sha256")
    return digest.hexdigest()[:TOKEN_LENGTH]


def room_token(session: Session, at: datetime) -> str:
    """The code of ``session`` for the minute of ``at`` (whether or not it is open)."""
    return _token_for(session.pk, _window(at))


def check_room_token(session: Session, token, at: datetime) -> bool:
    """True if ``token`` is the code of ``session`` for this minute or the previous
    one and the room is open at ``at``."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        return False
    if not room_is_open(session, at):
        return False
    window = _window(at)
    return any(
        constant_time_compare(token, _token_for(session.pk, w))
        for w in (window, window - 1)
    )
