"""Serving an ASGI app on loopback in a background thread: for the demo, tests and benchmarks,
which need a real HTTP server without a second process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


@contextmanager
def serving_in_thread(app: Any, host: str = "127.0.0.1", name: str = "server") -> Iterator[int]:
    """Serve `app` on a free port until the block ends; yields the port."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, 0))
    port = int(listener.getsockname()[1])
    # log_config=None: a helper must not reconfigure the host process's logging.
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, log_level="warning",
        access_log=False, lifespan="off",
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name=f"{name}-{port}", daemon=True
    )
    thread.start()
    try:
        _wait_until_serving(server, thread, host, port, name)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def _wait_until_serving(
    server: uvicorn.Server, thread: threading.Thread, host: str, port: int, name: str
) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError(f"the {name} stopped while starting")
        if server.started:
            with socket.create_connection((host, port), timeout=1):
                return
        time.sleep(0.01)
    raise RuntimeError(f"the {name} did not start on {host}:{port} within 10 s")
