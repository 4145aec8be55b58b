"""Django's PostgreSQL backend, checking a pooled connection without a round trip.

Django's health check on pooled connections sends an empty query each time a request takes a
connection from the pool: a round trip per request for a fault that comes with a database
restart. This backend asks the kernel instead. An idle connection has nothing to read; once
the server has ended it (a restart, a failover, pg_terminate_backend), its last message or the
end of the stream waits on the socket. Only then does the empty query run, and when it fails
the pool drops the connection and hands out another, so the request never sees the dead one.
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.pool is not None and not still_open(connection):
            self.pool.putconn(connection)  # broken: the pool closes it and opens a new one
            return self.get_new_connection(conn_params)
        return connection


def still_open(connection: psycopg.Connection) -> bool:
    """Whether an idle connection can still be used: a round trip only if the server spoke."""
    if connection.closed:
        return False
    if not _has_input(connection.fileno()):
        return True
    try:
        ConnectionPool.check_connection(connection)
    except psycopg.Error:
        return False
    return True


def _has_input(descriptor: int) -> bool:
    waiting = select.poll()
    waiting.register(descriptor, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(waiting.poll(0))
