"""The task queue's real worker, run inside a test."""

import asyncio
import json
import threading

from asgiref.sync import async_to_sync
from django.db import connections
from procrastinate import App
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector


class _TestConnector(DjangoConnector):
    """Procrastinate's Django connector, reading job arguments as the worker's own connector
    does: Django's psycopg set-up returns jsonb as text (its JSONField decodes it itself)."""

    def _dictfetch(self, cursor):
        for row in super()._dictfetch(cursor):
            if isinstance(row.get("args"), str):
                row["args"] = json.loads(row["args"])
            yield row


def run_worker() -> None:
    """Work the queue until no job is due, then return (procrastinate's worker, wait=False).

    The worker uses the Django connector: its queries, and the tasks' thread-sensitive ORM
    work, run on this thread's database connection, so inside a test's transaction it sees
    what the test wrote. The periodic tasks are left out. From a thread that already runs an
    event loop (the browser tests), the worker runs in a thread of its own.
    """
    worker_app = App(connector=_TestConnector())
    worker_app.tasks = dict(app.tasks)
    run = async_to_sync(worker_app.run_worker_async)
    options = {
        "wait": False,
        "listen_notify": False,
        "install_signal_handlers": False,
        "delete_jobs": "successful",
    }
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        run(**options)
        return

    def work():
        try:
            run(**options)
        finally:
            # The thread's own database connection, closed as the thread ends: left open, it
            # keeps the test database from being dropped at the end of the run.
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def empty_queue() -> None:
    """Delete every job. The queue's tables are procrastinate's own (not Django models that a
    transactional test's flush empties), so a committing test that leaves jobs clears them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs CASCADE")
