"""A provider request leaves in one send (issue 18).

httpcore writes an HTTP/1.1 request's head and its body as two writes, each a `send()`
system call, and on loopback each was ~2.5 % of `stancewire serve`'s CPU under load
(py-spy: AnyIOStream.write from _send_request_headers and from _send_request_body). The
direct path's bodies are small JSON documents already in memory, so the connection's
writes are held until it next reads (the response) and go out as one. The response
cannot start before the request is complete, so nothing waits longer than before.

The pooled client's connection pools get a network backend whose streams do this
(`coalesce_writes`); HTTP/2 pools are left alone (their reads and writes interleave).

A write error now surfaces from the read that sends the bytes: the same httpx error
family, mapped to the same typed failure (api/llm/failures.py `from_transport`).

The same streams answer the pool's "is_readable" question from the socket they keep: the
pool asks it of every idle connection twice per request (`has_expired`: has the server
closed it?), and anyio's stream rebuilt its table of six attributes for each answer
(~1 % of the CPU under load). The answer is httpcore's own, the same poll of the socket.
"""

from __future__ import annotations

import logging
from typing import Any

import httpcore
import httpx
from httpcore._utils import is_socket_readable

log = logging.getLogger(__name__)


class _OneSendStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._pending: list[bytes] = []
        self._timeout: float | None = None
        self._socket: Any = None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._pending.append(buffer)
            self._timeout = timeout

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        await self._send_pending()
        return await self._stream.read(max_bytes, timeout)

    async def aclose(self) -> None:
        self._pending.clear()  # a request given up before its answer: nobody to send to
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        await self._send_pending()  # e.g. a proxy's CONNECT, before the handshake
        return _OneSendStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            if self._socket is None:
                self._socket = self._stream.get_extra_info("socket")
            return is_socket_readable(self._socket)
        return self._stream.get_extra_info(info)

    async def _send_pending(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            await self._stream.write(data, self._timeout)


class OneSendBackend(httpcore.AsyncNetworkBackend):
    """A network backend whose streams send a request's writes as one."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self.backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _OneSendStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.backend.connect_unix_socket(path, timeout, socket_options)
        return _OneSendStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self.backend.sleep(seconds)


def coalesce_writes(client: httpx.AsyncClient) -> int:
    """Give the client's HTTP/1.1 connection pools (its own and any proxy's) the one-send
    backend; how many it changed. httpx and httpcore keep these as private attributes: where
    they are not found, nothing changes (tests/llm/test_one_send.py notices)."""
    changed = 0
    for transport in [client._transport, *client._mounts.values()]:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None or getattr(pool, "_http2", False):
            continue
        if not isinstance(backend, OneSendBackend):
            pool._network_backend = OneSendBackend(backend)  # type: ignore[union-attr]
            changed += 1
    if not changed:
        log.debug("direct path: no HTTP/1.1 pool found to send requests in one write")
    return changed
