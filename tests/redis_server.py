"""A real Redis server for tests: Debian's `redis-server`, started on a free loopback port.

Session-scoped (one server for the whole run, started only when a test asks for it); each
test gets a fresh logical database so keys never leak between tests. Skipped with a reason
where `redis-server` is not installed — and on CI (`CI=true`) a skip fails the run
(tests/conftest.py), so these tests always run there (`make redis` installs the server).
"""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

_DATABASES = 16
_next_db = itertools.count()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(port: int, *words: str) -> bytes:
    """Send one RESP command and return the raw reply (enough for PING and FLUSHDB)."""
    payload = f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(payload.encode())
        return sock.recv(64)


def _wait_until_up(port: int, process: subprocess.Popen[bytes], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with status {process.returncode}")
        try:
            if _command(port, "PING").startswith(b"+PONG"):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not answer PING within {timeout_s} s")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Port of a throwaway Redis on 127.0.0.1 (no persistence, no password)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    port = _free_port()
    workdir: Path = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--databases",
            str(_DATABASES),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server: int) -> str:
    """`redis://` URL of an empty logical database on the test server."""
    db = next(_next_db) % _DATABASES
    # SELECT and FLUSHDB must share a connection: FLUSHDB empties the selected database.
    payload = f"*2\r\n$6\r\nSELECT\r\n${len(str(db))}\r\n{db}\r\n*1\r\n$7\r\nFLUSHDB\r\n"
    with socket.create_connection(("127.0.0.1", redis_server), timeout=1) as sock:
        sock.sendall(payload.encode())
        replies = b""
        while replies.count(b"\r\n") < 2:
            replies += sock.recv(64)
    if replies != b"+OK\r\n+OK\r\n":
        raise RuntimeError(f"could not empty Redis database {db}: {replies!r}")
    return f"redis://127.0.0.1:{redis_server}/{db}"
