"""Where a fault run's time goes: per request, the client's total time beside the time the
service itself took, grouped by the upstream faults the request met.

The service's own time is measured by a pure-ASGI wrapper around the app (`timed`): from the
moment the server hands it the request to the start of its answer (analyses are not
streamed, so that is the whole of its work). It travels back in a response header, so it
is read the same way whether the service runs in this process or in its own. What the client
waits beyond it is queueing outside the app, split in two on the machine's monotonic clock:
in the client until the request is on the wire (its event loop, its connection pool), then
in the server until the app sees it (the kernel's queues, the server's event loop) — and,
with everything in one process, the GIL they share.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

SERVICE_MS_HEADER = "x-load-service-ms"
SERVICE_LAG_HEADER = "x-load-service-lag-ms"  # the service loop's longest lag during it
# When the app got the request, on the machine's monotonic clock (CLOCK_MONOTONIC, one for
# every process): the client subtracts when it sent the request to get the time it queued.
SERVICE_BEGAN_HEADER = "x-load-service-began"
LAG_EVERY_S = 0.05
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


class LagWatch:
    """How late the service's event loop wakes a sleeper (sampled every LAG_EVERY_S from its
    first request on): a late wake-up is a late deadline, a late answer, a late read."""

    def __init__(self) -> None:
        self.lags: deque[tuple[float, float]] = deque(maxlen=10_000)  # (woke at, late by)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(LAG_EVERY_S)
            now = time.perf_counter()
            self.lags.append((now, now - before - LAG_EVERY_S))

    def worst_since(self, started: float) -> float:
        return max((lag for woke, lag in self.lags if woke >= started), default=0.0)


def timed(app: ASGIApp) -> ASGIApp:
    """`app` with its own time per HTTP request in the SERVICE_MS_HEADER of the answer, and
    its event loop's worst lag meanwhile in SERVICE_LAG_HEADER."""
    watch = LagWatch()

    async def wrapper(
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        watch.start()
        began, started = time.monotonic(), time.perf_counter()

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"{(time.perf_counter() - started) * 1000:.1f}".encode()
                lag = f"{watch.worst_since(started) * 1000:.1f}".encode()
                headers = [
                    *message.get("headers", []),
                    (SERVICE_MS_HEADER.encode(), took),
                    (SERVICE_LAG_HEADER.encode(), lag),
                    (SERVICE_BEGAN_HEADER.encode(), f"{began:.6f}".encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_timed)

    return wrapper


@dataclass(frozen=True)
class Sample:
    """One request: what it met upstream, how it ended and how long each side took."""

    faults: str  # the upstream faults its calls met ("ok": none; "no call": none made)
    outcome: str
    client_s: float
    service_s: float | None  # None: no answer, or one the app did not give (the server's)
    analysis_s: float | None  # the analysis's own meta.latency_ms (200s only)
    violation: str | None = None
    service_lag_s: float | None = None  # the service loop's worst lag while it ran
    client_wait_s: float | None = None  # in the client, until the request was on the wire
    queued_s: float | None = None  # on the wire, until the app saw it (the server's queue)

    @property
    def bounded_s(self) -> float:
        """What the time bound applies to: from the request on the wire to its answer."""
        return self.client_s - (self.client_wait_s or 0.0)


def fault_label(faults: list[str] | None) -> str:
    """A request's faults as one label: the distinct faulty kinds in the order met."""
    if not faults:
        return "no call"
    faulty = [f for f in dict.fromkeys(faults) if f != "ok"]
    return "+".join(faulty) or "ok"


def by_fault(samples: list[Sample]) -> str:
    """A table: per fault met (a request that met two counts under both), requests and the
    slowest client / service / analysis time."""
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        for fault in sample.faults.split("+"):
            groups[fault].append(sample)
    rows = [
        f"  {'fault met':<18} {'n':>6}" + "".join(f" {title:>{len(title)}}" for title, _ in COLUMNS)
    ]
    for label, group in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        cells = "".join(f" {_max(map(of, group)):>{len(title)}}" for title, of in COLUMNS)
        rows.append(f"  {label:<18} {len(group):>6}{cells}")
    return "\n".join(rows)


COLUMNS: tuple[tuple[str, Callable[[Sample], float | None]], ...] = (
    ("client max", lambda s: s.client_s),
    ("sent->answer max", lambda s: s.bounded_s),
    ("client wait max", lambda s: s.client_wait_s),
    ("queued max", lambda s: s.queued_s),
    ("service max", lambda s: s.service_s),
    ("analysis max", lambda s: s.analysis_s),
    ("service lag max", lambda s: s.service_lag_s),
)


def _max(values: Any) -> str:
    known = [v for v in values if v is not None]
    return f"{max(known):.2f} s" if known else "-"
