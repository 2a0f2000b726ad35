"""Celery application.

Configuration comes from Django settings (``CELERY_*``). When no broker is configured
(the embedded default) tasks run eagerly in-process, so ``make run`` needs no Redis.
"""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafe.settings")

app = Celery("cafe", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Even in-process, publishing a task takes a producer, and with no broker URL kombu
# builds it for an AMQP server on localhost (and warns "No hostname was supplied").
IN_PROCESS_BROKER = "memory://localhost/"


@app.on_after_configure.connect
def _in_process_broker(sender, **kwargs):
    """No broker configured and tasks run in-process: an in-memory transport that
    never connects anywhere (a worker started by mistake finds no tasks in it)."""
    if not sender.conf.broker_url and sender.conf.task_always_eager:
        sender.conf.broker_url = IN_PROCESS_BROKER


@setup_logging.connect
def _django_logging(**kwargs):
    """The worker and beat log as the web does (settings.LOGGING: JSON lines with the
    request id), instead of Celery's own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
