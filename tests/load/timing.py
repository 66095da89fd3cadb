"""Where a fault run's time goes: per request, the client's total time beside the time the
service itself took, grouped by the upstream faults the request met.

The service's own time is measured by a pure-ASGI wrapper around the app (`timed`): from the
moment the server hands it the request to the start of its answer (analyses are not
streamed, so that is the whole of its work). It travels back in a response header, so it
is read the same way whether the service runs in this process or in its own. What the client
waits beyond it is queueing outside the app: the client's own event loop, the server's
accept and parse, and — with everything in one process — the GIL they share.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

SERVICE_MS_HEADER = "x-load-service-ms"
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


def timed(app: ASGIApp) -> ASGIApp:
    """`app` with its own time per HTTP request in the SERVICE_MS_HEADER of the answer."""

    async def wrapper(
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"{(time.perf_counter() - started) * 1000:.1f}".encode()
                headers = [*message.get("headers", []), (SERVICE_MS_HEADER.encode(), took)]
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
    rows = ["  fault met               n   client max  service max  analysis max"]
    for label, group in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        rows.append(
            f"  {label:<18} {len(group):>6} {_max(s.client_s for s in group):>12}"
            f" {_max(s.service_s for s in group):>12} {_max(s.analysis_s for s in group):>13}"
        )
    return "\n".join(rows)


def _max(values: Any) -> str:
    known = [v for v in values if v is not None]
    return f"{max(known):.2f} s" if known else "-"
