"""Django's PostgreSQL backend, checking a pooled connection without a round trip.

Django's health check on pooled connections sends an empty query each time a request takes a
connection from the pool: a round trip per request, for faults that come with a restart of
the database or of its host. This backend sends it only when it can matter:

- when the server has said something on the idle connection: a server process that ends it
  (a restart, pg_terminate_backend, idle_session_timeout) leaves its last message or the end
  of the stream on the socket, which the kernel reports without a round trip;
- when the connection has not been handed out for IDLE_CHECK_SECONDS: a host that rebooted or
  moved in a failover says nothing, and only a query finds out.

A connection that fails the check goes back to the pool, which closes it, and the request
takes another, so it never sees the dead one. Under load every connection is handed out many
times a second, so the check costs a poll() of the socket.
"""

import select
import time
import weakref

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

IDLE_CHECK_SECONDS = 30

# When each pooled connection was last handed out (forgotten with the connection).
_handed_out: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        pool = self.pool
        if pool is None:
            return connection
        # After a restart every idle connection in the pool may be dead: at most one try each.
        for _attempt in range(pool.max_size):
            try:
                usable = still_open(connection)
            except BaseException:
                pool.putconn(connection)
                raise
            if usable:
                break
            pool.putconn(connection)  # broken: the pool closes it and opens another
            connection = super().get_new_connection(conn_params)
        _handed_out[connection] = time.monotonic()
        return connection


def still_open(connection: psycopg.Connection) -> bool:
    """Whether a connection from the pool can be used; a round trip only when in doubt."""
    if connection.closed:
        return False
    handed_out = _handed_out.get(connection)
    recently_used = handed_out is not None and time.monotonic() - handed_out < IDLE_CHECK_SECONDS
    if recently_used and not _has_input(connection.fileno()):
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
