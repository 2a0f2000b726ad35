"""Fixtures of the outbox tests that talk to the real broker."""

import pytest

from cafe.celery import app


def use_broker(url: str) -> None:
    """Point this process's publishers at ``url`` (dropping pooled connections)."""
    # Celery resolves the write and read URLs once (from CELERY_BROKER_URL).
    app.conf.update(broker_url=url, broker_write_url=url, broker_read_url=url)
    app._pool = None  # kombu keeps one pool per broker URL; this one is chosen anew
    app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_url):
    """The test process publishes to the real Redis, as beat and the web do."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    previous = {
        "task_always_eager": app.conf.task_always_eager,
        "broker_url": app.conf.broker_url,
    }
    app.conf.task_always_eager = False
    use_broker(redis_url)
    yield redis_url
    app.conf.task_always_eager = previous["task_always_eager"]
    use_broker(previous["broker_url"])
