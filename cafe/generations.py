"""Generation numbers: cached values that stay valid until their data changes.

A cached value's key carries the generation of the data it was computed from (read
before the data); a committed change to that data bumps the generation, so the next
reader misses and computes afresh (the old entries expire). ``watch`` bumps a
generation after every committed save or delete of the given models.

The counters live in the cache: shared by every process with Redis. With the
local-memory default each process keeps its own, and with Redis unavailable every
read is a miss; that is why every value cached this way has a time limit too.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _key(name: str) -> str:
    return f"generation:{name}"


def generation(name: str) -> int:
    """The current generation of ``name``. A counter that is missing (a fresh cache,
    evicted, or Redis unavailable) starts from the clock in nanoseconds: above any
    number it reached before, so an earlier value is never taken for a current one."""
    value = cache.get(_key(name))
    if value is None:
        value = time.time_ns()
        cache.add(_key(name), value, timeout=None)
    return value


def _bump(name: str) -> None:
    try:
        cache.incr(_key(name))
    except ValueError:  # missing (evicted, a fresh cache) or Redis unavailable
        cache.add(_key(name), time.time_ns(), timeout=None)


def bump(name: str) -> None:
    """The data behind ``name`` changes in this transaction: bump once it commits."""
    transaction.on_commit(lambda: _bump(name))


def watch(name: str, *models, ignored_fields=frozenset()) -> None:
    """Bump ``name`` after every committed save or delete of ``models``, except a
    save of ``ignored_fields`` only (a login's ``last_login``)."""
    for model in models:
        for signal, event in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                _receiver(name, frozenset(ignored_fields)),
                sender=model,
                weak=False,
                dispatch_uid=f"generation:{name}:{model._meta.label_lower}:{event}",
            )


def _receiver(name: str, ignored_fields: frozenset):
    def changed(update_fields=None, **_signal_kwargs):
        if not (update_fields and ignored_fields.issuperset(update_fields)):
            bump(name)

    return changed
