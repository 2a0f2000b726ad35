"""Celery signals: the request id travels with the tasks a request enqueues, and
each scheduled job records its last success or failure."""

from celery.signals import before_task_publish, task_failure, task_prerun, task_success
from django.conf import settings
from django.utils import timezone

from .logs import HEADER, request_id


@before_task_publish.connect(dispatch_uid="cafe_ops_request_id_out")
def _carry_request_id(headers=None, **kwargs):
    rid = request_id.get()
    if rid and headers is not None:
        headers.setdefault(HEADER, rid)


@task_prerun.connect(dispatch_uid="cafe_ops_request_id_in")
def _take_request_id(task=None, **kwargs):
    """In a worker, each task takes the id its publisher sent (or none); a task run
    in-process (eager) keeps the id of the request that runs it."""
    if task is None or task.request.is_eager:
        return
    request_id.set(getattr(task.request, HEADER, None) or "")


def scheduled_task_names() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


@task_success.connect(dispatch_uid="cafe_ops_job_success")
def _job_succeeded(sender=None, **kwargs):
    if sender is not None and sender.name in scheduled_task_names():
        from .models import JobRun

        JobRun.objects.update_or_create(
            name=sender.name, defaults={"last_success_at": timezone.now()}
        )


@task_failure.connect(dispatch_uid="cafe_ops_job_failure")
def _job_failed(sender=None, exception=None, **kwargs):
    if sender is not None and sender.name in scheduled_task_names():
        from .models import JobRun

        JobRun.objects.update_or_create(
            name=sender.name,
            defaults={
                "last_failure_at": timezone.now(),
                "last_error": type(exception).__name__[:300],
            },
        )
