"""Run a function in many threads at the same instant, each on its own database connection."""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from django.db import connection


def at_once(function: Callable, arguments: Iterable) -> list:
    """Call ``function`` once per argument, all released together by a barrier; returns the
    results in order. Use in ``django_db(transaction=True)`` tests: the calls commit."""
    arguments = list(arguments)
    barrier = Barrier(len(arguments))

    def call(argument):
        try:
            barrier.wait()
            return function(argument)
        finally:
            connection.close()

    with ThreadPoolExecutor(len(arguments)) as pool:
        return list(pool.map(call, arguments))
