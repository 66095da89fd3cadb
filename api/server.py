"""The HTTP server: uvicorn, plus the connection limits it lacks.

uvicorn has no request-read timeout: its issue #157 (2018) still lists
--timeout-request-start and --timeout-request-complete as not done, the pull request for the
first (#1685) was closed unmerged, and 0.54's Config has neither. A connection that sends
nothing, or trickles its headers a byte at a time, is held forever — the keep-alive timer
only runs between requests and is cancelled by any byte received. An outside probe held
5,100 such connections for 30 s without one being closed. Three ways out were weighed:
nginx in front (sound, but a second server to install and run for `make run`), another
ASGI server (hypercorn's read timeout is per read, so a trickle still wins; granian's header
timeout is fixed in Rust and neither answers framing errors as problem+json), and a small
subclass of uvicorn's own protocol. The subclass is what runs here, because it keeps the
server every test and benchmark already uses and lets every answer be problem+json:

- headers are due within `header_timeout_s` of the connection opening or of the previous
  response ending: partial headers then get a 408 problem, an idle connection is closed;
- the body is due within `body_timeout_s` (enforced in the app, api/http.py, so the 408
  carries the request id and passes the metrics like any other answer);
- idle keep-alive connections close after `keepalive_timeout_s` (uvicorn's own timer);
- past `max_connections` open connections a new one gets a 503 problem and is closed;
- a request the parser rejects (malformed Content-Length, Content-Length with chunked
  Transfer-Encoding, a bad chunk size, …) gets a 400 problem instead of uvicorn's text/plain.

It overrides uvicorn protocol hooks (connection_made, data_received, on_response_complete,
send_400_response), so uvicorn is pinned to a minor range in pyproject.toml and
tests/api/test_server.py drives both of its HTTP implementations over real sockets.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import socket
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api import heap
from api.coalesce import CoalescingTransport
from api.config import Settings
from api.http import ANSWERED_BY_SERVER
from api.metrics import CONNECTIONS_CLOSED
from api.problems import PROBLEM_TYPE
from api.security import SECURITY_HEADERS

log = logging.getLogger(__name__)
_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 503: b"Service Unavailable"}


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_s: float
    max_connections: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(settings.header_timeout_s, settings.max_connections)


def problem_bytes(
    status: int, code: str, title: str, detail: str, retry_after: int | None = None
) -> bytes:
    """A whole problem+json response, written by the server itself (no app to render it)."""
    request_id = uuid.uuid4().hex
    problem: dict[str, Any] = {"type": PROBLEM_TYPE + code, "title": title, "status": status}
    problem |= {"detail": detail, "code": code, "request_id": request_id}
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"connection", b"close"),
        (b"x-request-id", request_id.encode()),
        *SECURITY_HEADERS,
    ]
    if retry_after is not None:
        problem["retry_after"] = retry_after
        headers.append((b"retry-after", str(retry_after).encode()))
    body = json.dumps(problem).encode()
    headers.append((b"content-length", str(len(body)).encode()))
    head = b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status])
    return (
        head + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n" + body
    )


class _Guarded:
    """The limits above, mixed into one of uvicorn's HTTP protocol classes."""

    limits: ClassVar[ConnectionLimits]
    # Provided by uvicorn's protocol classes:
    transport: asyncio.Transport
    cycle: Any
    connections: set[Any]
    loop: asyncio.AbstractEventLoop
    client: tuple[str, int] | None

    _header_timer: asyncio.TimerHandle | None = None
    _headed_cycle: Any = None  # the last request whose headers arrived whole
    _bytes_pending: bool = False  # bytes of a request whose headers are not yet whole

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        cast(Any, super()).connection_made(transport)
        # A response's header and body writes leave in one send (api/coalesce.py).
        self.transport = cast(asyncio.Transport, CoalescingTransport(self.transport, self.loop))
        if len(self.connections) > self.limits.max_connections:
            self._refuse(
                503,
                "overloaded",
                "Service busy",
                "Too many open connections; retry shortly.",
                reason="too_many_connections",
                retry_after=1,
            )
            return
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        if self._header_timer is not None:
            self._bytes_pending = True
        cast(Any, super()).data_received(data)
        self._note_headers()

    def on_response_complete(self) -> None:
        cast(Any, super()).on_response_complete()
        self._note_headers()  # h11 may start a pipelined request from here
        waiting_for_next = self.cycle is not None and self.cycle.response_complete
        if waiting_for_next and not self.transport.is_closing():
            self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        cast(Any, super()).connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        self._refuse(
            400,
            "malformed_request",
            "Malformed HTTP request",
            "The request is not valid HTTP/1.1 (e.g. a malformed Content-Length, Content-Length "
            "together with Transfer-Encoding, or a bad chunk); the connection is closed.",
            reason="malformed_request",
        )

    def _note_headers(self) -> None:
        if self.cycle is not None and self.cycle is not self._headed_cycle:
            self._headed_cycle = self.cycle
            self._disarm_header_timer()

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._bytes_pending = False
        self._header_timer = self.loop.call_later(
            self.limits.header_timeout_s, self._on_header_timeout
        )

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _on_header_timeout(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        # Bytes after a complete request are a new request's headers; bytes still owed to
        # a request already answered (its unread body) get no second answer.
        previous_body_done = self.cycle is None or not self.cycle.more_body
        if self._bytes_pending and previous_body_done:
            detail = (
                f"The request headers did not arrive within {self.limits.header_timeout_s:g} s."
            )
            self._refuse(
                408, "request_timeout", "Request not received in time", detail, "slow_headers"
            )
        else:
            CONNECTIONS_CLOSED.labels("idle").inc()
            self.transport.close()

    def _refuse(
        self,
        status: int,
        code: str,
        title: str,
        detail: str,
        reason: str,
        retry_after: int | None = None,
    ) -> None:
        if self.cycle is not None and not self.cycle.response_complete:
            # The app may be reading this request's body: when it sees the connection go,
            # it must count the server's answer, not a client that hung up (api/http.py).
            self.cycle.scope.setdefault("state", {})[ANSWERED_BY_SERVER] = status
        if (
            self.cycle is not None
            and self.cycle.response_started
            and not self.cycle.response_complete
        ):
            self.transport.close()  # mid-response: a second status line would corrupt it
        else:
            self.transport.write(problem_bytes(status, code, title, detail, retry_after))
            self.transport.close()
        CONNECTIONS_CLOSED.labels(reason).inc()
        log.info("closed connection from %s: %s (%d)", _peer(self.client), reason, status)


class GuardedHttpToolsProtocol(_Guarded, HttpToolsProtocol):
    """uvicorn's httptools protocol (the fast one, used when httptools is installed)."""


class GuardedH11Protocol(_Guarded, H11Protocol):
    """uvicorn's pure-Python h11 protocol."""


def guarded_protocol(
    limits: ConnectionLimits, implementation: str = "httptools"
) -> type[asyncio.Protocol]:
    base = GuardedHttpToolsProtocol if implementation == "httptools" else GuardedH11Protocol
    return type(base.__name__, (base,), {"limits": limits})


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def fast_loop() -> str:
    """uvloop (a dependency, via uvicorn[standard]) named outright rather than uvicorn's
    "auto", so the production command says what it runs; asyncio where it cannot install."""
    return "uvloop" if _installed("uvloop") else "asyncio"


def server_config(app: Any, settings: Settings, **overrides: Any) -> uvicorn.Config:
    """The uvicorn configuration `stancewire serve` runs (tests pass host/port overrides):
    uvloop and the httptools parser, the latter through the guarded subclass above, so the
    read timeouts and problem+json answers hold on the fast parser too (tests/api/test_server.py
    runs every case on both parsers)."""
    implementation = overrides.pop("implementation", "httptools")
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "access_log": False,  # api/logs.py writes one JSON line per request instead
        "timeout_keep_alive": settings.keepalive_timeout_s,
        "loop": fast_loop(),
        "http": guarded_protocol(ConnectionLimits.from_settings(settings), implementation),
    }
    return uvicorn.Config(app, **(options | overrides))


class SettledServer(uvicorn.Server):
    """uvicorn's server that, once the app has started (models loaded, lifespan done),
    tunes the collector for serving (api/heap.py)."""

    def __init__(self, config: uvicorn.Config, gc_threshold: int) -> None:
        super().__init__(config)
        self.gc_threshold = gc_threshold

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:  # the app started (a failed start-up exits instead)
            heap.settle(self.gc_threshold)


def serve(app: Any, settings: Settings, host: str | None = None, port: int | None = None) -> None:
    overrides = {"host": host or settings.host, "port": port or settings.port}
    config = server_config(app, settings, **overrides)
    log.info("serving on %s loop, httptools parser (guarded), one process", config.loop)
    SettledServer(config, settings.gc_threshold).run()


def _peer(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "unknown peer"
