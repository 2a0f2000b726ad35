"""Whole pages kept in the cache, per person, until anything they could show changes.

A person who opens the same page twice with nothing changed in between gets the page
from the cache: ``@cached_page`` keeps the HTML a view returned under a key made of
the view, the full path (query string included), the person and their permissions'
version, the language, the local day, the project's templates, and the data
generation. Three things make it safe:

- **Any write to the application's data is a new generation.** Every INSERT, UPDATE,
  DELETE or TRUNCATE that goes through Django's connection bumps it, bulk updates and
  raw SQL included (an execute wrapper installed on every connection), at once and
  again when the transaction commits (``cafe.generations``). Only the tables that no
  page shows are left out: the login sessions and the lockout log. A settings change
  (tests) bumps it too.
- **Time is part of what a page shows.** A view whose content changes at a known
  moment (registrations open, a session ends) declares it with ``changes_at``; the
  page is served from the cache only until then, and never longer than
  ``CAFE_PAGE_CACHE_SECONDS``. The day is in the key, for "overdue" marks.
- **What belongs to the request is never cached**: the CSRF token is cached as a
  placeholder and the request's own is put in on the way out, a request with flash
  messages waiting bypasses the cache (and its page is not kept), htmx partials and
  anything but a plain 200 HTML response are not kept either.

Access checks run before the cache is consulted: ``@cached_page`` goes under
``@role_required``. Object-level checks (a session a person may not see) run in the
view, whose outcome for the same person and the same data is the same.

The cache is used only when it is shared by every process that writes (Redis), or
when everything runs in one process (the embedded default: local-memory cache and
in-process tasks); see ``CAFE_PAGE_CACHE`` in the settings.
"""

import dataclasses
import datetime
import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from cafe import fragments, generations

GENERATION = "data"
# Stands for the CSRF token in a cached page: the one cached rows use too.
CSRF_PLACEHOLDER = fragments.CSRF_PLACEHOLDER

# Tables no cached page shows, written on every login or request.
IGNORED_TABLES = ("django_session", "axes_")
_WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)',
    re.IGNORECASE,
)


# --- The data generation: bumped by every write -------------------------------------


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not isinstance(sql, str):  # a composed statement: assume it wrote
        generations.bump(GENERATION)
    elif sql[:1] in "IUDTiudt":
        match = _WRITE.match(sql)
        if match and not match.group(1).lower().startswith(IGNORED_TABLES):
            generations.bump(GENERATION)
    return result


def install_write_watch(sender, connection, **kwargs) -> None:
    """Connected to ``connection_created``: watch every statement of the connection.
    First in the list, so a caller's ``execute_wrapper`` (which pops the last one)
    never removes it."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch_writes)


def invalidate() -> None:
    """Every page is computed afresh on its next visit (the cached ones expire)."""
    generations.bump_now(GENERATION)


def settings_changed(**kwargs) -> None:
    invalidate()


def connect_signals() -> None:
    from django.core.signals import setting_changed
    from django.db import connections

    connection_created.connect(install_write_watch, dispatch_uid="cafe_page_writes")
    setting_changed.connect(settings_changed, dispatch_uid="cafe_page_settings")
    for connection in connections.all(initialized_only=True):
        install_write_watch(None, connection)


# --- Declaring when a page changes by itself ----------------------------------------


@dataclasses.dataclass
class _Validity:
    made: datetime.datetime
    until: datetime.datetime


def changes_at(request, *moments) -> None:
    """The page being rendered shows something that changes at each of ``moments``
    (datetimes; None and past ones are ignored): serve it from the cache until the
    earliest only."""
    validity = getattr(request, "page_validity", None)
    if validity is None:
        return
    for moment in moments:
        if moment is not None and validity.made < moment < validity.until:
            validity.until = moment


def csrf_token(request) -> str:
    """The CSRF token for a form a view renders itself: a placeholder while the page
    is being rendered for the cache, replaced by the request's token on the way out."""
    if getattr(request, "page_validity", None) is not None:
        return CSRF_PLACEHOLDER
    return get_token(request)


def context_processor(request) -> dict:
    """``{% csrf_token %}`` renders the placeholder in a page rendered for the cache."""
    if getattr(request, "page_validity", None) is not None:
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


# --- The decorator ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Entry:
    html: bytes
    content_type: str
    made: datetime.datetime
    until: datetime.datetime


def enabled() -> bool:
    return settings.CAFE_PAGE_CACHE


def _bypass(request) -> bool:
    if request.method != "GET" or not request.user.is_authenticated:
        return True
    if request.headers.get("HX-Request"):
        return True
    waiting = getattr(request, "_messages", None)
    return waiting is not None and len(waiting) > 0


def _key(request, view) -> str:
    user = request.user
    identity = repr(
        (
            view.__module__,
            view.__qualname__,
            request.get_host(),
            request.is_secure(),
            request.get_full_path(),
            user.pk,
            getattr(user, "authz_version", 0),
            translation.get_language(),
            timezone.localdate(),
            fragments.templates_digest(),
            generations.generation(GENERATION),
        )
    )
    return "page:" + hashlib.blake2b(identity.encode(), digest_size=20).hexdigest()


def _with_token(request, content: bytes) -> bytes:
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder not in content:
        return content
    return content.replace(placeholder, get_token(request).encode())


def _keepable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and set(response.headers) == {"Content-Type"}
        and not response.cookies
    )


def cached_page(view):
    """Serve the GET view's page from the cache while nothing it shows has changed
    (module docstring). The view declares time-based changes with ``changes_at``."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not enabled() or _bypass(request):
            return view(request, *args, **kwargs)
        now = timezone.now()
        key = _key(request, view)
        entry = cache.get(key)
        if entry is not None and entry.made <= now < entry.until:
            return HttpResponse(
                _with_token(request, entry.html), content_type=entry.content_type
            )
        validity = request.page_validity = _Validity(
            made=now,
            until=now + datetime.timedelta(seconds=settings.CAFE_PAGE_CACHE_SECONDS),
        )
        try:
            response = view(request, *args, **kwargs)
            if not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse: render with the placeholder
        finally:
            del request.page_validity
        if _keepable(response):
            timeout = (validity.until - now).total_seconds()
            if timeout > 0:
                cache.set(
                    key,
                    _Entry(
                        response.content,
                        response["Content-Type"],
                        validity.made,
                        validity.until,
                    ),
                    timeout,
                )
        if not response.streaming:
            response.content = _with_token(request, response.content)
        return response

    return wrapped
