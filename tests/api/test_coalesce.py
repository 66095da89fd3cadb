"""A response leaves in one write (api/coalesce.py, issue 18): uvicorn wrote the status line
and headers, then the body, as two writes (two send() calls on uvloop)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from uvicorn.server import ServerState

from api.coalesce import CoalescingTransport
from api.config import Settings
from api.server import ConnectionLimits, guarded_protocol


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def small_app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


@pytest.mark.parametrize("implementation", ["httptools", "h11"])
def test_a_whole_response_is_one_write(implementation: str) -> None:
    async def serve_one() -> RecordingTransport:
        config = uvicorn.Config(small_app(), lifespan="off", log_level="warning")
        limits = ConnectionLimits.from_settings(Settings(_env_file=None))
        protocol: Any = guarded_protocol(limits, implementation)(
            config=config, server_state=ServerState(), app_state={}
        )
        transport = RecordingTransport()
        protocol.connection_made(transport)
        protocol.data_received(b"GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        for _ in range(50):  # until the app has answered and the step's writes left
            await asyncio.sleep(0)
            if transport.writes:
                break
        await asyncio.sleep(0)
        protocol.connection_lost(None)
        return transport

    transport = asyncio.run(serve_one())
    (response,) = transport.writes
    head, body = response.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK") and body == b'{"hello":"world"}'


def test_writes_of_one_step_leave_together_in_order_and_close_sends_them_first() -> None:
    async def run() -> RecordingTransport:
        transport = RecordingTransport()
        coalescing = CoalescingTransport(transport, asyncio.get_running_loop())
        coalescing.write(b"a")
        coalescing.write(bytearray(b"b"))
        coalescing.write(b"")
        assert transport.writes == []  # not yet: the step is not over
        await asyncio.sleep(0)
        assert transport.writes == [b"ab"]
        coalescing.write(b"c")
        coalescing.close()  # sends what is pending, then closes
        assert transport.writes == [b"ab", b"c"] and transport.closed
        await asyncio.sleep(0)
        assert transport.writes == [b"ab", b"c"]
        return transport

    asyncio.run(run())


def test_abort_drops_pending_writes_and_a_closed_peer_gets_none() -> None:
    async def run() -> None:
        transport = RecordingTransport()
        coalescing = CoalescingTransport(transport, asyncio.get_running_loop())
        coalescing.write(b"never sent")
        assert coalescing.get_write_buffer_size() == len(b"never sent")
        coalescing.abort()
        await asyncio.sleep(0)
        assert transport.writes == [] and transport.aborted

        gone = RecordingTransport()
        late = CoalescingTransport(gone, asyncio.get_running_loop())
        late.write(b"to nobody")
        gone.closed = True  # the peer hung up before the step ended
        await asyncio.sleep(0)
        assert gone.writes == []
        assert late.get_extra_info("peername") == ("127.0.0.1", 50000)

    asyncio.run(run())
