"""Fault-injection load harness: the service under its real server, a misbehaving upstream,
rounds of concurrent analyses; every request must end in a valid analysis or a typed
problem within the time the settings allow, and memory must stay flat across rounds.

The bound is a total per request, counted from the request on the wire (the client's own
wait before that is reported apart); each request is tagged, so its upstream faults, the
service's own time and the queue before the app are reported beside the client's time
(tests/load/timing.py). The long run puts the service and the stub upstream each in a
process of its own; CI's short run keeps all three in one (tests/load/service.py).

Run short in CI (tests/load/test_fault_injection.py) and long with `make bench`:
    .venv/bin/python -m tests.load.harness --requests 2000 --concurrency 100 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from pydantic import ValidationError

from api.config import Settings
from schemas.analysis import Analysis
from tests.conftest import SEED_TEXT
from tests.load.fault_upstream import DRIP, FAULTS, FaultPlan, FaultyUpstream, UpstreamProcess
from tests.load.service import Service, in_process, own_process, service_settings
from tests.load.timing import (
    SERVICE_BEGAN_HEADER,
    SERVICE_LAG_HEADER,
    SERVICE_MS_HEADER,
    Sample,
    by_fault,
    fault_label,
)

Upstream = FaultyUpstream | UpstreamProcess
# What a client may get when the upstream misbehaves: status → the codes that may carry it.
TYPED_PROBLEMS = {
    429: {"upstream_rate_limited"},
    502: {"model_output_invalid", "upstream_error"},
    503: {"upstream_unavailable", "overloaded"},
    504: {"upstream_timeout", "deadline_exceeded"},
}
SLACK_S = 5.0  # scheduling on a loaded 2-core machine


def time_bound_s(settings: Settings) -> float:
    """Longest a request may take: its deadline (retries and repairs included), or, when
    every call timing out on every try and repair is sooner, that."""
    attempts = settings.retry_attempts
    per_call = attempts * settings.llm_timeout_s + (attempts - 1) * settings.retry_max_wait_s
    worst_case = (settings.repair_attempts + 1) * per_call
    return min(worst_case, settings.request_deadline_s) + SLACK_S


@dataclass
class Round:
    samples: list[Sample] = field(default_factory=list)
    rss_mb: float = 0.0
    client_lag_s: float = 0.0  # the client loop's longest lag during the round

    @property
    def outcomes(self) -> Counter[str]:
        return Counter(s.outcome for s in self.samples)

    @property
    def violations(self) -> list[str]:
        return [s.violation for s in self.samples if s.violation]

    @property
    def latencies(self) -> list[float]:
        """Each request's time from on the wire to answered (what the bound applies to)."""
        return [s.bounded_s for s in self.samples]

    @property
    def max_client_wait_s(self) -> float:
        return max((s.client_wait_s or 0.0 for s in self.samples), default=0.0)

    @property
    def max_latency_s(self) -> float:
        return max(self.latencies, default=0.0)


def judge(status: int, content_type: str, body: bytes) -> tuple[str, str | None]:
    """(outcome label, violation or None) for one answer."""
    if status == 200:
        try:
            analysis = Analysis.model_validate_json(body)
        except ValidationError as exc:
            return "200 invalid", f"200 with an invalid analysis: {exc.errors()[:1]}"
        for span in [e for c in analysis.claims for e in c.evidence]:
            if SEED_TEXT[span.start : span.end] != span.quote:
                return "200 unresolved", f"evidence {span.start}:{span.end} does not resolve"
        return "200 analysis", None
    code = json.loads(body).get("code") if content_type == "application/problem+json" else None
    label = f"{status} {code}"
    if code not in TYPED_PROBLEMS.get(status, set()):
        return label, f"untyped or unexpected answer {status} {content_type} {body[:120]!r}"
    return label, None


@dataclass(frozen=True)
class _Ended:
    outcome: str
    violation: str | None
    client_s: float
    response: httpx.Response | None = None
    sent: float = 0.0  # time.monotonic() when the client was asked to send it
    written: float | None = None  # time.monotonic() when it was all on the wire


async def _one(client: httpx.AsyncClient, tag: int, bound_s: float) -> _Ended:
    """One analysis, bounded in total: httpx's timeout applies to each read, so an answer
    that drips in slower than the bound but faster than a read timeout would pass unseen.
    The bound runs from the moment the request is all on the wire: what it waited in this
    client before (its event loop, its pool) is the harness's, not the service's, and is
    reported apart (capped at the bound too, so no request can hang the run)."""
    body = {"text": SEED_TEXT, "title": f"load-{tag}"}  # the tag reaches the upstream
    loop, written = asyncio.get_running_loop(), []
    sent, started = time.monotonic(), time.perf_counter()
    try:
        async with asyncio.timeout(2 * bound_s) as limit:

            async def trace(event: str, info: dict[str, object]) -> None:
                if event == "http11.send_request_body.complete":
                    written.append(time.monotonic())
                    limit.reschedule(loop.time() + bound_s)

            response = await client.post("/v1/analyze", json=body, extensions={"trace": trace})
    except (TimeoutError, httpx.TimeoutException):
        took = time.perf_counter() - started
        if not written:
            return _Ended("not sent in time", f"not sent within {bound_s:.1f} s", took, None, sent)
        late = f"no answer within {bound_s:.1f} s"
        return _Ended("no answer in time", late, took, None, sent, written[0])
    except httpx.TransportError as exc:
        took = time.perf_counter() - started
        return _Ended(f"connection error ({type(exc).__name__})", "connection error", took)
    took = time.perf_counter() - started
    outcome, violation = judge(
        response.status_code, response.headers.get("content-type", ""), response.content
    )
    on_wire = written[0] if written else None
    answered_s = took - (on_wire - sent if on_wire else 0.0)
    if violation is None and answered_s > bound_s:  # the answer won a race with the timeout
        violation = f"answered {answered_s:.2f} s after it was sent, past {bound_s:.1f} s"
    return _Ended(outcome, violation, took, response, sent, on_wire)


def _sample(ended: _Ended, faults: list[str] | None) -> Sample:
    label = fault_label(faults)
    response = ended.response
    headers = response.headers if response is not None else {}
    service_ms, lag_ms = headers.get(SERVICE_MS_HEADER), headers.get(SERVICE_LAG_HEADER)
    began = headers.get(SERVICE_BEGAN_HEADER)
    analysis_ms = None
    if response is not None and ended.outcome == "200 analysis":
        analysis_ms = Analysis.model_validate_json(response.content).meta.latency_ms
    violation = ended.violation and f"{ended.violation} (faults: {label}; {ended.client_s:.2f} s)"
    return Sample(
        faults=label,
        outcome=ended.outcome,
        client_s=ended.client_s,
        service_s=float(service_ms) / 1000 if service_ms else None,
        analysis_s=analysis_ms / 1000 if analysis_ms is not None else None,
        violation=violation,
        service_lag_s=float(lag_ms) / 1000 if lag_ms else None,
        client_wait_s=ended.written - ended.sent if ended.written else None,
        queued_s=float(began) - ended.written if began and ended.written else None,
    )


async def run_round(
    client: httpx.AsyncClient,
    requests: int,
    concurrency: int,
    bound_s: float,
    plan: FaultPlan,
    first: int = 0,
    sync: Callable[[], None] = lambda: None,
    pid: int | None = None,
) -> Round:
    """`requests` analyses, `concurrency` at a time, tagged `first`, `first` + 1, …, so the
    faults each one's upstream calls met (recorded by `plan`, brought up to date by `sync`)
    are known per request. RSS is the service's (process `pid`, by default this one)."""
    gate = asyncio.Semaphore(concurrency)

    async def gated(tag: int) -> _Ended:
        async with gate:
            return await _one(client, tag, bound_s)

    tags = range(first, first + requests)
    ended = await asyncio.gather(*(gated(tag) for tag in tags))
    sync()
    result = Round([_sample(e, plan.by_tag.get(t)) for t, e in zip(tags, ended, strict=True)])
    gc.collect()
    result.rss_mb = current_rss_mb(pid or os.getpid())
    return result


def current_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def client(base_url: str, concurrency: int, bound_s: float) -> httpx.AsyncClient:
    # Idle connections are dropped by the client well before the server's keep-alive timeout
    # (5 s), as a well-behaved client does: reusing one the server is closing at that very
    # moment is a race no server can win for a POST.
    limits = httpx.Limits(max_connections=concurrency, keepalive_expiry=1.0)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=httpx.Timeout(bound_s))


async def _rounds(
    service: Service, upstream: Upstream, args: argparse.Namespace, plan: FaultPlan
) -> list[Round]:
    bound_s = time_bound_s(service_settings(upstream.base_url))
    async with client(service.base_url, args.concurrency, bound_s) as http:
        # The first analysis imports litellm (~5 s, more on a busy machine): not a round's.
        await http.post("/v1/analyze", json={"text": SEED_TEXT}, timeout=120)
        rounds = []
        for number in range(args.rounds):
            with watch_lag() as lag:
                result = await run_round(
                    http,
                    args.requests,
                    args.concurrency,
                    bound_s,
                    plan,
                    first=number * args.requests,
                    sync=upstream.sync,
                    pid=service.pid,
                )
            result.client_lag_s = max(lag, default=0.0)
            rounds.append(result)
        return rounds


@contextmanager
def watch_lag(every_s: float = 0.05) -> Iterator[list[float]]:
    """How late this event loop wakes a sleeper, sampled while the block runs: time the
    client's own loop adds to every request it makes."""
    lags: list[float] = []
    loop = asyncio.get_running_loop()

    async def watch() -> None:
        while True:
            before = loop.time()
            await asyncio.sleep(every_s)
            lags.append(loop.time() - before - every_s)

    task = loop.create_task(watch())
    try:
        yield lags
    finally:
        task.cancel()


def run(
    requests: int,
    concurrency: int,
    rounds: int,
    fault_rate: float,
    own: bool = False,
    faults: tuple[str, ...] = FAULTS,
) -> tuple[list[Round], FaultPlan]:
    """Start the upstream and the service (in this process, or with `own` each in its own),
    run the rounds; return them and the fault plan."""
    args = argparse.Namespace(requests=requests, concurrency=concurrency, rounds=rounds)
    plan = FaultPlan(fault_rate=fault_rate, faults=faults)
    upstream: Upstream = UpstreamProcess(plan) if own else FaultyUpstream(plan)
    with upstream, (own_process if own else in_process)(upstream.base_url) as service:
        results = asyncio.run(_rounds(service, upstream, args, plan))
    return results, plan


def report(results: list[Round], plan: FaultPlan, bound_s: float) -> str:
    lines = [f"upstream calls by fault: {dict(sorted(plan.drawn.items()))}"]
    for number, result in enumerate(results, start=1):
        lines.append(
            f"round {number}: {dict(sorted(result.outcomes.items()))}; "
            f"max {result.max_latency_s:.2f} s sent->answer (bound {bound_s:.1f} s); "
            f"client wait max {result.max_client_wait_s:.2f} s; "
            f"client loop lag max {result.client_lag_s:.2f} s; "
            f"RSS {result.rss_mb:.0f} MB; violations {len(result.violations)}"
        )
        lines.append(by_fault(result.samples))
    return "\n".join(lines)


def write_samples(path: str, results: list[Round]) -> None:
    with open(path, "w") as out:
        for number, result in enumerate(results, start=1):
            for sample in result.samples:
                out.write(json.dumps({"round": number, **dataclasses.asdict(sample)}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="per round")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument(
        "--same-process",
        action="store_true",
        help="run the service in this process, as CI does (client and service share a GIL)",
    )
    parser.add_argument("--samples-out", help="write every request's sample here (JSON lines)")
    parser.add_argument(
        "--drip", action="store_true", help="add the drip fault (an answer slower than a call)"
    )
    args = parser.parse_args()
    faults = (*FAULTS, DRIP) if args.drip else FAULTS
    results, plan = run(
        args.requests, args.concurrency, args.rounds, args.fault_rate, not args.same_process, faults
    )
    if args.samples_out:
        write_samples(args.samples_out, results)
    print(report(results, plan, time_bound_s(service_settings("http://unused"))))
    for violation in sorted({v for r in results for v in r.violations})[:20]:
        print("VIOLATION:", violation)


if __name__ == "__main__":
    main()
