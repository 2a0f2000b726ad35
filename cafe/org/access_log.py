"""The access log of personal data: who opened or exported whose data, and when.

Pages that show personal data wrap their view with ``@audited(what, subject=...)``
(outside any page cache, so every view is recorded). A row is written only for an
answer that showed the data (status 200).
"""

from collections.abc import Callable
from functools import wraps

from .models import PersonalDataAccess

What = PersonalDataAccess.What


def record_access(*, actor, what: str, path: str, subject_id: int | None = None):
    """Write one row of the access log."""
    return PersonalDataAccess.objects.create(
        actor=actor if actor.is_authenticated else None,
        subject_id=subject_id,
        what=what,
        path=path[:300],
    )


def audited(what: str, subject: Callable | None = None) -> Callable:
    """Decorate a view that shows personal data. ``subject(request, **kwargs)`` gives
    the id of the person whose data it is (None: several people)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                record_access(
                    actor=request.user,
                    what=what,
                    path=request.get_full_path(),
                    subject_id=subject(request, **kwargs) if subject else None,
                )
            return response

        return wrapped

    return decorator
