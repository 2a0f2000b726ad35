"""The cache backend for Redis: Django's, failing open.

The cache only ever holds what can be computed again (the dashboard's figures), so
with Redis frozen or gone every page is served from the database: an error is a miss,
a write is dropped. After an error the process leaves Redis alone for
``PAUSE_SECONDS`` (no request waits for a socket timeout again meanwhile), and says
so in the log at most once every ``LOG_EVERY_SECONDS``.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 5
LOG_EVERY_SECONDS = 60

# Per process: every thread's backend instance shares what it learnt.
_state = {"paused_until": 0.0, "logged_at": float("-inf")}


def is_paused() -> bool:
    """Whether this process is leaving Redis alone after a recent error."""
    return time.monotonic() < _state["paused_until"]


def _failed(operation: str, error: Exception) -> None:
    now = time.monotonic()
    _state["paused_until"] = now + PAUSE_SECONDS
    if now - _state["logged_at"] >= LOG_EVERY_SECONDS:
        _state["logged_at"] = now
        logger.warning(
            "cache: Redis failed on %s (%s); serving without the cache",
            operation,
            error,
        )


class _MissingKey(ValueError):
    """What ``incr`` raises while Redis fails: the same as for a missing key."""


class FailOpenRedisCache(RedisCache):
    """``RedisCache`` where a Redis error is a miss (reads) or a no-op (writes)."""

    def _call(self, operation: str, fallback, *args, **kwargs):
        if is_paused():
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            _failed(operation, error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    def incr(self, key, delta=1, version=None):
        failed = object()
        value = self._call("incr", failed, key, delta, version)
        if value is failed:
            raise _MissingKey(f"Key '{key}' not found (Redis unavailable)")
        return value

    def ping(self) -> bool:
        """Whether Redis answers now (for /readyz; ignores the pause)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError:
            return False
