"""A stub OpenAI-compatible upstream that misbehaves on purpose, on loopback.

A raw asyncio server rather than an ASGI app, because some faults live below HTTP: a
connection reset (RST, not a clean close) and a response cut short of its Content-Length.
Each request draws its fault from a seeded random generator, so a run is repeatable. A
request whose body carries a load tag (`load-<n>`, the harness puts it in the article's title,
which the service copies into the prompt) has its faults recorded under that tag, so the
harness can say which faults each of its requests met.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import re
import socket
import struct
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSWER = (ROOT / "tests" / "data" / "seed_contract.json").read_text()
TAG = re.compile(rb"load-(\d+)")

FAULTS = (
    "rate_limited",  # 429 with Retry-After: 0
    "server_error",  # 500
    "unavailable",  # 503
    "timeout",  # no answer until after the client's timeout
    "reset",  # TCP reset after the request is read
    "bad_json_body",  # 200 whose HTTP body is not JSON
    "bad_json_content",  # 200, valid envelope, the model's content is not JSON
    "truncated_output",  # 200, the model's answer cut off (finish_reason "length")
    "truncated_body",  # a response shorter than its Content-Length, then close
)
# Opt-in (`--drip`): a valid answer sent in DRIP_PIECES pieces, each within any read timeout,
# the whole slower than the call timeout the harness sets. Not in the default mix, so runs
# stay comparable with the nine faults measured before it existed.
DRIP = "drip"
DRIP_PIECES = 12


@dataclass
class FaultPlan:
    fault_rate: float
    seed: int = 14
    hang_s: float = 5.0  # how long "timeout" holds a request (longer than the client waits)
    latency_s: float = 0.0  # how long every request waits before its answer (a slow model)
    drip_every_s: float = 0.3  # "drip": the pause before each piece (12 pieces: 3.6 s)
    faults: tuple[str, ...] = FAULTS
    drawn: Counter[str] = field(default_factory=Counter)
    by_tag: dict[int, list[str]] = field(default_factory=dict)  # load tag -> faults, in order

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def draw(self, body: bytes = b"") -> str:
        faulty = self._random.random() < self.fault_rate
        fault = self._random.choice(self.faults) if faulty else "ok"
        self.drawn[fault] += 1
        if tag := TAG.search(body):
            self.by_tag.setdefault(int(tag[1]), []).append(fault)
        return fault


def _completion(content: str, finish_reason: str = "stop") -> bytes:
    message = {"role": "assistant", "content": content}
    payload = {
        "id": "stub",
        "object": "chat.completion",
        "created": 0,
        "model": "stub",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 900, "completion_tokens": 700, "total_tokens": 1600},
    }
    return json.dumps(payload).encode()


def _response(status: int, body: bytes, *extra: str, declared: int | None = None) -> bytes:
    reason = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error"}
    head = [
        f"HTTP/1.1 {status} {reason.get(status, 'Service Unavailable')}",
        "Content-Type: application/json",
        f"Content-Length: {len(body) if declared is None else declared}",
        *extra,
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _error(status: int, kind: str) -> bytes:
    return json.dumps({"error": {"message": f"stub {kind}", "type": kind, "code": None}}).encode()


_REPLIES: dict[str, bytes] = {
    "ok": _response(200, _completion(ANSWER)),
    "rate_limited": _response(429, _error(429, "rate_limit_exceeded"), "Retry-After: 0"),
    "server_error": _response(500, _error(500, "server_error")),
    "unavailable": _response(503, _error(503, "service_unavailable")),
    "bad_json_body": _response(200, b'{"id": "stub", "choices": [{"index": 0, "mess'),
    "bad_json_content": _response(200, _completion("Sure! Here is the analysis you asked for")),
    "truncated_output": _response(200, _completion(ANSWER[: len(ANSWER) // 2], "length")),
    "truncated_body": _response(200, _completion(ANSWER)[:200], declared=len(_completion(ANSWER))),
}


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    """Read one request (headers and Content-Length body); its body, None when the peer is
    gone."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    return await reader.readexactly(length)


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultyUpstream:
    """Serves in a daemon thread; `base_url` is the OpenAI-style /v1 URL."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._port = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def __enter__(self) -> FaultyUpstream:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault-injecting upstream did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def sync(self) -> None:
        """Nothing to copy: this process's plan is the one the upstream draws from."""

    def records(self) -> tuple[Counter[str], dict[int, list[str]]]:
        """A copy of the faults drawn so far, taken on the serving loop (no torn reads)."""

        async def copy() -> tuple[Counter[str], dict[int, list[str]]]:
            return Counter(self.plan.drawn), {t: list(f) for t, f in self.plan.by_tag.items()}

        return asyncio.run_coroutine_threadsafe(copy(), self._loop).result(timeout=30)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024)
        )
        self._port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        pending = asyncio.all_tasks(self._loop)  # held "timeout" requests, idle connections
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (body := await _read_request(reader)) is not None:
                fault = self.plan.draw(body)
                if self.plan.latency_s:
                    await asyncio.sleep(self.plan.latency_s)
                handler = _CLOSING.get(fault)
                if handler is not None:
                    await handler(self.plan, writer)
                    return
                writer.write(_REPLIES[fault])
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the peer left, or the stub is shutting down
        finally:
            if not writer.transport.is_closing():
                writer.close()


async def _hang(plan: FaultPlan, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(plan.hang_s)
    writer.close()


async def _reset_now(plan: FaultPlan, writer: asyncio.StreamWriter) -> None:
    _reset(writer)


async def _cut_short(plan: FaultPlan, writer: asyncio.StreamWriter) -> None:
    writer.write(_REPLIES["truncated_body"])
    await writer.drain()
    writer.close()


async def _drip(plan: FaultPlan, writer: asyncio.StreamWriter) -> None:
    reply = _REPLIES["ok"]
    size = -(-len(reply) // DRIP_PIECES)
    for start in range(0, len(reply), size):
        await asyncio.sleep(plan.drip_every_s)
        writer.write(reply[start : start + size])
        await writer.drain()
    writer.close()


_CLOSING: dict[str, Callable[[FaultPlan, asyncio.StreamWriter], Awaitable[None]]] = {
    DRIP: _drip,
    "timeout": _hang,
    "reset": _reset_now,
    "truncated_body": _cut_short,
}


def _serve_apart(plan: FaultPlan, conn: Connection) -> None:
    """The upstream process: serve, answer "records" requests, stop on "stop"."""
    with FaultyUpstream(plan) as upstream:
        conn.send(upstream.base_url)
        while conn.recv() == "records":
            conn.send(upstream.records())


class UpstreamProcess:
    """The faulty upstream in a process of its own, so its answers are not slowed by the
    harness's client (at concurrency 100 they share a GIL, and the service's calls time
    out at connect or write before the stub has even read them). `sync()` copies the faults
    drawn so far into this side's `plan`."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._conn, child = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve_apart, args=(plan, child), daemon=True
        )
        self.base_url = ""

    def __enter__(self) -> UpstreamProcess:
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError("the fault-injecting upstream process did not start")
        self.base_url = self._conn.recv()
        return self

    def sync(self) -> None:
        self._conn.send("records")
        drawn, by_tag = self._conn.recv()
        self.plan.drawn.clear()
        self.plan.drawn.update(drawn)
        self.plan.by_tag.clear()
        self.plan.by_tag.update(by_tag)

    def __exit__(self, *exc: object) -> None:
        self.sync()
        self._conn.send("stop")
        self._process.join(timeout=15)
        if self._process.is_alive():
            self._process.kill()
