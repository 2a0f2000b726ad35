"""Rendered rows kept in the cache, addressed by what they show.

A list page renders the same rows for everyone who opens it (a page of proposals, the
session cards, the attendance list): the rows are loaded anyway, and rendering them
through the template engine costs more than loading them. ``render_rows`` renders each
row once and keeps the HTML in the cache under a digest of everything the row can
show: the loaded field values of its objects and of the related objects loaded with
them, its other context values, the day (for "overdue" marks), the language and the
project's templates. A change to any of them is a different key, so nothing is ever
invalidated and nothing stale is ever shown; unused rows expire.

Row templates read only their own context (no request or user); a row with a form
gets the request's CSRF token (``render_rows(..., csrf_token=...)``).
"""

import datetime
import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

ROW_TIMEOUT = 24 * 60 * 60


def forget_templates(sender, file_path, **kwargs) -> None:
    """``runserver`` reloads an edited template without restarting: render afresh.
    Connected to ``django.utils.autoreload.file_changed`` (cafe.org.apps)."""
    if Path(file_path).suffix == ".html":
        from cafe.org.navigation import forget_markup

        templates_digest.cache_clear()
        forget_markup()


# The project's own code: template tags, filters and views render what is cached.
CODE_FOLDERS = ("cafe", "sessions_app", "proposals")


@functools.cache
def templates_digest() -> str:
    """Digest of what renders a page: every project template, the project's Python
    code, the compiled translations and the static files' manifest (the hashed
    names a page links to). A deploy that changes any of them renders afresh."""
    digest = hashlib.blake2b(digest_size=8)
    sources = [(Path(folder), "*.html") for folder in settings.TEMPLATES[0]["DIRS"]]
    sources += [(settings.BASE_DIR / name, "*.py") for name in CODE_FOLDERS]
    sources += [(Path(folder), "*.mo") for folder in settings.LOCALE_PATHS]
    for folder, pattern in sources:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob(pattern)):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or ".") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


def _state(instance: Model, depth: int = 2) -> tuple:
    """The loaded field values of ``instance`` (annotations included) and, ``depth``
    levels down, of the objects loaded with it: ``select_related``,
    ``prefetch_related`` and ``Prefetch(to_attr=...)`` lists."""
    values = tuple(
        sorted(
            (name, _plain(value, depth))
            for name, value in vars(instance).items()
            if not name.startswith("_") and not isinstance(value, Model)
        )
    )
    related = ()
    if depth:
        prefetched = getattr(instance, "_prefetched_objects_cache", {})
        related = tuple(
            sorted(
                [
                    (name, _state(obj, depth - 1) if obj is not None else None)
                    for name, obj in instance._state.fields_cache.items()
                ]
                + [
                    (f"prefetched:{name}", _plain(list(objects), depth))
                    for name, objects in prefetched.items()
                ]
            )
        )
    return (type(instance).__name__, values, related)


def _plain(value, depth: int):
    """``value`` with the model instances in a list or tuple replaced by their
    state (a ``to_attr`` prefetch); anything else as it is."""
    if isinstance(value, list | tuple) and any(isinstance(v, Model) for v in value):
        return tuple(
            _state(v, depth - 1) if isinstance(v, Model) and depth else repr(v)
            for v in value
        )
    return value


# Stands for the CSRF token in a cached row: the same in every process, and nothing
# a person could type into a proposal.
CSRF_PLACEHOLDER = "csrf-" + salted_hmac("cafe.fragments", "csrf").hexdigest()[:32]


def _value_state(value):
    return _state(value) if isinstance(value, Model) else repr(value)


def _key(template_name: str, context: dict, today: datetime.date) -> str:
    identity = repr(
        (
            templates_digest(),
            template_name,
            translation.get_language(),
            today,
            tuple(sorted((name, _value_state(v)) for name, v in context.items())),
        )
    )
    return "row:" + hashlib.blake2b(identity.encode(), digest_size=20).hexdigest()


def render_rows(
    template_name: str, contexts, *, csrf_token: str | None = None, complete=None
) -> list[SafeString]:
    """``template_name`` rendered with each context, from the cache where it was
    rendered before with the same values. A row with a form gets ``csrf_token``: it
    is cached with a placeholder in its place, replaced on the way out.

    ``complete(context)``, when given, returns what the template needs beyond the
    context and is called only to render a row the cache lacks: the context alone
    must determine it (a version number, say, standing for a large value)."""
    contexts = list(contexts)
    today = timezone.localdate()
    keys = [_key(template_name, context, today) for context in contexts]
    found = cache.get_many(keys) if keys else {}
    template = get_template(template_name)
    rendered, fresh = [], {}
    for key, context in zip(keys, contexts, strict=True):
        html = found.get(key)
        if html is None:
            extra = complete(context) if complete else {}
            html = fresh[key] = str(
                template.render({**context, **extra, "csrf_token": CSRF_PLACEHOLDER})
            )
        if csrf_token is not None:
            html = html.replace(CSRF_PLACEHOLDER, csrf_token)
        rendered.append(mark_safe(html))  # noqa: S308 - template output, escaped
    if fresh:
        cache.set_many(fresh, ROW_TIMEOUT)
    return rendered
