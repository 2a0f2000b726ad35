"""Generation numbers: cached values that stay valid until their data changes.

A cached value's key carries the generation of the data it was computed from; a
change to that data bumps the generation, so the next reader misses the cache and
computes afresh (nothing is deleted; the old entries expire). ``watch`` bumps a
generation on every save or delete of the given models: at once, and again when the
transaction commits, because a reader in between may have cached the data as it
was before the commit.

The counters live in the cache (``CACHE_URL``): shared by every process with Redis,
as in production. With the local-memory default each process keeps its own, and a
change made by another process is seen when the cached value expires; that is why
every value cached this way has a time limit too.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _key(name: str) -> str:
    return f"generation:{name}"


def _fresh() -> int:
    """A counter that is missing (a fresh cache, or evicted) starts from the clock in
    nanoseconds: above any number it reached before, so a value cached under an
    earlier generation is never taken for a current one."""
    return time.time_ns()


def generation(name: str) -> int:
    return cache.get_or_set(_key(name), _fresh, timeout=None)


def _bump(name: str) -> None:
    try:
        cache.incr(_key(name))
    except ValueError:  # not in the cache (evicted, or a fresh cache)
        cache.add(_key(name), _fresh(), timeout=None)


def bump_now(name: str) -> None:
    """Bump ``name`` without waiting for a transaction (a change outside the
    database: a setting)."""
    _bump(name)


def bump(name: str) -> None:
    """The data behind ``name`` changed (or is changing in this transaction)."""
    _bump(name)
    pending = transaction.get_connection().run_on_commit
    if not any(getattr(c, "generation", None) == name for _s, c, _r in pending):

        def after_commit():
            _bump(name)

        after_commit.generation = name
        transaction.on_commit(after_commit)


def watch(name: str, *models) -> None:
    """Bump ``name`` on every save or delete of ``models``."""
    for model in models:
        for signal, event in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                _receiver(name),
                sender=model,
                weak=False,
                dispatch_uid=f"generation:{name}:{model._meta.label_lower}:{event}",
            )


def _receiver(name: str):
    def changed(**_signal_kwargs):
        bump(name)

    return changed
