"""Celery application.

Configuration comes from Django settings (``CELERY_*``). When no broker is configured
(the embedded default) tasks run eagerly in-process, so ``make run`` needs no Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cafe.settings")

app = Celery("cafe", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
