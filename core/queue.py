"""Deferring a job in the caller's own transaction, on Django's database connection.

procrastinate's worker runs on a connector of its own. A job deferred through it from inside
a task commits at once, on another connection, before the rows it needs exist; another
worker may then take the job, find no row, and end it as a success. Every job the site
defers goes through here instead: the job row is written on Django's connection, so the job
and the rows it needs commit together or not at all, in a web request and in a worker alike.
"""

from procrastinate import manager
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.tasks import Task, configure_task

_on_django = manager.JobManager(connector=DjangoConnector())


def defer_with_transaction(task: Task, *, priority: int | None = None, **task_kwargs) -> int:
    """Defer ``task`` with ``task_kwargs`` in the current transaction; the job's id."""
    return configure_task(
        name=task.name,
        job_manager=_on_django,
        queue=task.queue,
        lock=task.lock,
        queueing_lock=task.queueing_lock,
        priority=priority if priority is not None else task.priority,
    ).defer(**task_kwargs)


def cancel_waiting_jobs(job_ids) -> int:
    """Delete the jobs ``job_ids`` that no worker has started, in the current transaction;
    how many went. A job already running is left to finish."""
    return sum(_on_django.cancel_job_by_id(job_id, delete_job=True) for job_id in job_ids)
