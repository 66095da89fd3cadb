"""A provider request leaves in one send (api/llm/one_send.py, issue 18): httpcore wrote
the request's head and body as two writes, two send() calls per model call."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpcore
import httpx
import pytest

from api.config import Settings
from api.llm.direct import DirectTransport
from api.llm.failures import from_transport
from api.llm.one_send import OneSendBackend, coalesce_writes

ANSWER = b'{"ok": true}'


class CountingStream(httpcore.AsyncNetworkStream):
    """A real socket stream that counts the writes handed to it."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, writes: list[bytes]) -> None:
        self.stream, self.writes = stream, writes

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # h11 ends a sized body with an empty write; the socket sees nothing
            self.writes.append(buffer)
        await self.stream.write(buffer, timeout)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.stream.read(max_bytes, timeout)

    async def aclose(self) -> None:
        await self.stream.aclose()

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class CountingBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self.backend = httpcore.AnyIOBackend()
        self.writes: list[bytes] = []

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        return CountingStream(await self.backend.connect_tcp(*args, **kwargs), self.writes)

    async def sleep(self, seconds: float) -> None:
        await self.backend.sleep(seconds)


async def _upstream(
    requests: list[bytes], close_at_once: bool = False, close_after_answer: bool = False
) -> asyncio.Server:
    """A loopback HTTP/1.1 server answering every request with ANSWER (or hanging up, at
    once or after its first answer: a keep-alive connection the server ends)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if close_at_once:
            writer.close()
            return
        while not reader.at_eof():
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            requests.append(head + await reader.readexactly(length))
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER)
            )
            await writer.drain()
            if close_after_answer:  # once the client has read the answer
                await asyncio.sleep(0.02)
                writer.close()
                break

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def _pool(client: httpx.AsyncClient) -> Any:
    return client._transport._pool  # type: ignore[attr-defined]


@pytest.mark.parametrize("one_send", [False, True])
def test_a_request_is_one_write_on_the_socket(one_send: bool) -> None:
    async def run() -> tuple[list[bytes], list[bytes]]:
        seen: list[bytes] = []
        server = await _upstream(seen)
        port = server.sockets[0].getsockname()[1]
        counting = CountingBackend()
        async with httpx.AsyncClient() as client:
            _pool(client)._network_backend = counting
            if one_send:
                assert coalesce_writes(client) == 1
            body = {"messages": [{"role": "user", "content": "x" * 3000}]}
            for _ in range(3):  # a fresh connection, then the kept-alive one
                response = await client.post(
                    f"http://127.0.0.1:{port}/v1/chat/completions", json=body
                )
                assert response.json() == {"ok": True}
        server.close()
        return counting.writes, seen

    writes, seen = asyncio.run(run())
    assert len(writes) == (3 if one_send else 6)  # head + body per request without it
    assert len(seen) == 3 and all(json.loads(r.split(b"\r\n\r\n", 1)[1]) for r in seen)
    assert b"".join(writes) == b"".join(seen)  # the same bytes, in the same order


def test_the_direct_paths_client_sends_in_one_write() -> None:
    async def run() -> Any:
        transport = DirectTransport(Settings(_env_file=None), litellm=None)  # type: ignore[arg-type]
        return _pool(transport._http())._network_backend

    assert isinstance(asyncio.run(run()), OneSendBackend)


def test_http2_pools_and_clients_already_changed_are_left_alone() -> None:
    async def run() -> tuple[int, int]:
        async with httpx.AsyncClient(http2=True) as h2, httpx.AsyncClient() as h1:
            return coalesce_writes(h2), coalesce_writes(h1) + coalesce_writes(h1)

    try:
        import h2  # noqa: F401
    except ImportError:
        pytest.skip("httpx's http2 extra is not installed")
    assert asyncio.run(run()) == (0, 1)


def test_an_upstream_that_hangs_up_is_still_unavailable_not_a_timeout() -> None:
    async def run() -> httpx.RequestError:
        server = await _upstream([], close_at_once=True)
        port = server.sockets[0].getsockname()[1]
        async with httpx.AsyncClient() as client:
            coalesce_writes(client)
            try:
                await client.post(f"http://127.0.0.1:{port}/", json={"a": 1})
            except httpx.RequestError as exc:
                return exc
            finally:
                server.close()
        raise AssertionError("no error")

    failure = from_transport(asyncio.run(run()))
    assert failure.kind == "unavailable"


def test_a_kept_connection_the_server_closed_is_not_reused() -> None:
    """The pool asks each idle connection whether its socket is readable (the server's end
    of stream); the one-send stream answers from the socket it keeps."""

    async def run() -> tuple[list[bytes], list[bool]]:
        seen: list[bytes] = []
        server = await _upstream(seen, close_after_answer=True)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1/chat/completions"
        readable = []
        async with httpx.AsyncClient() as client:
            coalesce_writes(client)
            for _ in range(3):
                assert (await client.post(url, json={"n": 1})).json() == {"ok": True}
                await asyncio.sleep(0.05)  # the server's FIN arrives
                for connection in _pool(client).connections:
                    readable.append(
                        connection._connection._network_stream.get_extra_info("is_readable")
                    )
        server.close()
        return seen, readable

    seen, readable = asyncio.run(run())
    assert len(seen) == 3  # each on a new connection: none failed on a closed one
    assert readable == [True, True, True]
