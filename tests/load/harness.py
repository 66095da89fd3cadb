"""Fault-injection load harness: the service under its real server, a misbehaving upstream,
rounds of concurrent analyses; every request must end in a valid analysis or a typed
problem within the time the settings allow, and memory must stay flat across rounds.

Run short in CI (tests/load/test_fault_injection.py) and long with `make bench`:
    .venv/bin/python -m tests.load.harness --requests 2000 --concurrency 100 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from pydantic import ValidationError

from api.app import create_app
from api.config import Settings
from schemas.analysis import Analysis
from tests.conftest import SEED_TEXT
from tests.live_server import live_server
from tests.load.fault_upstream import FaultPlan, FaultyUpstream

MODEL = "openai/stub"
# What a client may get when the upstream misbehaves: status → the codes that may carry it.
TYPED_PROBLEMS = {
    429: {"upstream_rate_limited"},
    502: {"model_output_invalid", "upstream_error"},
    503: {"upstream_unavailable", "overloaded"},
    504: {"upstream_timeout", "deadline_exceeded"},
}
SLACK_S = 5.0  # scheduling on a loaded 2-core machine


def service_settings(api_base: str) -> Settings:
    return Settings(
        default_model=MODEL,
        models=[MODEL],
        api_base=api_base,
        api_key="stub-key",
        cache_size=0,
        llm_timeout_s=1.0,
        retry_attempts=3,
        retry_max_wait_s=0.2,
        retry_total_s=3.0,
        repair_attempts=1,
        request_deadline_s=6.0,
        log_level="error",
        max_connections=4096,
        _env_file=None,
    )  # type: ignore[call-arg]


def time_bound_s(settings: Settings) -> float:
    """Longest a request may take: its deadline (retries and repairs included), or, when
    every call timing out on every try and repair is sooner, that."""
    attempts = settings.retry_attempts
    per_call = attempts * settings.llm_timeout_s + (attempts - 1) * settings.retry_max_wait_s
    worst_case = (settings.repair_attempts + 1) * per_call
    return min(worst_case, settings.request_deadline_s) + SLACK_S


@dataclass
class Round:
    outcomes: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    rss_mb: float = 0.0

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


async def run_round(client: httpx.AsyncClient, requests: int, concurrency: int) -> Round:
    result, gate = Round(), asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            started = time.perf_counter()
            try:
                response = await client.post("/v1/analyze", json={"text": SEED_TEXT})
            except httpx.TimeoutException:
                result.outcomes["no answer in time"] += 1
                result.violations.append("no answer within the time bound")
                return
            except httpx.TransportError as exc:
                result.outcomes[f"connection error ({type(exc).__name__})"] += 1
                result.violations.append(f"connection error: {type(exc).__name__}")
                return
            result.latencies.append(time.perf_counter() - started)
            kind = response.headers.get("content-type", "")
            outcome, violation = judge(response.status_code, kind, response.content)
            result.outcomes[outcome] += 1
            if violation:
                result.violations.append(violation)

    await asyncio.gather(*(one() for _ in range(requests)))
    gc.collect()
    result.rss_mb = current_rss_mb()
    return result


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _rounds(base_url: str, settings: Settings, args: argparse.Namespace) -> list[Round]:
    # Idle connections are dropped by the client well before the server's keep-alive timeout
    # (5 s), as a well-behaved client does: reusing one the server is closing at that very
    # moment is a race no server can win for a POST.
    limits = httpx.Limits(max_connections=args.concurrency, keepalive_expiry=1.0)
    timeout = httpx.Timeout(time_bound_s(settings))
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:
        # The first analysis imports litellm (~5 s, more on a busy machine): not a round's.
        await client.post("/v1/analyze", json={"text": SEED_TEXT}, timeout=120)
        return [
            await run_round(client, args.requests, args.concurrency) for _ in range(args.rounds)
        ]


def run(
    requests: int, concurrency: int, rounds: int, fault_rate: float
) -> tuple[list[Round], FaultPlan]:
    """Start the upstream and the service, run the rounds; return them and the fault plan."""
    args = argparse.Namespace(requests=requests, concurrency=concurrency, rounds=rounds)
    plan = FaultPlan(fault_rate=fault_rate)
    with FaultyUpstream(plan) as upstream:
        settings = service_settings(upstream.base_url)
        with live_server(create_app(settings), settings) as (host, port):
            results = asyncio.run(_rounds(f"http://{host}:{port}", settings, args))
    return results, plan


def report(results: list[Round], plan: FaultPlan, bound_s: float) -> str:
    lines = [f"upstream calls by fault: {dict(sorted(plan.drawn.items()))}"]
    for number, result in enumerate(results, start=1):
        lines.append(
            f"round {number}: {dict(sorted(result.outcomes.items()))}; "
            f"max {result.max_latency_s:.2f} s (bound {bound_s:.1f} s); "
            f"RSS {result.rss_mb:.0f} MB; violations {len(result.violations)}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="per round")
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    args = parser.parse_args()
    results, plan = run(args.requests, args.concurrency, args.rounds, args.fault_rate)
    print(report(results, plan, time_bound_s(service_settings("http://unused"))))
    for violation in sorted({v for r in results for v in r.violations})[:20]:
        print("VIOLATION:", violation)


if __name__ == "__main__":
    main()
