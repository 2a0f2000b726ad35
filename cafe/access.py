"""The view guard every app uses to state who may open a view."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def role_required(predicate: Callable) -> Callable:
    """Decorate a view: login required, then ``predicate(user)`` or 403.

    An anonymous visitor is sent to the login page; a logged-in person without the role
    gets a 403 page, never a stack trace.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.role_predicate = predicate
        return wrapped

    return decorator


def has_perm(codename: str) -> Callable:
    """A predicate: the user holds the permission ``app_label.codename``."""

    def predicate(user) -> bool:
        return user.is_authenticated and user.has_perm(codename)

    predicate.__name__ = f"has_perm({codename})"
    return predicate


def authenticated(user) -> bool:
    return user.is_authenticated
