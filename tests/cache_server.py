"""A real Valkey or Redis server for the shared-cache tests (``dev.py test`` finds or installs
one and names it in CACHE_SERVER_PATH)."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

from tests.smtp import free_port


def server_program() -> str:
    program = (
        os.environ.get("CACHE_SERVER_PATH")
        or shutil.which("valkey-server")
        or shutil.which("redis-server")
    )
    if not program:
        raise RuntimeError(
            "No Valkey or Redis server: run the tests with `python3 dev.py test`, which "
            "installs one, or set CACHE_SERVER_PATH."
        )
    return program


@contextmanager
def cache_server():
    """Start a server on a free loopback port, keeping nothing on disk; yield its CACHE_URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            server_program(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the cache server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
