"""The Redis cache fails open: with Redis unreachable or frozen, reads miss at once,
writes are dropped, and the log says so at most once a minute."""

import logging
import signal
import socket
import subprocess
import time

import pytest

from cafe.common import cache as fail_open
from cafe.common.cache import FailOpenRedisCache


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_cache(port: int) -> FailOpenRedisCache:
    return FailOpenRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch):
    monkeypatch.setitem(fail_open._state, "paused_until", 0.0)
    monkeypatch.setitem(fail_open._state, "logged_at", float("-inf"))


def exercise(cache) -> None:
    """Every operation a caller may use, none of which may raise."""
    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("k", lambda: 7) == 7
    assert cache.add("k", 1) is False
    cache.set("k", 1)
    cache.set_many({"a": 1})
    assert cache.has_key("k") is False
    cache.delete("k")
    cache.delete_many(["a"])
    cache.touch("k")
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.ping() is False


def test_an_unreachable_redis_is_a_miss_logged_once(caplog):
    cache = make_cache(free_port())  # nobody listens there
    with caplog.at_level(logging.WARNING, logger="cafe.common.cache"):
        exercise(cache)
        fail_open._state["paused_until"] = 0.0  # past the pause: fails again
        assert cache.get("k") is None
    assert len(caplog.records) == 1
    assert "serving without the cache" in caplog.records[0].getMessage()


def test_a_frozen_redis_costs_one_short_timeout_then_nothing():
    from conftest import require_service

    port = free_port()
    try:
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        require_service(False, "redis-server no instalado")
    try:
        cache = make_cache(port)
        deadline = time.monotonic() + 10
        while not cache.ping() and time.monotonic() < deadline:
            time.sleep(0.05)
        cache.set("k", "v")
        assert cache.get("k") == "v"
        redis.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        assert cache.get("k") is None  # one socket timeout
        first = time.monotonic() - started
        started = time.monotonic()
        exercise(cache)  # paused: no more waiting (but ping, which asks)
        rest = time.monotonic() - started
        assert first < 1.5
        assert rest < 1.5
    finally:
        redis.send_signal(signal.SIGCONT)
        redis.kill()
        redis.wait()
