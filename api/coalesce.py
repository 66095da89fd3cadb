"""A response's writes leave in one send (issue 18).

uvicorn writes a response's status line and headers, then its body, as two
`transport.write` calls; on uvloop each is a `send()` system call at once, and on loopback
the first one (which also wakes the client) was ~4 % of `stancewire serve`'s CPU under load
(py-spy). The writes of one event-loop step are collected here and handed to the transport
as one write at the end of the step: a whole answer is one send, in the order written.
aiohttp does the same for small requests and responses (aio-libs/aiohttp#10991).

Everything but writing goes straight to the real transport. Closing or aborting first
settles what is pending (a close sends it, an abort drops it, as the transport would).
"""

from __future__ import annotations

import asyncio
from typing import Any


class CoalescingTransport:
    """Wraps a connection's transport for the protocol that writes to it."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(bytes(data))

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def _flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():  # the peer left meanwhile: nobody to send to
            self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        # is_closing, get_extra_info, pause_reading, set_protocol, ...: the transport's own.
        return getattr(self._transport, name)
