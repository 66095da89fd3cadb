"""The app under the real server (`stancewire serve`'s configuration) on a loopback port, in a
thread, for tests that need real sockets: slow clients, broken framing, load."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from api.config import Settings
from api.server import server_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@contextmanager
def live_server(
    app: Any, settings: Settings, implementation: str = "httptools"
) -> Iterator[tuple[str, int]]:
    """Serve `app` as `stancewire serve` would; yield (host, port); stop it afterwards."""
    port = free_port()
    config = server_config(
        app,
        settings,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        implementation=implementation,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # the app's start-up loads spaCy
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start under uvicorn")
        time.sleep(0.02)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
