"""Issue 15's numbers: cache-hit latency on memory, SQLite and Redis; the per-request cost of
auth + rate limiting with the Redis backend (target < 2 ms p50); requests/s of two replicas
sharing Redis versus one (cache hits over real HTTP, keys and limits on).

Starts its own redis-server and `stancewire serve` processes on free loopback ports and stops
them at the end; load from wrk. Run: .venv/bin/python scripts/measure_production.py
[--hits 300] [--checks 2000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.requests import Request  # noqa: E402

from api.auth import create_key  # noqa: E402
from api.compose import make_analyzer  # noqa: E402
from api.config import Settings  # noqa: E402
from api.pipeline.cache import AnalysisCache  # noqa: E402
from api.ratelimit import KeyLimiter, admit  # noqa: E402
from api.storage import open_store  # noqa: E402
from schemas.request import AnalyzeRequest  # noqa: E402

SEED = (ROOT / "api" / "static" / "examples" / "seed_article.txt").read_text()
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port} after {timeout_s} s")


@contextmanager
def redis_server() -> Iterator[str]:
    port, workdir = free_port(), tempfile.mkdtemp(prefix="measure-redis-")
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen([*args, "--dir", workdir], stdout=subprocess.DEVNULL)
    try:
        wait_for(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 3),
        "n": len(ordered),
    }


def cache_hits(settings: Settings, backend: str, hits: int) -> dict[str, float]:
    """Analyzer.analyze on a cached article: key, lookup, parse, copy (no HTTP)."""
    store = open_store(settings) if backend != "memory" else None
    cache = AnalysisCache(512, 3600, store)
    analyzer = make_analyzer(settings, cache=cache)
    request = AnalyzeRequest(text=SEED)

    async def run() -> list[float]:
        await analyzer.analyze(request)  # computed once by the built-in engine
        samples = []
        for _ in range(hits):
            started = time.perf_counter()
            assert (await analyzer.analyze(request)).meta.cache_hit
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    return summary(asyncio.run(run()))


def admission(settings: Settings, checks: int) -> dict[str, float]:
    """The dependency every analysis passes: key lookup by hash, scope, one request of the
    rate limit (moving window), the token budget check; against the configured backends."""
    store = open_store(settings)
    key = create_key(store, f"bench-{time.time_ns()}", ["analyze"])
    state = SimpleNamespace(settings=settings, store=store, limiter=KeyLimiter(settings))
    app = SimpleNamespace(state=state)
    headers = [(b"authorization", f"Bearer {key}".encode())]
    dependency = admit("analyze")
    samples = []
    for _ in range(checks):
        request = Request({"type": "http", "headers": headers, "app": app})
        started = time.perf_counter()
        dependency(request, None)
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "stancewire"), "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port)
    return process, port


def wrk_script(path: Path, key: str) -> None:
    body = json.dumps(json.dumps({"text": SEED}))
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {body}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
    )


def wrk(ports: list[int], script: Path, seconds: int, connections: int) -> dict[str, Any]:
    """One wrk per replica at once (no load balancer here); requests/s summed."""
    runs = [
        subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}/v1/analyze",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    outputs = [run.communicate()[0] for run in runs]
    rps = sum(
        float(line.split()[1])
        for o in outputs
        for line in o.splitlines()
        if line.startswith("Requests/sec:")
    )
    p50 = [
        line.split()[1]
        for o in outputs
        for line in o.splitlines()
        if line.strip().startswith("50%")
    ]
    non2xx = sum(
        int(line.split()[-1]) for o in outputs for line in o.splitlines() if "Non-2xx" in line
    )
    return {"requests_per_s": round(rps, 1), "p50": p50, "non_2xx": non2xx}


def http(redis_url: str, seconds: int) -> dict[str, Any]:
    data_dir = tempfile.mkdtemp(prefix="measure-data-")
    env = {
        "STANCEWIRE_REDIS_URL": redis_url,
        "STANCEWIRE_AUTH": "true",
        "STANCEWIRE_DATA_DIR": data_dir,
        "STANCEWIRE_ENGINE_PROCESSES": "0",
        "STANCEWIRE_RATE_LIMIT_PER_MINUTE": "100000000",
        "STANCEWIRE_TOKEN_BUDGET_PER_DAY": "1000000000000",
        "STANCEWIRE_LOG_LEVEL": "warning",
    }
    store = open_store(Settings(_env_file=None, redis_url=redis_url))
    key = create_key(store, f"wrk-{time.time_ns()}", ["analyze"])
    script = Path(data_dir) / "post.lua"
    wrk_script(script, key)  # the open server ignores the key
    open_env = {
        **env,
        "STANCEWIRE_AUTH": "false",
        "STANCEWIRE_RATE_LIMIT_PER_MINUTE": "0",
        "STANCEWIRE_TOKEN_BUDGET_PER_DAY": "0",
    }
    servers = [serve(env), serve(env), serve(open_env)]
    try:
        ports = [port for _, port in servers]
        wrk(ports, script, 2, 1)  # the first request computes; the rest are cache hits
        return {
            **_overhead(ports[0], ports[2], script, seconds),
            **_scaling(ports, script, seconds),
        }
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=20)


def _overhead(keyed: int, open_port: int, script: Path, seconds: int) -> dict[str, Any]:
    """Auth + limits over HTTP: p50 of one connection, keys and limits on vs off, alternated
    (a neighbour's load on this shared machine then hits both alike)."""
    rounds = [
        (_p50_ms(wrk([keyed], script, seconds, 1)), _p50_ms(wrk([open_port], script, seconds, 1)))
        for _ in range(3)
    ]
    return {
        "http_p50_ms_keys_on_rounds": [on for on, _ in rounds],
        "http_p50_ms_keys_off_rounds": [off for _, off in rounds],
        "http_overhead_p50_ms_median": round(statistics.median(on - off for on, off in rounds), 2),
    }


def _scaling(ports: list[int], script: Path, seconds: int) -> dict[str, Any]:
    """Requests/s of one replica (8 connections) vs two (4 each), keys on, alternated."""
    rounds = [
        (
            wrk(ports[:1], script, seconds, 8)["requests_per_s"],
            wrk(ports[:2], script, seconds, 4)["requests_per_s"],
        )
        for _ in range(3)
    ]
    return {
        "one_replica_rps_rounds": [one for one, _ in rounds],
        "two_replicas_rps_rounds": [two for _, two in rounds],
        "two_over_one_median": round(statistics.median(two / one for one, two in rounds), 2),
    }


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _p50_ms(result: dict[str, Any]) -> float:
    """wrk's median latency ("850.00us", "1.68ms", "1.20s") in milliseconds."""
    text = result["p50"][0]
    number = text.rstrip("usm")
    return float(number) * _UNITS_MS[text[len(number) :]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hits", type=int, default=300)
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("redis-server") or not shutil.which("wrk"):
        sys.exit("needs redis-server and wrk (make redis bench-tools)")
    report: dict[str, Any] = {"load_average": os.getloadavg()}
    with redis_server() as redis_url, tempfile.TemporaryDirectory() as data_dir:
        sqlite = Settings(
            _env_file=None,
            auth=True,
            data_dir=Path(data_dir),
            engine_processes=0,
            rate_limit_per_minute=100_000_000,
            token_budget_per_day=10**12,
        )
        redis = sqlite.model_copy(update={"redis_url": redis_url})
        report["cache_hit"] = {
            backend: cache_hits(settings, backend, args.hits)
            for backend, settings in (("memory", sqlite), ("sqlite", sqlite), ("redis", redis))
        }
        report["auth_and_limits"] = {
            "sqlite+memory": admission(sqlite, args.checks),
            "redis": admission(redis, args.checks),
        }
        report["http"] = http(redis_url, args.seconds)
    report["load_average_after"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
